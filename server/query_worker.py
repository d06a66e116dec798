"""One query worker process: opens the store itself, answers one query at a time, can be killed.

Neither engine can be interrupted from a thread, so a query runs here, in a child process the
server kills at the time limit (and replaces). A crash of the engine (pyoxigraph overflows its
stack on absurd nesting) kills only this process. The worker

* opens the store from a :class:`StoreSource` recipe (read-only on disk, or the given files),
* drops its network access where the kernel allows it (a new, empty network namespace), so
  even a SERVICE that slipped past the checks could not reach anything,
* runs :func:`server.query_checks.check_query` (rdflib's parser, one thread: safe here),
* streams the solutions, stopping at the row or byte cap, and sends back a compact encoding:
  SPARQL TSV for solutions (terms in N-Triples syntax), N-Triples for graphs, ``true``/``false``.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.query_checks import QueryRefusedError, TextLimits, check_query

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


@dataclass(frozen=True)
class StoreSource:
    """How a worker opens its own copy of the store (picklable; the store object is not)."""

    kind: str  # "oxigraph-dir", "oxigraph-files", "memory-files"
    path: str | None = None
    files: tuple[str, ...] = ()
    label: str = ""

    def open(self) -> Any:
        from kg.store import OxigraphStore, RdflibStore

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
    max_rows: int = 10_000
    max_bytes: int = 16 * 1024 * 1024
    limits: TextLimits = field(default_factory=TextLimits)


def drop_network() -> bool:
    """Move this process into a new network namespace with no interfaces; False if not allowed."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def worker_main(connection: Any, source: StoreSource, isolate_network: bool) -> None:
    """The worker loop: report readiness (or why the store cannot be opened), then serve."""
    isolated = drop_network() if isolate_network else False
    try:
        store = source.open()
        quads = _quad_count(store)
    except Exception as error:  # a broken build: the parent keeps the old one and says why
        connection.send(("failed", f"{type(error).__name__}: {error}"))
        return
    connection.send(("ready", {"quads": quads, "network_isolated": isolated, "pid": os.getpid()}))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(run_task(store, task))


def _quad_count(store: Any) -> int | None:
    inner = getattr(store, "store", None)
    if inner is not None:
        return len(inner)
    dataset = getattr(store, "dataset", None)
    return None if dataset is None else sum(1 for _ in dataset.quads((None, None, None, None)))


def run_task(store: Any, task: QueryTask) -> tuple:
    """One query, answered as a tuple the parent turns into a result or an error."""
    from kg.store import QuerySyntaxError

    try:
        check_query(task.text, task.limits)
        options: dict[str, Any] = {"base_iri": task.base_iri}
        if task.bindings:
            options["bindings"] = task.bindings
        result = store.query(task.text, task.default_graph_uris, task.named_graph_uris, **options)
    except QueryRefusedError as error:
        return ("refused", error.status, error.message)
    except QuerySyntaxError as error:
        return ("syntax", error.message, error.line, error.column, _is_update(task.text))
    except RecursionError:
        return ("refused", 400, "the query is nested too deeply to parse")
    try:
        return ("ok", *encode(result, task.max_rows, task.max_bytes))
    except Exception as error:  # evaluation errors surface while streaming
        return ("error", f"the query failed while running: {_one_line(error)}")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # any parse failure means: not an update
        return False
    return True


def encode(result: Any, max_rows: int, max_bytes: int) -> tuple[str, list[str], bytes, str | None]:
    """(kind, variables, payload, truncation) with at most ``max_rows`` rows and ~``max_bytes``."""
    if result.kind == "boolean":
        return "boolean", [], result.rows()[0][0].encode(), None
    rows = _stream(result)
    lines: list[str] = []
    size = 0
    truncated = None
    for row in itertools.islice(rows, max_rows + 1):
        if len(lines) == max_rows:
            truncated = f"rows={max_rows}"
            break
        if result.kind == "graph":
            line = " ".join(row) + " .\n"
        else:
            line = "\t".join("" if term is None else term for term in row) + "\n"
        size += len(line)
        if size > max_bytes:
            truncated = f"bytes={max_bytes}"
            break
        lines.append(line)
    with contextlib.suppress(Exception):
        rows.close()
    if result.kind == "graph":
        return "graph", [], "".join(lines).encode("utf-8"), truncated
    head = "\t".join("?" + name for name in result.variables) + "\n"
    return "bindings", list(result.variables), (head + "".join(lines)).encode("utf-8"), truncated


def _stream(result: Any):
    stream = getattr(result, "stream", None)
    source = stream() if callable(stream) else iter(result.rows())
    yield from source


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())[:300]
