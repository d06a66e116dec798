"""A real ``kg serve`` in a subprocess on 127.0.0.1 and a free port, for tests and benchmarks.

:func:`running_server` starts ``python -m kg serve ARGS --host 127.0.0.1 --port P``, waits (at
most 30 s) until ``/healthz`` answers, yields the base URL and terminates the process at the
end. The server's output goes to a log file that a failure to start quotes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerStartError(RuntimeError):
    """The server exited or did not answer /healthz in time."""


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def stop(process: subprocess.Popen) -> None:
    """Terminate ``process`` if it runs (killed after 10 s) and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def running_server(args: list[str], timeout: float = STARTUP_TIMEOUT, attempts: int = 3
                   ) -> Iterator[str]:
    """``kg serve ARGS`` on a free port; yields ``http://127.0.0.1:PORT``."""
    env = dict(os.environ, PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as scratch:
        log_path = Path(scratch) / "server.log"
        for attempt in range(1, attempts + 1):
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "kg", "serve", *args, "--host", "127.0.0.1",
                     "--port", str(port)],
                    cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + timeout
                while not _healthy(base_url):
                    if process.poll() is not None or time.monotonic() > deadline:
                        break
                    time.sleep(0.1)
                else:
                    yield base_url
                    return
                output = log_path.read_text(encoding="utf-8", errors="replace")
                lost_port = "address already in use" in output.lower()
                if process.poll() is None or not lost_port or attempt == attempts:
                    raise ServerStartError(f"kg serve {' '.join(args)} did not answer /healthz within "
                                       f"{timeout:.0f} s (exit code {process.poll()}):\n{output[-4000:]}")
            finally:
                stop(process)
