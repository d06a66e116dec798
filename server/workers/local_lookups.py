"""Lookups answered in the server's own process, without the round trip to a query worker.

A saved query declared a lookup (``lookup:`` in its header, checked by :mod:`kg.query.lookups`)
follows a key through the graph: its cost is bounded by what is stated about the few resources
it reaches, not by the size of the graph. Sending it to a worker process cost more than answering
it: pickling the task, a pipe each way, two process switches, and a worker taken from the shared
pool (docs/decisions/0024). Here it runs on a read-only handle of the same build that this
process opens itself (pyoxigraph releases the interpreter lock while it evaluates, so threads
answer lookups side by side), through the worker's own code (:func:`server.workers.worker.run_task`:
the same text checks, row cap and encodings), and its messages are read back as a worker's
would be (:func:`server.workers.reply.result_of`), so the client gets the same bytes either way.

What cannot hold in-process is the kill at the time limit, so a lookup is also timed (the CPU
time of its thread: waiting for the lock or a core under load is not the lookup's cost): one
that takes longer than :data:`SLOW_LOOKUP_SECONDS` sends its saved query back to the workers for
the rest of the server's life, and the log and ``/healthz`` say so.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from server.workers.answers import GuardedResult
from server.workers.limits import QueryEngineError, QueryLimits, QueryMemoryError
from server.workers.reply import result_of
from server.workers.worker import QueryTask, StoreSource, run_task

#: A lookup that costs more CPU than this (seconds) is not a lookup on this graph: its query goes
#: to the workers from then on.
SLOW_LOOKUP_SECONDS = 0.5

log = logging.getLogger("kg.serve")


class _Messages:
    """The worker protocol's messages, collected in this process and read back in order: the
    ``send`` end for :func:`run_task`, the ``receive`` end (as :class:`WorkerReply`'s) for
    :func:`result_of` and a streamed :class:`GuardedResult`."""

    def __init__(self) -> None:
        self.messages: list[tuple] = []

    def send(self, message: tuple) -> None:
        self.messages.append(message)

    def receive(self) -> tuple:
        message = self.messages.pop(0)
        if message[0] == "error":
            raise QueryEngineError(message[1])
        if message[0] == "memory":
            raise QueryMemoryError("the lookup needed more memory than the server could give")
        return message

    def watch(self) -> None:
        """No deadline to watch: the whole answer is already here."""

    def close(self) -> None:
        self.messages.clear()


class LocalLookups:
    """The read-only handle of the current build in this process, and the lookups it answers."""

    def __init__(self, slow_seconds: float = SLOW_LOOKUP_SECONDS) -> None:
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        self._opened: tuple[StoreSource, Any] | None = None
        #: Saved queries whose lookup proved slow (name -> seconds): answered by workers now.
        self.demoted: dict[str, float] = {}
        self.answered = 0

    def can_answer(self, name: str, source: StoreSource) -> bool:
        return source.kind == "oxigraph-dir" and name not in self.demoted

    def answer(self, name: str, source: StoreSource, task: QueryTask, limits: QueryLimits) -> GuardedResult:
        """``task`` answered on ``source`` (the current build) in this process."""
        store = self._store(source)
        messages = _Messages()
        # The thread's CPU time, not the wall clock: under load a lookup waits for the
        # interpreter lock and the cores, which says nothing about what the lookup costs.
        started = time.thread_time()
        run_task(store, task, messages)
        took = time.thread_time() - started
        if took > self.slow_seconds and name not in self.demoted:
            self.demoted[name] = round(took, 3)
            log.warning("the lookup %s took %.2f s of CPU (over %.2f s): its calls go to the query "
                        "workers from now on", name, took, self.slow_seconds)
        self.answered += 1
        return result_of(messages, limits)  # type: ignore[arg-type]  # a WorkerReply's protocol

    def _store(self, source: StoreSource) -> Any:
        """The handle of ``source``, opened on first use (after any fork: a RocksDB handle must
        not cross one) and again when a reload brings another build."""
        with self._lock:
            if self._opened is None or self._opened[0] != source:
                self._opened = (source, source.open())
            return self._opened[1]

    def status(self) -> dict:
        return {"answered": self.answered, "sent_back_to_workers": dict(self.demoted)}
