"""The store the server queries: the same ``query()`` interface, with limits that really hold.

:class:`GuardedStore` runs every query in a small pool of worker processes
(:mod:`server.query_worker`), each with its own read-only copy of the store. At the time limit
the worker is killed (SIGKILL: the engines cannot be interrupted from a thread) and a fresh one
takes its place in the background, so the client hears 503 within the limit and the server
stays healthy. Results come back in chunks, capped in rows, and say when they were cut short;
one longer than ``max_bytes`` is streamed (server/answers.py) and its worker stays out of the
pool until the stream ends or is closed — within the same time limit.

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

from kg.errors import KgError
from kg.serve import start_worker_server
from kg.store import QuerySyntaxError
from server.answers import GuardedResult
from server.query_checks import QueryRefusedError, TextLimits
from server.query_worker import STOP, QueryTask, StoreSource, count_main, worker_main

__all__ = ["CheckedStore", "GuardedResult", "GuardedStore", "QueryEngineError", "QueryLimits",
           "QueryTimeoutError", "ReloadError", "guard"]

STARTUP_TIMEOUT = 120.0
TRUNCATION_HEADER = "KG-Result-Truncated"
#: How long a stopped answer may take to wind down before its worker is killed instead.
DRAIN_SECONDS = 1.0


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
    #: The most of one answer the server holds: an answer up to this size is sent whole (and a
    #: cut is announced in a header); a longer one streams (docs/decisions/0011).
    max_bytes: int = 16 * 1024 * 1024
    #: About how much of a streamed answer each message from the worker carries.
    chunk_bytes: int = 1024 * 1024
    text: TextLimits = field(default_factory=TextLimits)
    workers: int = 2
    isolate_network: bool = True

    def effective_timeout(self, requested: float | None) -> float:
        """The client's ``timeout`` if given, never above ``max_timeout``."""
        if requested is None or requested <= 0:
            return self.timeout
        return min(requested, self.max_timeout)


class _Worker:
    def __init__(self, context: Any, source: StoreSource, isolate_network: bool,
                 count_quads: bool = False) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main,
                                       args=(child, source, isolate_network, count_quads),
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
        self.counted = threading.Event()

    def start(self) -> None:
        """Start the workers and wait until each has opened the store. The number of quads of
        an on-disk store is counted by a process of its own meanwhile (:meth:`quads`), so the
        pool serves without waiting for it; an in-memory one is counted by the first worker."""
        on_disk = self.source.kind == "oxigraph-dir"
        workers = [_Worker(self.context, self.source, self.limits.isolate_network,
                           count_quads=not on_disk and number == 0)
                   for number in range(self.limits.workers)]
        try:
            for worker in workers:
                worker.wait_ready(STARTUP_TIMEOUT)
        except ReloadError:
            for worker in workers:
                worker.kill()
            raise
        self.info = workers[0].info
        if on_disk:
            threading.Thread(target=self._count, daemon=True, name="kg-quad-count").start()
        else:
            self.counted.set()
        for worker in workers:
            self.release(worker)

    def _count(self) -> None:
        connection, child = self.context.Pipe()
        process = self.context.Process(target=count_main, args=(child, self.source), daemon=True,
                                       name="kg-quad-count")
        process.start()
        child.close()
        with contextlib.suppress(EOFError, OSError):
            if connection.poll(STARTUP_TIMEOUT):
                self.info["quads"] = connection.recv()
        process.join(timeout=5)
        connection.close()
        self.counted.set()

    def quads(self, timeout: float = STARTUP_TIMEOUT) -> int | None:
        """The number of quads in the store, once counted (None if that takes over ``timeout``)."""
        self.counted.wait(timeout)
        return self.info.get("quads")

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


class _Reply:
    """One answer on its way from a worker. The worker stays out of the pool until the answer's
    last message (then it is released), the deadline or a crash (then it is killed and
    replaced), or :meth:`close` (it is told to stop; killed if it does not within a second).

    While the answer is streamed its reader may be stuck writing to a slow client, so
    :meth:`watch` starts a timer that kills the worker at the deadline in any case.
    """

    def __init__(self, pool: _Pool, worker: _Worker, deadline: float, limit: float) -> None:
        self.pool, self.worker, self.deadline, self.limit = pool, worker, deadline, limit
        self.done = self.expired = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def send(self, task: QueryTask) -> None:
        try:
            self.worker.connection.send(task)
        except (OSError, ValueError):
            self._end(replace=True)
            raise QueryEngineError("the query engine stopped before running this query (it is "
                                   "restarted); try again") from None

    def receive(self) -> tuple:
        """The worker's next message; QueryEngineError for its ``error`` message or its death,
        QueryTimeoutError at the deadline."""
        if self.expired:
            raise self._timeout()
        connection = self.worker.connection
        try:
            ready = connection.poll(max(self.deadline - time.monotonic(), 0.0))
            message = connection.recv() if ready else None
        except (EOFError, OSError):
            if self.expired:  # the watchdog killed it meanwhile
                raise self._timeout() from None
            self._end(replace=True)
            raise QueryEngineError("the query engine stopped while running this query (it is "
                                   "restarted); simplify the query") from None
        if message is None:
            self._end(replace=True)
            raise self._timeout()
        if message[0] not in ("ok", "more") or message[-2]:
            self._end(replace=False)
        if message[0] == "error":
            raise QueryEngineError(message[1])
        return message

    def watch(self) -> None:
        """Kill the worker at the deadline even if nobody is reading the answer by then."""
        self._timer = threading.Timer(max(self.deadline - time.monotonic(), 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def close(self) -> None:
        """Stop the rest of the answer: the worker skips it and returns to the pool."""
        if self.done:
            return
        connection = self.worker.connection
        until = min(self.deadline, time.monotonic() + DRAIN_SECONDS)
        try:
            connection.send(STOP)
            while not self.done:
                if not connection.poll(max(until - time.monotonic(), 0.0)):
                    self._end(replace=True)
                    return
                message = connection.recv()
                if message[0] not in ("ok", "more") or message[-2]:
                    self._end(replace=False)
        except (EOFError, OSError):
            self._end(replace=True)

    def _expire(self) -> None:
        if not self.done:
            self.expired = True
            self._end(replace=True)

    def _timeout(self) -> QueryTimeoutError:
        return QueryTimeoutError(f"the query did not finish within the time limit of "
                                 f"{self.limit:g} s and was stopped")

    def _end(self, replace: bool) -> None:
        """Give the worker back, or replace it; once only (the watchdog may race the reader)."""
        with self._lock:
            if self.done:
                return
            self.done = True
        if self._timer is not None:
            self._timer.cancel()
        (self.pool.replace if replace else self.pool.release)(self.worker)


class GuardedStore:
    """A store behind killable worker processes: ``query()`` as in :mod:`kg.store`, plus limits."""

    def __init__(self, source: StoreSource, limits: QueryLimits | None = None,
                 description: str = "") -> None:
        self.limits = limits or QueryLimits()
        self.description = description or source.label or source.kind
        self._context = multiprocessing.get_context("forkserver")
        start_worker_server()  # the preloaded forkserver, if kg serve has not started it already
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
        """Run ``text`` in a worker; QueryTimeoutError after the limit, the worker replaced.

        The answer is read ahead up to ``max_bytes``; if it goes on, the result is streamed and
        keeps the worker (and the deadline) until it is read to the end or closed.
        """
        limit = self.limits.effective_timeout(timeout)
        deadline = time.monotonic() + limit
        task = QueryTask(text, tuple(default_graph_uris), tuple(named_graph_uris), base_iri,
                         bindings, self.limits.max_rows,
                         min(self.limits.chunk_bytes, self.limits.max_bytes), self.limits.text)
        pool, worker = self._acquire(deadline, limit)
        reply = _Reply(pool, worker, deadline, limit)
        reply.send(task)
        return _result_of(reply, self.limits)

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
            quads = pool.quads()
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
        self.last_reload = {"ok": True, "source": source.label, "quads": quads, "at": started}
        return self.last_reload

    def status(self) -> dict:
        return {"generation": self.generation, "source": self.source.label,
                # null until the counter has read the store (seconds at 100 000 contracts): a
                # health check must answer at once
                "quads": self._pool.quads(timeout=0),
                "network_isolated": self._pool.info.get("network_isolated"),
                "worker_restarts": self._pool.respawns, "last_reload": self.last_reload}

    def close(self) -> None:
        self._pool.retire()

    def __del__(self) -> None:  # an app dropped without close() (tests) leaves no workers behind
        with contextlib.suppress(Exception):
            self._pool.retire()


def _result_of(reply: _Reply, limits: QueryLimits) -> GuardedResult:
    """The answer read ahead up to ``max_bytes`` (all of it, usually), or the error it is."""
    first = reply.receive()
    status = first[0]
    if status == "ok":
        _, kind, variables, payload, last, truncated = first
        payloads, size = [payload], len(payload)
        while not last and size < limits.max_bytes:
            _, payload, last, truncated = reply.receive()
            payloads.append(payload)
            size += len(payload)
        if not last:
            reply.watch()
        return GuardedResult(kind, variables, payloads, truncated, None if last else reply,
                             limits.max_bytes, limits.max_rows)
    if status == "refused":
        raise QueryRefusedError(first[1], first[2])
    _, message, line, column, is_update = first
    if is_update:
        raise QueryRefusedError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    raise QuerySyntaxError(message, line, column)


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
