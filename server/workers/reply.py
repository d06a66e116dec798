"""One query's conversation with its worker: the answer read back, and the time limit held.

The answer comes back in chunks (server/workers/worker.py), capped in rows, and says when it was
cut short; one longer than ``max_bytes`` is streamed (server/workers/answers.py) and its worker stays
out of the pool until the stream ends or is closed — within the same time limit. At the time
limit the worker is killed (SIGKILL: the engines cannot be interrupted from a thread) and a fresh
one takes its place in the background (server/workers/pool.py), so the client hears 503 within
the limit.
"""

from __future__ import annotations

import signal
import threading
import time

from kg.common.query_text import QueryRefusedError
from kg.store.results import QuerySyntaxError
from server.workers.answers import GuardedResult
from server.workers.limits import (
    QueryEngineError,
    QueryLimits,
    QueryMemoryError,
    QueryTimeoutError,
)
from server.workers.pool import Worker, WorkerPool
from server.workers.worker import STOP, QueryTask

#: How long a stopped answer may take to wind down before its worker is killed instead.
DRAIN_SECONDS = 1.0


class WorkerReply:
    """One answer on its way from a worker. The worker stays out of the pool until the answer's
    last message (then it is released), the deadline or a crash (then it is killed and
    replaced), or :meth:`close` (it is told to stop; killed if it does not within a second).

    While the answer is streamed its reader may be stuck writing to a slow client, so
    :meth:`watch` starts a timer that kills the worker at the deadline in any case.
    """

    def __init__(self, pool: WorkerPool, worker: Worker, deadline: float, limit: float) -> None:
        self.pool, self.worker, self.deadline, self.limit = pool, worker, deadline, limit
        self.done = self.expired = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def send(self, task: QueryTask) -> None:
        """Give the worker ``task``; QueryEngineError (the worker replaced) if it is gone."""
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
            self._end(replace=True)  # waits for the watchdog's replacement to be done
            raise self._timeout()
        connection = self.worker.connection
        try:
            ready = connection.poll(max(self.deadline - time.monotonic(), 0.0))
            message = connection.recv() if ready else None
        except (EOFError, OSError):
            if self.expired:  # the watchdog killed it meanwhile
                self._end(replace=True)  # waits for the watchdog's replacement to be done
                raise self._timeout() from None
            self._end(replace=True)
            if out_of_memory(self.worker):
                raise QueryMemoryError(f"the query needed more than {self.worker.memory // 2**20} "
                                       "MiB of memory and was stopped; narrow it (fewer "
                                       "variables, LIMIT, no DISTINCT/ORDER BY over a large "
                                       "join)") from None
            raise QueryEngineError("the query engine stopped while running this query (it is "
                                   "restarted); simplify the query") from None
        if message is None:
            self._end(replace=True)
            raise self._timeout()
        if message[0] == "memory":  # a worker whose allocations failed is not trusted again
            self._end(replace=True)
        elif message[0] not in ("ok", "more") or message[-2]:
            self._end(replace=False)
        if message[0] == "error":
            raise QueryEngineError(message[1])
        if message[0] == "memory":
            raise QueryMemoryError(f"the query needed more than {self.worker.memory // 2**20} MiB "
                                   "of memory and was stopped; narrow it (fewer variables, LIMIT, "
                                   "no DISTINCT/ORDER BY over a large join)")
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
        """Give the worker back, or replace it; once only (the watchdog may race the reader).

        All under the lock, so that a reader who finds the answer expired (and calls this too)
        returns only once the watchdog's replacement is done: the client that sees its answer
        cut, then asks ``/healthz``, finds the worker already counted as restarted."""
        with self._lock:
            if self.done:
                return
            self.done = True
            if self._timer is not None:
                self._timer.cancel()
            (self.pool.replace if replace else self.pool.release)(self.worker)


def out_of_memory(worker: Worker) -> bool:
    """Whether ``worker`` (ended) died of its memory cap: an allocation the engine could not
    make aborts the process (Rust's allocation-failure handler: SIGABRT)."""
    return bool(worker.memory) and worker.process.exitcode == -signal.SIGABRT


def result_of(reply: WorkerReply, limits: QueryLimits) -> GuardedResult:
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

