"""The store the server queries: the same ``query()`` interface, with limits that really hold.

:class:`GuardedStore` runs every query in a small pool of worker processes
(server/workers/pool.py, :mod:`server.workers.worker`), each with its own read-only copy of the
store, and holds the time limit on each (server/workers/reply.py): the client hears 503 within
the limit and the server stays healthy.

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
from collections.abc import Sequence
from typing import Any

from kg.common.query_text import QueryRefusedError, check_query
from kg.store.results import QuerySyntaxError
from server.workers.answers import GuardedResult
from server.workers.forkserver import start_worker_server
from server.workers.limits import ASKER, QueryLimits, QueryTimeoutError, ReloadError
from server.workers.local_lookups import LocalLookups
from server.workers.pool import Worker, WorkerPool
from server.workers.reply import WorkerReply, result_of
from server.workers.worker import ENGINE_REFUSALS, QueryTask, StoreSource, engine_refusal

__all__ = ["CheckedStore", "GuardedStore", "guard"]

class GuardedStore:
    """A store behind killable worker processes: ``query()`` as in :mod:`kg.store.oxigraph`, plus limits."""

    def __init__(self, source: StoreSource, limits: QueryLimits | None = None,
                 description: str = "") -> None:
        self.limits = limits or QueryLimits()
        self.description = description or source.label or source.kind
        self._context = multiprocessing.get_context("forkserver")
        start_worker_server()  # the preloaded forkserver, if kg serve has not started it already
        self._lock = threading.Lock()
        self._pool = WorkerPool(self._context, source, self.limits)
        self._pool.start()
        self.generation = 1
        self.source = source
        self.last_reload: dict = {}
        self.local_lookups = LocalLookups()

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
        task = self._task(text, default_graph_uris, named_graph_uris, base_iri, bindings)
        pool, worker = self._acquire(deadline, limit)
        reply = WorkerReply(pool, worker, deadline, limit)
        reply.send(task)
        return result_of(reply, self.limits)

    def lookup(self, name: str, text: str, bindings: dict[str, Any]) -> GuardedResult:
        """The saved query ``name``, a lookup with its key bound (kg.query.lookups), answered in
        this process (server/workers/local_lookups.py), or by a worker like any query where that
        cannot be (a store of files) or a call of it once proved slow."""
        source = self.source
        if not self.local_lookups.can_answer(name, source):
            return self.query(text, bindings=bindings)
        return self.local_lookups.answer(name, source, self._task(text, bindings=bindings), self.limits)

    def _task(self, text: str, default_graph_uris: Sequence[str] = (), named_graph_uris: Sequence[str] = (),
              base_iri: str | None = None, bindings: dict[str, Any] | None = None) -> QueryTask:
        """The task a worker (or this process, for a lookup) runs, under this store's limits."""
        return QueryTask(text, tuple(default_graph_uris), tuple(named_graph_uris), base_iri, bindings,
                         self.limits.max_rows, min(self.limits.chunk_bytes, self.limits.max_bytes),
                         self.limits.text)

    def _acquire(self, deadline: float, limit: float) -> tuple[WorkerPool, Worker]:
        """A free worker of the current pool; a request waiting on a pool that a reload retires
        moves on to the new one."""
        while True:
            pool = self._pool
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeoutError(f"every query worker stayed busy for {limit:g} s; try "
                                        "again later")
            worker = pool.acquire(remaining, ASKER.get())
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
        pool = WorkerPool(self._context, source, self.limits)
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
                "worker_restarts": self._pool.respawns, "last_reload": self.last_reload,
                "lookups_in_process": self.local_lookups.status()}

    def close(self) -> None:
        self._pool.retire()

    def __del__(self) -> None:  # an app dropped without close() (tests) leaves no workers behind
        with contextlib.suppress(Exception):
            self._pool.retire()


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
        check_query(text, self.limits.text)
        options: dict[str, Any] = {"base_iri": base_iri}
        if bindings:
            options["bindings"] = bindings
        try:
            return self.store.query(text, default_graph_uris, named_graph_uris, **options)
        except QuerySyntaxError:
            raise
        except ENGINE_REFUSALS as error:  # as a worker answers it: the query's fault, 400
            raise QueryRefusedError(400, engine_refusal(error)) from None

    def lookup(self, name: str, text: str, bindings: dict[str, Any]) -> Any:
        """In this process, as every query here."""
        return self.query(text, bindings=bindings)

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
