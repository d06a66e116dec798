"""The four engines of the benchmark, started on the same build, each behind ``ask(query, accept)``.

(a) pyoxigraph in process (the build's store): query + serialisation, no HTTP — the limit;
(b) our endpoint: ``kg serve`` (waitress, guarded worker processes) over HTTP;
(c) Oxigraph server: ``oxigraph serve`` loaded by ``kg publish --to`` over HTTP;
(d) rdflib-endpoint (FastAPI + rdflib) from its own venv (bench/.venv-peers) over HTTP.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from peers import ensure_peers_venv  # noqa: E402
from server_process import free_port, running_server  # noqa: E402

from kg.common.formats import GRAPH, RESULTS, by_key, for_media_type  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

_STORE: list = []


def _open(store_dir: str) -> None:
    _STORE[:] = [OxigraphStore.open_read_only(Path(store_dir))]


def _ask(query: str, accept: str) -> int:
    result = _STORE[0].query(query)
    answered_in = for_media_type(accept, GRAPH if result.kind == "graph" else RESULTS)
    if answered_in is None:
        raise ValueError(f"{accept!r} cannot carry an answer of kind {result.kind}")
    return len(result.serialize(answered_in.key))


class InProcess:
    """pyoxigraph without HTTP: query + serialisation in one child process (so that a query
    past ``timeout`` can be stopped; pyoxigraph itself has no time limit)."""

    name = "(a) pyoxigraph in-process"

    def __init__(self, store_dir: Path, timeout: float) -> None:
        self.store_dir, self.timeout = store_dir, timeout
        self.store = OxigraphStore.open_read_only(store_dir)  # for the harness's own lookups
        self._start()

    def _start(self) -> None:
        self.pool = multiprocessing.get_context("fork").Pool(1, _open, (str(self.store_dir),))

    def ask(self, query: str, accept: str) -> int:
        try:
            return self.pool.apply_async(_ask, (query, accept)).get(self.timeout)
        except multiprocessing.TimeoutError:
            self.pool.terminate()
            self._start()
            raise RuntimeError(f"over {self.timeout:.0f} s") from None

    def close(self) -> None:
        self.pool.terminate()


class HttpEngine:
    """A SPARQL endpoint over one keep-alive connection (a new one after an error)."""

    def __init__(self, name: str, url: str, timeout: float = 600.0) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.connection: http.client.HTTPConnection | None = None

    def ask(self, query: str, accept: str, count_lines: bool = False, count: bytes = b"") -> int:
        """Bytes of the answer (read in 64 KiB chunks, never held), or its lines with count_lines,
        or how often ``count`` occurs in it (e.g. one SPARQL JSON binding per row)."""
        pattern = b"\n" if count_lines else count
        body = urllib.parse.urlencode({"query": query})
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.connection.request("POST", self.path, body=body, headers={
                    "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
                response = self.connection.getresponse()
                size = _read_counting(response, pattern)
                if response.status != 200:
                    raise RuntimeError(f"{self.name}: HTTP {response.status}")
                return size
            except TimeoutError:
                self.connection = None
                raise RuntimeError(f"over {self.timeout:.0f} s") from None
            except (ConnectionError, http.client.HTTPException):
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def clone(self) -> HttpEngine:
        return HttpEngine(self.name, self.url, self.timeout)


def _read_counting(response: http.client.HTTPResponse, pattern: bytes) -> int:
    """Read ``response`` to the end: its size, or how often ``pattern`` occurs (also across the
    edges of the 64 KiB reads: the last bytes of each read are kept for the next)."""
    size, carry = 0, b""
    while chunk := response.read(1 << 16):
        if not pattern:
            size += len(chunk)
            continue
        window = carry + chunk
        size += window.count(pattern)
        carry = window[-(len(pattern) - 1):] if len(pattern) > 1 else b""
    return size


def wait_until_answers(url: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    engine = HttpEngine("probe", url)
    while True:
        try:
            engine.ask("ASK {}", by_key("json").media_type)
            return time.monotonic() - started
        except (OSError, RuntimeError, http.client.HTTPException):
            if process.poll() is not None or time.monotonic() - started > timeout:
                raise RuntimeError(f"{url} did not come up (exit {process.poll()})") from None
            time.sleep(0.1)


@contextmanager
def our_endpoint(build_dir: Path, timeout: float,
                 options: Sequence[str] = ()) -> Iterator[tuple[HttpEngine, float, int]]:
    """``kg serve`` on the build, with ``options`` after the harness's own (per-client limits
    off): (engine, seconds until /healthz answered, server pid)."""
    started = time.monotonic()
    limits = ["--max-rows", "1000000", "--rate-limit", "0", "--client-concurrency", "0",
              "--client-workers", "0", "--cheap-lane-workers", "0",
              "--cache-memory", "0",  # the engine, not the result cache (decision 0022)
              "--timeout", str(timeout), "--max-timeout", str(timeout), *options]
    name = " ".join(["(b) kg serve (our endpoint)", *options])
    with running_server(["--build", str(build_dir), *limits], timeout=120) as base:
        ready = time.monotonic() - started
        yield HttpEngine(name, f"{base}/sparql", timeout + 5), ready, _listener_pid(base)


def _listener_pid(base: str) -> int:
    port = urllib.parse.urlsplit(base).port
    for line in subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout.splitlines():
        if f":{port} " in line and "pid=" in line:
            return int(line.split("pid=")[1].split(",")[0])
    return 0


class OxigraphServer:
    """A running ``oxigraph serve`` on ``location``: its engine, and a restart without the time limit.

    Oxigraph enforces ``--timeout-s`` with one thread per query that waits out the whole
    limit; at the ~2 000 lookups per second of the throughput run those threads pile up by the
    tens of thousands, and within seconds the server fails ("Resource temporarily unavailable")
    and panics ("failed to set up alternative stack guard page"), after which every request is
    refused. The throughput run therefore uses :meth:`without_time_limit`."""

    def __init__(self, location: Path, timeout: float) -> None:
        self.location, self.timeout = location, timeout
        self.process: subprocess.Popen | None = None
        self.engine = self._start(timeout)

    def _start(self, timeout: float | None) -> HttpEngine:
        port = free_port()
        limit = ["--timeout-s", str(int(timeout))] if timeout else []
        self.process = subprocess.Popen(["oxigraph", "serve", "--location", str(self.location), "--bind",
                                         f"127.0.0.1:{port}", *limit],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        wait_until_answers(f"{base}/query", self.process, 60)
        self.base = base
        return HttpEngine("(c) Oxigraph server", f"{base}/query", (timeout or self.timeout) + 5)

    def without_time_limit(self) -> HttpEngine:
        """The same store served again, without ``--timeout-s`` (see the class text)."""
        self.stop()
        self.engine = self._start(None)
        return self.engine

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@contextmanager
def oxigraph_server(build_dir: Path, work: Path, timeout: float,
                    publish: bool = True) -> Iterator[tuple[OxigraphServer, str, float]]:
    """``oxigraph serve`` on a fresh directory holding the build's dataset; (server, how, seconds).

    Loaded with ``kg publish --to`` (Graph Store Protocol, atomic switch) when ``publish``, else
    with Oxigraph's own bulk loader (``oxigraph load``) from a dump of the build's store, default
    graph included — what docs/scaling.md advises for a first load of a large release."""
    location = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=work))
    how, loaded = "kg publish --to", 0.0
    if not publish:
        how, loaded = "oxigraph load", _bulk_load_oxigraph(build_dir, location)
    server = None
    try:
        server = OxigraphServer(location, timeout)
        if publish:
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "kg", "publish", "--build", str(build_dir), "--to",
                            f"{server.base}/store"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            loaded = time.monotonic() - started
        yield server, how, loaded
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["rm", "-rf", str(location)], check=False)


def _bulk_load_oxigraph(build_dir: Path, location: Path) -> float:
    """Seconds to dump the build's dataset (named graphs and the union default graph) to N-Quads
    and bulk-load it with ``oxigraph load`` into ``location``."""
    import pyoxigraph as ox

    started = time.monotonic()
    dump = location.with_suffix(".nq")
    try:
        ox.Store.read_only(str(build_dir / "store")).dump(str(dump), format=ox.RdfFormat.N_QUADS)
        subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(dump)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        dump.unlink(missing_ok=True)
    return time.monotonic() - started


@contextmanager
def rdflib_endpoint(nquads: Path, timeout: float, memory_gb: float,
                    query_timeout: float) -> Iterator[tuple[HttpEngine, float]]:
    """rdflib-endpoint serving kg.nq from bench/.venv-peers (made on first use); (engine,
    seconds to load).

    Its address space is capped at ``memory_gb`` (the machine is shared): past it the load
    fails, and the error says after how long."""
    binary = ensure_peers_venv()
    port = free_port()
    started = time.monotonic()
    command = [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), str(nquads)]
    limit = int(memory_gb * 2**30)
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    process = subprocess.Popen(command, preexec_fn=cap, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": ""})
    try:
        try:
            wait_until_answers(f"http://127.0.0.1:{port}/", process, timeout)
        except RuntimeError as error:
            raise RuntimeError(f"rdflib-endpoint did not load {nquads.name} within {memory_gb:g} GB and "
                               f"{timeout:.0f} s: gave up after {time.monotonic() - started:.0f} s "
                               f"({error})") from None
        yield (HttpEngine("(d) rdflib-endpoint", f"http://127.0.0.1:{port}/", query_timeout),
               time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
