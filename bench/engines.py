"""The four engines of the benchmark, started on the same build, each behind ``ask(query, accept)``.

(a) pyoxigraph in process (the build's store): query + serialisation, no HTTP — the limit;
(b) our endpoint: ``kg serve`` (waitress, guarded worker processes) over HTTP;
(c) Oxigraph server: ``oxigraph serve`` loaded by ``kg publish --to`` over HTTP;
(d) rdflib-endpoint (FastAPI + rdflib) from its own venv (bench/.venv-peers) over HTTP.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from server_process import free_port, running_server  # noqa: E402

from kg.store import OxigraphStore  # noqa: E402

PEERS_VENV = REPO / "bench" / ".venv-peers"
RESULT_KEYS = {"application/sparql-results+json": "json", "text/turtle": "turtle"}


class InProcess:
    name = "(a) pyoxigraph in-process"

    def __init__(self, store_dir: Path) -> None:
        self.store = OxigraphStore.open_read_only(store_dir)

    def ask(self, query: str, accept: str) -> int:
        return len(self.store.query(query).serialize(RESULT_KEYS[accept]))


class HttpEngine:
    """A SPARQL endpoint over one keep-alive connection (a new one after an error)."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.connection: http.client.HTTPConnection | None = None

    def ask(self, query: str, accept: str, count_lines: bool = False) -> int:
        """Bytes of the answer (read in 64 KiB chunks, never held), or its lines with count_lines."""
        body = urllib.parse.urlencode({"query": query})
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
                self.connection.request("POST", self.path, body=body, headers={
                    "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
                response = self.connection.getresponse()
                size = 0
                while chunk := response.read(1 << 16):
                    size += chunk.count(b"\n") if count_lines else len(chunk)
                if response.status != 200:
                    raise RuntimeError(f"{self.name}: HTTP {response.status}")
                return size
            except (ConnectionError, http.client.HTTPException):
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def clone(self) -> HttpEngine:
        return HttpEngine(self.name, self.url)


def _wait_until_answers(url: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    engine = HttpEngine("probe", url)
    while True:
        try:
            engine.ask("ASK {}", "application/sparql-results+json")
            return time.monotonic() - started
        except (OSError, RuntimeError, http.client.HTTPException):
            if process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError(f"{url} did not come up (exit {process.poll()})") from None
            time.sleep(0.1)


@contextmanager
def our_endpoint(build_dir: Path) -> Iterator[tuple[HttpEngine, float, int]]:
    """``kg serve`` on the build: (engine, seconds until /healthz answered, server pid)."""
    started = time.monotonic()
    with running_server(["--build", str(build_dir), "--max-rows", "1000000", "--rate-limit", "0",
                         "--client-concurrency", "0", "--timeout", "600", "--max-timeout", "600"],
                        timeout=120) as base:
        ready = time.monotonic() - started
        yield HttpEngine("(b) kg serve (our endpoint)", f"{base}/sparql"), ready, _listener_pid(base)


def _listener_pid(base: str) -> int:
    port = urllib.parse.urlsplit(base).port
    for line in subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout.splitlines():
        if f":{port} " in line and "pid=" in line:
            return int(line.split("pid=")[1].split(",")[0])
    return 0


@contextmanager
def oxigraph_server(build_dir: Path, work: Path) -> Iterator[tuple[HttpEngine, float]]:
    """``oxigraph serve`` on a fresh directory, loaded with ``kg publish --to``; (engine, publish s)."""
    location = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=work))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(["oxigraph", "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_answers(f"{base}/query", process, 60)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "kg", "publish", "--build", str(build_dir), "--to",
                        f"{base}/store"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        yield HttpEngine("(c) Oxigraph server", f"{base}/query"), time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(location)], check=False)


@contextmanager
def rdflib_endpoint(nquads: Path, timeout: float) -> Iterator[tuple[HttpEngine, float]]:
    """rdflib-endpoint serving kg.nq from bench/.venv-peers; (engine, seconds to load)."""
    binary = PEERS_VENV / "bin" / "rdflib-endpoint"
    if not binary.is_file():
        raise RuntimeError(f"{binary} is missing: python -m venv {PEERS_VENV} && "
                           f"{PEERS_VENV}/bin/pip install 'rdflib-endpoint[cli]'")
    port = free_port()
    started = time.monotonic()
    command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), str(nquads)]
    process = subprocess.Popen(command,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": ""})
    try:
        _wait_until_answers(f"http://127.0.0.1:{port}/", process, timeout)
        yield HttpEngine("(d) rdflib-endpoint", f"http://127.0.0.1:{port}/"), time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
