"""The worker processes a :class:`server.workers.guarded_store.GuardedStore` runs its queries in.

Neither engine can be interrupted from a thread, so every query runs in a worker process
(:mod:`server.workers.worker`) that can be killed at the time limit. A :class:`WorkerPool` keeps a
small number of them on one build, each with its own read-only copy of the store; a killed
worker is replaced in the background, so the server stays healthy. A reload starts a new pool
and retires the old one (server/workers/guarded_store.py); the pool itself knows one build only.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from typing import Any

from server.workers.limits import Asker, QueryLimits, ReloadError
from server.workers.worker import StoreSource, count_main, worker_main

#: How long a new worker may take to open the store (and the quad counter to count it).
STARTUP_TIMEOUT = 120.0


class Worker:
    """One worker process and the pipe to it; started at once, usable after :meth:`wait_ready`."""

    def __init__(self, context: Any, source: StoreSource, isolate_network: bool,
                 count_quads: bool = False, memory: int = 0) -> None:
        self.memory = memory
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main,
                                       args=(child, source, isolate_network, count_quads, os.getpid(),
                                             memory),
                                       daemon=True, name="kg-query-worker")
        self.process.start()
        child.close()
        self.info: dict = {}

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to report the store open; ReloadError (the worker killed) if not."""
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
        """End the process now: a worker busy in the engine cannot be asked to stop."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def stop(self) -> None:
        """Ask an idle worker to exit (killed if it has not within 2 s)."""
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(timeout=2)
        self.kill()


class _Waiter:
    """A request waiting for a free worker: :meth:`WorkerPool.release` hands one over directly."""

    def __init__(self, asker: Asker) -> None:
        self.asker = asker
        self.event = threading.Event()
        self.worker: Worker | None = None


class WorkerPool:
    """``size`` workers on one build. Free workers go to waiting requests first come, first
    served (handed over directly: a request that arrives later cannot barge in), among those
    within their share (docs/decisions/0018): one client holds at most
    :meth:`QueryLimits.client_share` workers, and ``/sparql`` queries together at most
    :meth:`QueryLimits.heavy_share`, so the cheap lane always has a worker of its own. A request
    beyond its share waits, and ones behind it within theirs go first."""

    def __init__(self, context: Any, source: StoreSource, limits: QueryLimits) -> None:
        self.context, self.source, self.limits = context, source, limits
        self._lock = threading.Lock()
        self._idle: deque[Worker] = deque()
        self._waiters: deque[_Waiter] = deque()
        #: Who holds each busy worker (the process id as key).
        self._held: dict[int, Asker] = {}
        self.retired = False
        self.info: dict = {}
        self.respawns = 0
        self.counted = threading.Event()

    def start(self) -> None:
        """Start the workers and wait until each has opened the store. The number of quads of
        an on-disk store is counted by a process of its own meanwhile (:meth:`quads`), so the
        pool serves without waiting for it; an in-memory one is counted by the first worker."""
        on_disk = self.source.kind == "oxigraph-dir"
        workers = [Worker(self.context, self.source, self.limits.isolate_network,
                           count_quads=not on_disk and number == 0,
                           memory=self.limits.worker_memory)
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

    def acquire(self, timeout: float, asker: Asker | None = None) -> Worker | None:
        """A free worker within ``asker``'s share, or None after ``timeout`` or when the pool is
        retired meanwhile."""
        asker = asker or Asker()
        with self._lock:
            if self.retired:
                return None
            waiter = _Waiter(asker)
            self._waiters.append(waiter)
            self._dispatch()
            if waiter.worker is not None:
                return waiter.worker
        waiter.event.wait(timeout)
        with self._lock:
            if waiter.worker is None and waiter in self._waiters:
                self._waiters.remove(waiter)
            return waiter.worker

    def release(self, worker: Worker) -> None:
        """Hand ``worker`` to the request waiting longest within its share, else keep it idle;
        a retired pool stops it instead."""
        with self._lock:
            self._held.pop(worker.process.pid or 0, None)
            if not self.retired:
                self._idle.append(worker)
                self._dispatch()
                return
        worker.stop()

    def _within_share(self, asker: Asker) -> bool:
        held = list(self._held.values())
        if asker.client is not None and sum(1 for other in held if other.client == asker.client
                                            ) >= self.limits.client_share():
            return False
        return not asker.heavy or sum(1 for other in held if other.heavy) < self.limits.heavy_share()

    def _dispatch(self) -> None:
        """Give idle workers to the longest-waiting requests within their share (lock held)."""
        for waiter in list(self._waiters):
            if not self._idle:
                return
            if self._within_share(waiter.asker):
                worker = self._idle.popleft()
                self._held[worker.process.pid or 0] = waiter.asker
                self._waiters.remove(waiter)
                waiter.worker = worker
                waiter.event.set()

    def replace(self, worker: Worker) -> None:
        """Kill ``worker``; a new one joins the pool when it has opened the store."""
        worker.kill()
        with self._lock:  # its holder's share is free again: an idle worker may now fit a waiter
            self._held.pop(worker.process.pid or 0, None)
            self._dispatch()
        self.respawns += 1
        threading.Thread(target=self._respawn, daemon=True, name="kg-worker-respawn").start()

    def _respawn(self) -> None:
        if self.retired:
            return
        worker = Worker(self.context, self.source, self.limits.isolate_network,
                        memory=self.limits.worker_memory)
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

