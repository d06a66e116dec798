"""A real Oxigraph server (the ``oxigraph`` binary of the PyPI package) on 127.0.0.1, for tests
and benchmarks of the external-engine path."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.server_process import free_port


def oxigraph_binary() -> str | None:
    return shutil.which("oxigraph")


@contextmanager
def oxigraph_server(location: Path | None = None, timeout: float = 30.0) -> Iterator[str]:
    """``oxigraph serve`` on a free port with its data in ``location`` (a temporary directory by
    default); yields the base URL (``/query``, ``/update``, ``/store`` beneath it)."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph binary is missing: pip install oxigraph (the test extra has it)")
    owned = location is None
    directory = Path(tempfile.mkdtemp(prefix="oxigraph-")) if owned else location
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen([binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode()[-2000:]
                    raise RuntimeError(f"oxigraph serve did not start: {output}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        if owned:
            shutil.rmtree(directory, ignore_errors=True)
