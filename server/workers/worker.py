"""One query worker process: opens the store itself, answers one query at a time, can be killed.

Neither engine can be interrupted from a thread, so a query runs here, in a child process the
server kills at the time limit (and replaces). A crash of the engine (pyoxigraph overflows its
stack on absurd nesting) kills only this process. The worker

* opens the store from a :class:`StoreSource` recipe (read-only on disk, or the given files),
* drops its network access where the kernel allows it (a new, empty network namespace), so
  even a SERVICE that slipped past the checks could not reach anything,
* runs :func:`kg.common.query_text.check_query` (size, nesting, SERVICE: a lexer, no parser),
* streams the solutions, stopping at the row cap, and sends them back in chunks of about
  ``chunk_bytes`` as it reads them (so neither process ever holds a large answer): SPARQL TSV rows
  for solutions, N-Triples lines for graphs, ``true``/``false``. pyoxigraph writes those lines
  itself (``QueryResult.write``, a few times faster than a Python loop over the solutions);
  :class:`Chunker` cuts them into chunks and stops the engine at the cap.

The messages of one answer (tuples, cheap to pickle):

* ``("ok", kind, variables, payload, last, truncated)`` — the first chunk; ``last`` True means
  it is the whole answer (the common case: one round trip);
* ``("more", payload, last, truncated)`` — the next chunks; ``truncated`` (``rows=N``) comes
  with the last one;
* ``("refused", status, message)``, ``("syntax", ...)``, ``("error", message)``, ``("memory",)``
  — the end of the answer, before or (``error``, ``memory``) between chunks.

Each worker runs under a memory cap (:func:`cap_memory`, RLIMIT_AS): a query that needs more
ends with ``memory`` (Python's MemoryError) or kills the worker (the engine's allocation failure
aborts it); the server says so, and replaces the worker (server/workers/reply.py).

Between chunks the worker looks for :data:`STOP` from the server (the client went away): it
then stops reading the engine and answers with an empty last chunk, so it can serve the next
query instead of being killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import select
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.common.limits import CHUNK_BYTES, MAX_ROWS
from kg.common.query_text import QueryRefusedError, TextLimits, check_query, starts_as_update
from kg.store.oxigraph import OxigraphStore
from kg.store.rdflib_memory import RdflibStore
from kg.store.results import QuerySyntaxError

#: What an engine raises for a query it parsed but cannot evaluate: pyoxigraph's RuntimeError
#: ("The custom function <…> is not supported", an unbound SERVICE variable), rdflib's
#: NotImplementedError, ValueError or TypeError. It is the query's fault, so the client hears
#: 400 with the engine's words; before, it ended the worker and read as a crash (500).
ENGINE_REFUSALS: tuple[type[Exception], ...] = (RuntimeError, NotImplementedError, ValueError,
                                                 TypeError)
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
#: What the server sends while a chunked answer is running to have the worker stop it early.
STOP = "stop"


@dataclass(frozen=True)
class StoreSource:
    """How a worker opens its own copy of the store (picklable; the store object is not)."""

    kind: str  # "oxigraph-dir", "oxigraph-files", "memory-files"
    path: str | None = None
    files: tuple[str, ...] = ()
    label: str = ""

    def open(self) -> Any:
        if self.kind == "oxigraph-dir":
            return OxigraphStore.open_read_only(Path(self.path or ""))
        if self.kind == "oxigraph-files":
            return OxigraphStore.from_files([Path(name) for name in self.files])
        if self.kind == "memory-files":
            return RdflibStore.from_files([Path(name) for name in self.files])
        raise ValueError(f"unknown store source {self.kind!r}")


@dataclass(frozen=True)
class QueryTask:
    text: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    base_iri: str | None = None
    bindings: dict[str, Any] | None = None
    max_rows: int = MAX_ROWS
    chunk_bytes: int = CHUNK_BYTES
    limits: TextLimits = field(default_factory=TextLimits)


def drop_network() -> bool:
    """Move this process into a new network namespace with no interfaces; False if not allowed."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def end_with(server_pid: int) -> bool:
    """End this process as soon as the server process ``server_pid`` ends; False if it cannot
    be watched (no pidfd: not Linux ≥ 5.3, or the server is already gone).

    A worker learns that the server is gone from the end of its pipe, but only between queries:
    one busy in a runaway query when the server is killed (``kill -9``, the OOM killer, a copy
    of ``kg serve --processes`` that died) would run it to the end, with no one left to hold the
    time limit. Nor does its parent's end help: that is multiprocessing's fork server, which
    the worker itself keeps alive. pyoxigraph lets go of the interpreter lock while it
    evaluates, so a thread waiting on the server's pidfd can end the process mid-query."""
    try:
        server = os.pidfd_open(server_pid)
    except (AttributeError, OSError):
        return False

    def watch() -> None:
        select.select([server], [], [])
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="kg-worker-watch-server").start()
    return True


def cap_memory(limit: int) -> bool:
    """Cap this process's address space at ``limit`` bytes (0: no cap); False if not allowed.

    RLIMIT_AS rather than RLIMIT_DATA: the engine's big allocations are anonymous mappings,
    which RLIMIT_DATA counts only on Linux ≥ 4.7, and RLIMIT_AS holds on every kernel. The cap
    is set after the store is open (RocksDB's startup mappings are counted, a query's growth is
    what it bounds); a cap already lower (an operator's ``ulimit -v``) is kept."""
    if limit <= 0:
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        return True
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


def worker_main(connection: Any, source: StoreSource, isolate_network: bool,
                count_quads: bool = True, server_pid: int | None = None,
                memory: int = 0) -> None:
    """The worker loop: report readiness (or why the store cannot be opened), then serve.

    ``count_quads`` False: report no count (pyoxigraph counts by reading every quad, seconds per
    ten million; :func:`count_main` does it beside the workers for an on-disk store).
    ``server_pid``: the server process, whose end ends this worker at once (:func:`end_with`).
    ``memory``: the worker's memory cap in bytes (:func:`cap_memory`)."""
    if server_pid is not None:
        end_with(server_pid)
    isolated = drop_network() if isolate_network else False
    try:
        store = source.open()
        quads = _quad_count(store) if count_quads else None
    except Exception as error:  # a broken build: the parent keeps the old one and says why
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    capped = cap_memory(memory)
    connection.send(("ready", {"quads": quads, "network_isolated": isolated, "pid": os.getpid(),
                               "memory_capped": capped}))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if task == STOP:  # a stop that crossed the answer's last chunk: nothing to stop
            continue
        try:
            run_task(store, task, connection)
        except MemoryError:  # before the answer began (the engine's first solution, an ASK)
            connection.send(("memory",))


def count_main(connection: Any, source: StoreSource) -> None:
    """A short-lived process: open the store, send its number of quads (None if it fails)."""
    try:
        quads = _quad_count(source.open())
    except Exception:  # the workers opened it; a failure here only leaves the count unknown
        quads = None
    connection.send(quads)


def _quad_count(store: Any) -> int | None:
    inner = getattr(store, "store", None)
    if inner is not None:
        return len(inner)
    dataset = getattr(store, "dataset", None)
    return None if dataset is None else sum(1 for _ in dataset.quads((None, None, None, None)))


def run_task(store: Any, task: QueryTask, connection: Any) -> None:
    """One query, answered through ``connection`` as the messages in the module docstring."""
    result = start_query(store, task)
    if isinstance(result, tuple):
        connection.send(result)
        return
    if result.kind == "boolean":
        connection.send(("ok", "boolean", [], result.rows()[0][0].encode(), True, None))
        return
    chunker = Chunker(connection, result.kind, list(result.variables), task.max_rows,
                      task.chunk_bytes)
    try:
        encode(result, chunker)
    except _StopEngineError as enough:
        if enough.stopped:
            connection.send(("more", b"", True, None))
            return
    except MemoryError:
        chunker.pending = bytearray()  # room to say so
        connection.send(("memory",))
        return
    except Exception as error:  # evaluation errors surface while streaming
        if chunker.first and isinstance(error, ENGINE_REFUSALS):  # nothing sent yet: say whose
            connection.send(("refused", 400, engine_refusal(error)))
        else:
            connection.send(("error", f"the query failed while running: {_one_line(error)}"))
        return
    chunker.finish()


def start_query(store: Any, task: QueryTask) -> Any:
    """The engine's result, or the refusal/syntax message to send instead."""
    try:
        check_query(task.text, task.limits)
        options: dict[str, Any] = {"base_iri": task.base_iri}
        if task.bindings:
            options["bindings"] = task.bindings
        return store.query(task.text, task.default_graph_uris, task.named_graph_uris, **options)
    except QueryRefusedError as error:
        return ("refused", error.status, error.message)
    except QuerySyntaxError as error:
        return ("syntax", error.message, error.line, error.column, starts_as_update(task.text))
    except RecursionError:
        return ("refused", 400, "the query is nested too deeply to parse")
    except ENGINE_REFUSALS as error:  # the engine cannot evaluate this query: the client's error
        return ("refused", 400, engine_refusal(error))
    except Exception as error:  # anything else is ours: a 500, but this worker lives on
        return ("error", f"the query failed before running: {_one_line(error)}")


def engine_refusal(error: Exception) -> str:
    return f"the query engine cannot evaluate this query: {_one_line(error)}"


def encode(result: Any, chunker: Chunker) -> None:
    """Feed the rows of ``result`` to ``chunker``: pyoxigraph writes them itself; other engines
    go row by row."""
    if result.write(chunker):
        return
    chunker.header_left = False
    rows = _stream(result)
    try:
        for row in rows:
            chunker.write(_line(result.kind, row).encode("utf-8"))
    finally:
        with contextlib.suppress(Exception):
            rows.close()


class _StopEngineError(Exception):
    """Raised from :meth:`Chunker.write` to stop the engine: at the row cap, or on STOP."""

    def __init__(self, stopped: bool) -> None:
        super().__init__("stopped by the server" if stopped else "row cap reached")
        self.stopped = stopped


class Chunker:
    """A binary file the engine writes its answer into (SPARQL TSV, or N-Triples: one row per
    line), sent on as chunks of whole lines.

    A chunk of ``chunk_bytes`` or more leaves only once a byte of the next row has arrived, so
    an answer that fits in one chunk is a single ``ok`` message with ``last`` set. Rows are
    counted as they pass; when row ``max_rows + 1`` begins, the rest is dropped and the engine
    stopped (:class:`_StopEngineError`). After each chunk sent, a STOP from the server stops it too.
    """

    def __init__(self, connection: Any, kind: str, variables: list[str], max_rows: int,
                 chunk_bytes: int) -> None:
        self.connection, self.kind, self.variables = connection, kind, variables
        self.max_rows, self.chunk_bytes = max_rows, chunk_bytes
        self.header_left = kind == "bindings"  # the TSV header: the server writes its own
        self.pending = bytearray()
        self.rows = 0
        self.first = True
        self.truncated: str | None = None

    def write(self, data: bytes) -> int:
        size = len(data)
        if self.header_left:
            end = data.find(b"\n")
            if end < 0:
                return size
            data, self.header_left = data[end + 1:], False
        before, rows_before = len(self.pending), self.rows
        self.pending += data
        self.rows += data.count(b"\n")
        if self.rows > self.max_rows or (self.rows == self.max_rows and not self.pending.endswith(b"\n")):
            self._cut(before, rows_before)
        self._send_full_chunk()
        return size

    def flush(self) -> None:
        """Nothing to do: chunks leave when full (a file-like object needs this method)."""

    def finish(self) -> None:
        """Send what is left as the last message."""
        self._send(bytes(self.pending), last=True)
        self.pending.clear()

    def _cut(self, before: int, rows_before: int) -> None:
        """Keep rows up to ``max_rows`` (the last write began at ``before``, after
        ``rows_before`` rows); stop the engine."""
        end = before
        for _ in range(self.max_rows - rows_before):
            end = self.pending.index(b"\n", end) + 1
        del self.pending[end:]
        self.rows, self.truncated = self.max_rows, f"rows={self.max_rows}"
        raise _StopEngineError(stopped=False)

    def _send_full_chunk(self) -> None:
        end = self.pending.rfind(b"\n", 0, len(self.pending) - 1) + 1
        if end < self.chunk_bytes:
            return
        payload = bytes(self.pending[:end])
        del self.pending[:end]
        self._send(payload, last=False)
        if self.connection.poll() and self.connection.recv() == STOP:
            raise _StopEngineError(stopped=True)

    def _send(self, payload: bytes, last: bool) -> None:
        truncated = self.truncated if last else None
        if self.first:
            self.connection.send(("ok", self.kind, self.variables, payload, last, truncated))
        else:
            self.connection.send(("more", payload, last, truncated))
        self.first = False


def _line(kind: str, row: tuple) -> str:
    if kind == "graph":
        return " ".join(row) + " .\n"
    return "\t".join("" if term is None else term for term in row) + "\n"


def _stream(result: Any):
    stream = getattr(result, "stream", None)
    source = stream() if callable(stream) else iter(result.rows())
    yield from source


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]
