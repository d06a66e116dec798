"""The store the server queries: the same ``query()`` interface, with limits that really hold.

:class:`GuardedStore` runs every query in a small pool of worker processes
(:mod:`server.query_worker`), each with its own read-only copy of the store. At the time limit
the worker is killed (SIGKILL: the engines cannot be interrupted from a thread) and a fresh one
takes its place in the background, so the client hears 503 within the limit and the server
stays healthy. Results come back capped in rows and bytes and say when they were cut short.

Every view (``/sparql``, the Linked Data pages, the named-query API) calls
``app.config["KG_STORE"].query(...)`` and so gets the same limits. :meth:`GuardedStore.reload`
swaps in a new build atomically: a new pool opens it first, and only a pool whose every worker
opened it becomes current; queries already running finish on the old one. Each answer
therefore comes wholly from one build.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.iris import PREFIXES
from kg.store import GRAPH_FORMATS, RESULT_FORMATS, QuerySyntaxError
from server.query_checks import QueryRefusedError, TextLimits
from server.query_worker import QueryTask, StoreSource, worker_main

STARTUP_TIMEOUT = 120.0
TRUNCATION_HEADER = "KG-Result-Truncated"


class QueryTimeoutError(KgError):
    """The query ran out of time (or waited too long for a free worker); answer 503."""


class QueryEngineError(KgError):
    """The engine failed or its process died while running the query."""


class ReloadError(KgError):
    """A new build could not be served; the old one stays."""


@dataclass(frozen=True)
class QueryLimits:
    """The endpoint's limits; defaults and reasons are in docs/security.md."""

    timeout: float = 10.0
    max_timeout: float = 60.0
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024
    text: TextLimits = field(default_factory=TextLimits)
    workers: int = 2
    isolate_network: bool = True

    def effective_timeout(self, requested: float | None) -> float:
        """The client's ``timeout`` if given, never above ``max_timeout``."""
        if requested is None or requested <= 0:
            return self.timeout
        return min(requested, self.max_timeout)


class _Worker:
    def __init__(self, context: Any, source: StoreSource, isolate_network: bool) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, source, isolate_network),
                                       daemon=True, name="kg-query-worker")
        self.process.start()
        child.close()
        self.info: dict = {}

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise ReloadError(f"the query worker did not open the store within {timeout:g} s")
        try:
            status, detail = self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise ReloadError(f"the query worker died while opening the store "
                              f"(exit code {self.process.exitcode})") from None
        if status != "ready":
            self.kill()
            raise ReloadError(str(detail))
        self.info = detail

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(timeout=2)
        self.kill()


class _Waiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: _Worker | None = None


class _Pool:
    """``size`` workers on one build. Free workers go to waiting requests first come, first
    served (handed over directly: a request that arrives later cannot barge in)."""

    def __init__(self, context: Any, source: StoreSource, limits: QueryLimits) -> None:
        self.context, self.source, self.limits = context, source, limits
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[_Waiter] = deque()
        self.retired = False
        self.info: dict = {}
        self.respawns = 0

    def start(self) -> None:
        workers = [_Worker(self.context, self.source, self.limits.isolate_network)
                   for _ in range(self.limits.workers)]
        try:
            for worker in workers:
                worker.wait_ready(STARTUP_TIMEOUT)
        except ReloadError:
            for worker in workers:
                worker.kill()
            raise
        self.info = workers[0].info
        for worker in workers:
            self.release(worker)

    def acquire(self, timeout: float) -> _Worker | None:
        """A free worker, or None after ``timeout`` or when the pool is retired meanwhile."""
        with self._lock:
            if self.retired:
                return None
            if self._idle and not self._waiters:
                return self._idle.popleft()
            waiter = _Waiter()
            self._waiters.append(waiter)
        waiter.event.wait(timeout)
        with self._lock:
            if waiter.worker is None and waiter in self._waiters:
                self._waiters.remove(waiter)
            return waiter.worker

    def release(self, worker: _Worker) -> None:
        with self._lock:
            if not self.retired:
                if self._waiters:
                    waiter = self._waiters.popleft()
                    waiter.worker = worker
                    waiter.event.set()
                else:
                    self._idle.append(worker)
                return
        worker.stop()

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker``; a new one joins the pool when it has opened the store."""
        worker.kill()
        self.respawns += 1
        threading.Thread(target=self._respawn, daemon=True, name="kg-worker-respawn").start()

    def _respawn(self) -> None:
        if self.retired:
            return
        worker = _Worker(self.context, self.source, self.limits.isolate_network)
        try:
            worker.wait_ready(STARTUP_TIMEOUT)
        except ReloadError:
            return
        self.release(worker)

    def retire(self) -> None:
        """Stop the idle workers; waiting requests go on to the current pool."""
        with self._lock:
            self.retired = True
            idle, self._idle = list(self._idle), deque()
            waiters, self._waiters = list(self._waiters), deque()
        for waiter in waiters:
            waiter.event.set()  # worker None: try the current pool
        for worker in idle:
            worker.stop()


class GuardedStore:
    """A store behind killable worker processes: ``query()`` as in :mod:`kg.store`, plus limits."""

    def __init__(self, source: StoreSource, limits: QueryLimits | None = None,
                 description: str = "") -> None:
        self.limits = limits or QueryLimits()
        self.description = description or source.label or source.kind
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pyoxigraph", "rdflib", "server.query_worker"])
        self._lock = threading.Lock()
        self._pool = _Pool(self._context, source, self.limits)
        self._pool.start()
        self.generation = 1
        self.source = source
        self.last_reload: dict = {}

    # --- queries -----------------------------------------------------------------------------

    def query(self, text: str, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), bindings: dict[str, Any] | None = None,
              base_iri: str | None = None, timeout: float | None = None) -> GuardedResult:
        """Run ``text`` in a worker; QueryTimeoutError after the limit, the worker replaced."""
        limit = self.limits.effective_timeout(timeout)
        deadline = time.monotonic() + limit
        task = QueryTask(text, tuple(default_graph_uris), tuple(named_graph_uris), base_iri,
                         bindings, self.limits.max_rows, self.limits.max_bytes, self.limits.text)
        pool, worker = self._acquire(deadline, limit)
        try:
            worker.connection.send(task)
            ready = worker.connection.poll(max(deadline - time.monotonic(), 0.0))
            reply = worker.connection.recv() if ready else None
        except (EOFError, OSError, BrokenPipeError):
            pool.replace(worker)
            raise QueryEngineError("the query engine stopped while running this query (it is "
                                   "restarted); simplify the query") from None
        if reply is None:
            pool.replace(worker)
            raise QueryTimeoutError(f"the query did not finish within the time limit of {limit:g} s "
                                    "and was stopped")
        pool.release(worker)
        return _result_of(reply)

    def _acquire(self, deadline: float, limit: float) -> tuple[_Pool, _Worker]:
        """A free worker of the current pool; a request waiting on a pool that a reload retires
        moves on to the new one."""
        while True:
            pool = self._pool
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeoutError(f"every query worker stayed busy for {limit:g} s; try "
                                        "again later")
            worker = pool.acquire(remaining)
            if worker is not None:
                return pool, worker

    def graph_names(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows()
        return sorted(row[0][1:-1] for row in rows if row[0] and row[0].startswith("<"))

    # --- reloads -----------------------------------------------------------------------------

    def reload(self, source: StoreSource, expected_quads: int | None = None) -> dict:
        """Serve ``source`` from now on if every new worker opens it; else keep the old build.

        Returns the report (also kept as ``last_reload``); raises ReloadError with the reason.
        """
        started = time.time()
        pool = _Pool(self._context, source, self.limits)
        try:
            pool.start()
            quads = pool.info.get("quads")
            if expected_quads is not None and quads != expected_quads:
                pool.retire()
                raise ReloadError(f"{source.label or source.path}: the store holds {quads} quads, "
                                  f"its manifest says {expected_quads} (half-written?)")
        except ReloadError as error:
            self.last_reload = {"ok": False, "source": source.label, "error": str(error),
                                "at": started}
            raise
        with self._lock:
            old, self._pool = self._pool, pool
            self.source = source
            self.generation += 1
        old.retire()
        self.last_reload = {"ok": True, "source": source.label, "quads": pool.info.get("quads"),
                            "at": started}
        return self.last_reload

    def status(self) -> dict:
        return {"generation": self.generation, "source": self.source.label,
                "quads": self._pool.info.get("quads"),
                "network_isolated": self._pool.info.get("network_isolated"),
                "worker_restarts": self._pool.respawns, "last_reload": self.last_reload}

    def close(self) -> None:
        self._pool.retire()

    def __del__(self) -> None:  # an app dropped without close() (tests) leaves no workers behind
        with contextlib.suppress(Exception):
            self._pool.retire()


def _result_of(reply: tuple) -> GuardedResult:
    status = reply[0]
    if status == "ok":
        _, kind, variables, payload, truncated = reply
        return GuardedResult(kind, variables, payload, truncated)
    if status == "refused":
        raise QueryRefusedError(reply[1], reply[2])
    if status == "syntax":
        _, message, line, column, is_update = reply
        if is_update:
            raise QueryRefusedError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        raise QuerySyntaxError(message, line, column)
    raise QueryEngineError(reply[1])


class GuardedResult:
    """A capped, self-contained answer: ``kind``, ``variables``, ``serialize(key)``, ``rows()``.

    ``truncated`` is None for a whole answer, else ``rows=N`` or ``bytes=N`` (the cap that cut
    it). A cut answer carries the marker in formats that can hold one (see docs/security.md).
    """

    def __init__(self, kind: str, variables: list[str], payload: bytes, truncated: str | None) -> None:
        self.kind, self.variables, self.payload, self.truncated = kind, variables, payload, truncated
        if truncated:
            _note_truncation(truncated)

    def _parsed(self) -> Any:
        if self.kind == "graph":
            return ox.parse(self.payload, format=ox.RdfFormat.N_TRIPLES)
        if self.kind == "boolean":
            return ox.parse_query_results(b'{"head":{},"boolean":' + self.payload + b"}",
                                          format=ox.QueryResultsFormat.JSON)
        return ox.parse_query_results(self.payload, format=ox.QueryResultsFormat.TSV)

    def serialize(self, format_key: str) -> bytes:
        if self.kind == "graph":
            body = _serialize_graph(list(self._parsed()), format_key)
        else:
            body = self._parsed().serialize(format=RESULT_FORMATS[format_key][1])
        return _marked(body, format_key, self.truncated) if self.truncated else body

    def rows(self) -> list[tuple[str | None, ...]]:
        parsed = self._parsed()
        if self.kind == "boolean":
            return [(self.payload.decode(),)]
        if self.kind == "graph":
            return sorted((str(t.subject), str(t.predicate), str(t.object)) for t in parsed)
        return [tuple(None if solution[name] is None else str(solution[name])
                      for name in self.variables) for solution in parsed]

    def stream(self):
        return iter(self.rows())


def _serialize_graph(triples: list, key: str) -> bytes:
    rdf_format = GRAPH_FORMATS[key][1]
    if rdf_format.supports_datasets:
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                            format=rdf_format)
    if rdf_format == ox.RdfFormat.TURTLE:
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(triples, format=rdf_format)


def _marked(body: bytes, key: str, truncated: str) -> bytes:
    """The truncation marker in the body, where the format has room for one."""
    if key == "json" and body.startswith(b"{"):
        return b'{"truncated":"' + truncated.encode() + b'",' + body[1:]
    if key in ("turtle", "ntriples", "trig", "nquads"):
        return body + f"# truncated: {truncated} (the answer was cut at this limit)\n".encode()
    return body


def _note_truncation(truncated: str) -> None:
    """Tell the response (when inside a Flask request) to carry the truncation header."""
    from flask import g, has_request_context

    if has_request_context():
        g.kg_truncated = truncated


class CheckedStore:
    """For a store no worker can reopen (no ``origin``): the text checks, run in this process.

    No kill at the time limit here; ``kg serve`` always has an origin, so this serves only
    stores built in code (an external engine enforces its own time limits).
    """

    def __init__(self, store: Any, limits: QueryLimits | None = None) -> None:
        self.store = store
        self.limits = limits or QueryLimits()
        self.description = getattr(store, "description", "")
        self.generation = 1

    def query(self, text: str, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), bindings: dict[str, Any] | None = None,
              base_iri: str | None = None, timeout: float | None = None) -> Any:
        from server.query_checks import check_query

        check_query(text, self.limits.text)
        options: dict[str, Any] = {"base_iri": base_iri}
        if bindings:
            options["bindings"] = bindings
        return self.store.query(text, default_graph_uris, named_graph_uris, **options)

    def graph_names(self) -> list[str]:
        return self.store.graph_names()

    def status(self) -> dict:
        return {"generation": 1, "source": self.description, "guarded": False}

    def close(self) -> None:
        pass


def guard(store: Any, limits: QueryLimits | None = None) -> GuardedStore | CheckedStore:
    """``store`` behind worker processes when it says how to reopen it (``origin``)."""
    if isinstance(store, (GuardedStore, CheckedStore)):
        return store
    origin = getattr(store, "origin", None)
    if not origin:
        return CheckedStore(store, limits)
    kind, paths = origin
    source = StoreSource(kind, path=paths[0] if kind == "oxigraph-dir" else None,
                         files=tuple(paths) if kind != "oxigraph-dir" else (),
                         label=paths[0] if kind == "oxigraph-dir" else f"{len(paths)} file(s)")
    return GuardedStore(source, limits, getattr(store, "description", ""))
