"""``kg serve``: the Flask application behind waitress, a production WSGI server.

With no files it serves the build: the generation ``kg publish`` last made current
(build/stores/CURRENT), else the pyoxigraph store in build/store (built on the spot from the
bundled records if there is none yet); with files it serves exactly those. Queries run in
worker processes with the limits given here (server/workers/guarded_store.py, docs/security.md).

A published build is picked up while serving: :class:`ReloadWatcher` polls the pointer every
second (SIGHUP makes it look at once) and swaps the new generation in, or keeps the old one and
reports why in ``/healthz``.

The top of this module imports the standard library and light modules only: ``kg serve``
starts the query workers' fork server first
(:func:`server.workers.forkserver.start_worker_server`), so that its imports of pyoxigraph and
rdflib run on the other core while this process imports the store, Flask and the views,
which the functions below import when they run (``# deferred:``).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.common import formats, paths
from kg.common.errors import KgError
from kg.common.input_limits import check_input
from kg.common.limits import (
    CHANNEL_TIMEOUT_SECONDS,
    CLIENT_CONCURRENCY,
    CLIENT_QUERY_WORKERS,
    CONNECTION_LIMIT,
    LIGHT_LANE_WORKERS,
    MAX_QUERY_TIMEOUT_SECONDS,
    MAX_REQUEST_HEADER_BYTES,
    MAX_ROWS,
    QUERY_TIMEOUT_SECONDS,
    QUERY_WORKERS,
    RATE_LIMIT_PER_SECOND,
    RESERVED_THREADS,
    RESULT_CACHE_BYTES,
    WORKER_MEMORY_BYTES,
)
from server import public_base
from server.process.prefork import Supervisor, bound_listener
from server.workers.forkserver import remove_worker_server_files, start_worker_server
from server.workers.limits import QueryLimits, ReloadError


#: What the process the query workers are forked from imports once (server/workers/pool.py).
@dataclass(frozen=True)
class ServeLimits:
    """The limits ``kg serve`` takes on the command line (the rest: docs/security.md)."""

    timeout: float = QUERY_TIMEOUT_SECONDS
    max_timeout: float = MAX_QUERY_TIMEOUT_SECONDS
    max_rows: int = MAX_ROWS
    workers: int = QUERY_WORKERS
    rate_limit: float = RATE_LIMIT_PER_SECOND
    #: Requests in flight per client; None: the threads less RESERVED_THREADS (at least 1).
    client_concurrency: int | None = CLIENT_CONCURRENCY
    client_workers: int = CLIENT_QUERY_WORKERS
    cheap_lane_workers: int = LIGHT_LANE_WORKERS
    worker_memory: int = WORKER_MEMORY_BYTES
    #: Bytes of the result cache of each copy (server/http/result_cache.py); 0: none.
    cache_memory: int = RESULT_CACHE_BYTES

    def thread_shares(self, threads: int) -> tuple[int, int]:
        """Requests in flight per client and ``/sparql`` requests in flight in all, for a
        server of ``threads`` threads: each below the thread count (docs/decisions/0018)."""
        below = max(1, threads - RESERVED_THREADS)
        per_client = below if self.client_concurrency is None else self.client_concurrency
        if per_client:
            per_client = min(per_client, below)
        return per_client, below


class ReloadWatcher:
    """Follows build/stores/CURRENT and reloads the guarded store when it names a new generation."""

    def __init__(self, store, build_dir: Path, served: str | None, interval: float = 1.0) -> None:
        self.store, self.build_dir, self.seen, self.interval = store, build_dir, served, interval
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="kg-reload-watcher")

    def start(self) -> None:
        self._thread.start()

    def poke(self, *_signal_args) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.check()

    def check(self) -> None:
        # deferred: after the worker server has started (module docstring)
        from kg.publish.generations import pointed_generation, stores_dir, verified_manifest
        from server.workers.worker import StoreSource

        generation = pointed_generation(self.build_dir)
        if generation is None or generation == self.seen:
            return
        self.seen = generation
        try:
            manifest = verified_manifest(self.build_dir, generation)
            path = (stores_dir(self.build_dir) / generation).resolve()
            self.store.reload(StoreSource("oxigraph-dir", path=str(path), label=generation),
                              expected_quads=manifest.quads)
        except (KgError, ReloadError) as error:
            self.store.last_reload = {"ok": False, "source": generation, "error": str(error)}
            print(f"reload of {generation} refused, still serving {self.store.source.label}: {error}",
                  file=sys.stderr, flush=True)
            return
        print(f"now serving {generation} ({manifest.quads} quads)", file=sys.stderr, flush=True)


def _published_store(build_dir: Path):
    # deferred: after the worker server has started (module docstring)
    from kg.publish.generations import pointed_generation, stores_dir, verified_manifest
    from kg.store.oxigraph import OxigraphStore

    generation = pointed_generation(build_dir)
    if generation is None:
        return None, None
    verified_manifest(build_dir, generation)
    return OxigraphStore.open_read_only((stores_dir(build_dir) / generation).resolve()), generation


def serve(files: list[Path], store_kind: str, build_dir: Path, host: str, port: int,
          threads: int, limits: ServeLimits | None = None, trusted_proxy: str | None = None,
          processes: int = 1, public_url: str | None = None, allow_ingest: bool = False) -> int:
    """Serve until stopped; with ``processes`` > 1, that many copies on one socket
    (server/process/prefork.py).

    ``public_url`` is the base of the links the server publishes about itself (service
    description, VoID); without it, the address given by ``host`` and ``port``, never the Host
    header of a request (docs/security.md).

    What every copy needs on disk (the checked input files, a build made on the spot) is
    prepared once, before any copy starts; each copy opens the store itself, since a RocksDB
    handle must not cross a fork."""
    if processes < 1:
        raise KgError(f"--processes must be at least 1, not {processes}")
    public = published_base(public_url, host, port)
    if processes == 1:
        # SIGTERM as SystemExit: the interpreter's exit then removes the pymp-* directory
        signal.signal(signal.SIGTERM, _exit_on_signal)
        start_worker_server()
    limits = limits or ServeLimits()
    for path in files:  # size and DOCTYPE limits before pyoxigraph parses someone else's file
        if path.is_file():
            check_input(path, path.read_bytes(), formats.for_extension(path))
    if _build_needed(files, store_kind, build_dir):
        from kg.release.build import build  # deferred: only when there is no build to serve yet

        print(f"no build in {build_dir}: building it from {paths.data_dir()} …", file=sys.stderr)
        print(build(paths.data_dir(), build_dir, progress=True).summary(), file=sys.stderr)
    options: dict[str, Any] = {"threads": threads, "limits": limits, "trusted_proxy": trusted_proxy,
                               "public_url": public, "allow_ingest": allow_ingest}
    if processes == 1:
        return _serve_copy(files, store_kind, build_dir, {"host": host, "port": port}, **options)
    try:
        listener = bound_listener(host, port)
    except OSError as error:
        raise KgError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    print(f"kg serve: {processes} processes on http://{host}:{port}/", file=sys.stderr, flush=True)

    def serve_copy() -> None:
        # A copy ends with os._exit, which skips the interpreter's clean-up: remove the
        # pymp-* directory here, on SIGTERM as well (as SystemExit)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            start_worker_server()
            _serve_copy(files, store_kind, build_dir, {"sockets": [listener]}, **options)
        finally:
            remove_worker_server_files()

    return Supervisor(processes, serve_copy).run()


def published_base(public_url: str | None, host: str, port: int) -> str:
    """The checked ``--public-url``, else ``http://HOST:PORT/`` of the address served on."""
    own = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    try:
        return public_base(public_url or own)
    except ValueError as error:
        raise KgError(f"--public-url: {error}") from None


def _build_needed(files: list[Path], store_kind: str, build_dir: Path) -> bool:
    """True when ``kg serve`` is to serve the build and there is none yet (nothing published,
    no store, or for the rdflib store no kg.nq)."""
    if files:
        return False
    if store_kind == "oxigraph":
        from kg.publish.generations import pointed_generation  # deferred: see the module docstring

        return (pointed_generation(build_dir) is None
                and not (build_dir / "store" / "CURRENT").is_file())
    return store_kind == "memory" and not (build_dir / "kg.nq").is_file()


class OncePerInterval(logging.Filter):
    """Lets one record through per ``interval`` seconds, saying how many it held back.

    waitress warns "Task queue depth is N" for every request that finds all its threads busy:
    under a steady load that is one line per request (5 847 lines in 16 s in the throughput
    run, and ~4 % of a copy's CPU). Queueing there is by design (the query workers, not the
    threads, bound the work in flight), but an operator should still see that it happens."""

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__()
        self.interval, self.next_at, self.held = interval, 0.0, 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now < self.next_at:
            self.held += 1
            return False
        if self.held:
            record.msg = f"{record.msg} (and {self.held} more such warnings since the last one shown)"
        self.next_at, self.held = now + self.interval, 0
        return True


def quiet_queue_warnings() -> None:
    queue_logger = logging.getLogger("waitress.queue")
    if not any(isinstance(existing, OncePerInterval) for existing in queue_logger.filters):
        queue_logger.addFilter(OncePerInterval())


def copy_app(files: list[Path], store_kind: str, build_dir: Path, threads: int, limits: ServeLimits,
             public_url: str, allow_ingest: bool = False):
    """One copy's application: the store opened (the published generation of a build), its
    query workers started, the limits set, and the reload watcher running. Made in the process
    that serves it: a RocksDB handle must not cross a fork."""
    # deferred: after the worker server has started (module docstring)
    from kg.store.opening import open_store
    from server import create_app

    store, generation = (None, None)
    if not files and store_kind == "oxigraph":
        store, generation = _published_store(build_dir)
    store = store or open_store(store_kind, build_dir=build_dir, files=files)
    per_client, queries = limits.thread_shares(threads)
    app = create_app(store, build_dir=build_dir, config={
        "KG_LIMITS": QueryLimits(timeout=limits.timeout, max_timeout=limits.max_timeout,
                                 max_rows=limits.max_rows, workers=limits.workers,
                                 client_workers=limits.client_workers,
                                 light_workers=limits.cheap_lane_workers,
                                 worker_memory=limits.worker_memory),
        "KG_RATE_LIMIT": limits.rate_limit, "KG_CLIENT_CONCURRENCY": per_client,
        "KG_QUERY_CONCURRENCY": queries, "KG_PUBLIC_URL": public_url,
        "KG_CACHE_BYTES": limits.cache_memory, "KG_ALLOW_INGEST": allow_ingest})
    guarded = app.config["KG_STORE"]
    if not files and store_kind == "oxigraph" and hasattr(guarded, "reload"):
        watcher = ReloadWatcher(guarded, build_dir, generation)
        watcher.start()
        signal.signal(signal.SIGHUP, watcher.poke)
    return app, store


def _serve_copy(files: list[Path], store_kind: str, build_dir: Path, listen: dict, threads: int,
                limits: ServeLimits, trusted_proxy: str | None, public_url: str,
                allow_ingest: bool = False) -> int:
    """One server: the application made (:func:`copy_app`), waitress answering on ``listen``
    (a host and port, or the sockets a supervisor bound)."""
    # deferred: after the worker server has started (module docstring)
    from waitress import create_server

    from server.http.errors import answer_errors_in_json

    app, store = copy_app(files, store_kind, build_dir, threads, limits, public_url, allow_ingest)
    where = (f"http://{listen['host']}:{listen['port']}/" if "host" in listen
             else f"the shared socket (process {os.getpid()})")
    print(f"serving {store.description} at {where} (SPARQL: /sparql)", file=sys.stderr, flush=True)
    proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": {"x-forwarded-for"},
             "trusted_proxy_count": 1} if trusted_proxy else {}
    quiet_queue_warnings()
    server = create_server(app, threads=threads, ident="bg-inclusion-kg",
                           channel_timeout=CHANNEL_TIMEOUT_SECONDS, connection_limit=CONNECTION_LIMIT,
                           max_request_header_size=MAX_REQUEST_HEADER_BYTES,
                           max_request_body_size=app.config["KG_MAX_BODY"], cleanup_interval=10,
                           **listen, **proxy)
    answer_errors_in_json(server)  # 413, 431, 400 from waitress itself: JSON too (docs/security.md)
    logging.basicConfig()
    server.print_listen("Serving on http://{}:{}")
    server.run()
    return 0


def _exit_on_signal(number: int, _frame: object = None) -> None:
    """SIGTERM as SystemExit: waitress stops its loop (``run`` returns) and the process's files
    are removed; by default the signal would end the process at once, leaving them."""
    raise SystemExit(128 + number)
