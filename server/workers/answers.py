"""A guarded store's answer: sent whole when it is small, streamed chunk by chunk when it is not.

The query worker sends its answer in chunks of SPARQL TSV rows or N-Triples lines
(server/workers/worker.py). :class:`server.workers.guarded_store.GuardedStore` reads ahead up to
``QueryLimits.max_bytes``: an answer that ended by then is *whole* and is serialised at once, as
it always was (Content-Length, and the ``KG-Result-Truncated`` header when the row cap cut it).
A longer answer is *streamed*: :meth:`GuardedResult.chunks` serialises each chunk in the format
asked for as it arrives and drops it, so memory stays bounded whatever the row count. Its
headers are gone before the end is known, so a cut is said in the body only
(:func:`marked`; docs/security.md, docs/decisions/0011-streamed-answers.md).

A cut answer is sent only to a client that asked for one (``cut_allowed``): otherwise
:func:`answer_response` raises :class:`AnswerCutError` (422) before any byte of it, and a
streamed answer that turns out cut ends without its end, so the client's read fails
(docs/decisions/0019-cut-answers-are-refused-unless-asked.md).

Each chunk is serialised by pyoxigraph on its own and *framed*: the head of the document (the
SPARQL JSON ``head``, the CSV header line, Turtle's prefixes …) is sent once, the rows of every
chunk follow (joined by a comma in the JSON formats), and the tail closes the document.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox
from flask import Response, g, has_request_context, stream_with_context

from kg.common import formats
from kg.common.limits import MAX_ANSWER_BYTES, MAX_ROWS
from kg.store.results import WORKER_ROWS, WORKER_TRIPLES, in_bytes, serialize_triples
from server.workers.limits import AnswerCutError

STREAMED_HEADER = "KG-Result-Streamed"
#: Where the rows go in the serialisation of an empty answer: before the last occurrence.
_ROWS_BEFORE = {"json": b"]", "xml": b"</results>", "jsonld": b"]", "rdfxml": b"</rdf:RDF>"}
_SEPARATORS = {"json": b",", "jsonld": b","}
#: How the worker sends a boolean answer: SPARQL JSON's ``true`` or ``false``.
_BOOLEAN = formats.by_key("json")
_DUMMY = ox.Triple(ox.NamedNode("urn:x-kg:frame"), ox.NamedNode("urn:x-kg:frame"),
                   ox.NamedNode("urn:x-kg:frame"))


class Reply(Protocol):
    """The rest of an answer still in its worker (``server.workers.reply.WorkerReply``)."""

    def receive(self) -> tuple: ...

    def close(self) -> None: ...


class FramingError(RuntimeError):
    """pyoxigraph wrote a chunk that does not fit the format's frame (a bug: the stream is cut)."""


@dataclass(frozen=True)
class Frame:
    """How the documents of single chunks join into one: ``head``, rows, ``separator``, rows … ``tail``."""

    head: bytes
    tail: bytes
    separator: bytes = b""

    def rows_of(self, document: bytes) -> bytes:
        """The part of one chunk's document between the head and the tail."""
        if not document:
            return b""
        if not (document.startswith(self.head) and document.endswith(self.tail)):
            raise FramingError(f"a chunk does not start with {self.head[:60]!r} and end with "
                               f"{self.tail[-60:]!r}")
        return document[len(self.head):len(document) - len(self.tail)]


@functools.lru_cache(maxsize=256)
def frame_of(kind: str, key: str, variables: tuple[str, ...]) -> Frame:
    """The frame of format ``key``, read off pyoxigraph's own serialisation of an empty answer."""
    if key == "turtle":  # an empty graph has no prefix lines; a chunk starts with all of them
        line = b"<urn:x-kg:frame> <urn:x-kg:frame> <urn:x-kg:frame> .\n"
        document = serialize_triples([_DUMMY], key)
        if not document.endswith(line):
            raise FramingError(f"unexpected Turtle for one triple: {document[-120:]!r}")
        return Frame(document[:-len(line)], b"")
    empty = serialize_triples([], key) if kind == "graph" else document_of(kind, variables, key, b"")
    marker = _ROWS_BEFORE.get(key)
    split = len(empty) if marker is None else empty.rindex(marker)
    return Frame(empty[:split], empty[split:], _SEPARATORS.get(key, b""))


def tsv_head(variables: tuple[str, ...] | list[str]) -> bytes:
    return ("\t".join("?" + name for name in variables) + "\n").encode("utf-8")


def parse_rows(kind: str, variables: tuple[str, ...] | list[str], payload: bytes) -> Any:
    """The worker's encoding parsed back: triples (graph) or solutions (bindings)."""
    if kind == "graph":
        return ox.parse(payload, format=WORKER_TRIPLES.rdf_format)
    return ox.parse_query_results(tsv_head(variables) + payload, format=WORKER_ROWS.results_format)


def document_of(kind: str, variables: tuple[str, ...] | list[str], key: str, payload: bytes) -> bytes:
    """One payload (the whole answer, or one chunk) in format ``key``."""
    if kind == "boolean":
        return in_bytes(ox.parse_query_results(b'{"head":{},"boolean":' + payload + b"}",
                                               format=_BOOLEAN.results_format
                                               ).serialize(format=formats.by_key(key).results_format))
    if kind == "graph":
        return serialize_triples(list(parse_rows(kind, variables, payload)), key)
    return in_bytes(parse_rows(kind, variables, payload).serialize(format=formats.by_key(key).results_format))


#: The ``link`` a cut SPARQL JSON or XML answer carries in its head (the results formats' own
#: place for "further metadata about the query results"): ``{}`` is the cap that cut it.
TRUNCATION_LINK = "urn:x-kg:truncated:{}"


def marked(body: bytes, key: str, truncated: str, streamed: bool = False) -> bytes:
    """``body`` (a whole answer, or a streamed answer's tail) with the truncation marker, where
    the format has room for one.

    SPARQL JSON: ``head.link`` gets :data:`TRUNCATION_LINK` (SPARQLWrapper returns the head as
    parsed) and a top-level ``"truncated"`` member comes first; in a streamed answer, whose
    head is gone before the cut is known, the member comes last (strict streaming parsers such
    as pyoxigraph's refuse it, which at least is not silent). SPARQL XML: a ``<link href>`` in
    ``<head>`` (after the variables, as the schema orders them) in a whole answer, and a comment
    after the root element. Other formats: a comment line where the syntax has comments.
    """
    note = f"truncated: {truncated} (the answer was cut at this limit)"
    link = TRUNCATION_LINK.format(truncated).encode()
    if key == "json" and body.startswith(b'{"head":{') and not streamed:
        head = b'{"head":{"link":["' + link + b'"],'
        rest = body[len(b'{"head":{'):]
        if rest.startswith(b"}"):  # an empty head (a boolean answer has none to cut)
            head, rest = head[:-1], rest
        return b'{"truncated":"' + truncated.encode() + b'",' + head[1:] + rest
    if key == "json" and body.startswith(b"{") and not streamed:
        return b'{"truncated":"' + truncated.encode() + b'",' + body[1:]
    if key == "json" and body.endswith(b"}") and streamed:
        return body[:-1] + b',"truncated":"' + truncated.encode() + b'"}'
    if key == "xml" and not streamed and b"</head>" in body:
        body = body.replace(b"</head>", b'<link href="' + link + b'"/></head>', 1)
    comment = formats.by_key(key).comment
    return body + comment.format(note).encode() if comment else body


def release_free_memory() -> None:
    """Hand freed heap pages back to the system (glibc ``malloc_trim``).

    waitress answers each request on one of its threads, and glibc keeps a heap arena per
    thread: without this, every thread that once streamed a large answer would keep its peak
    (~35 MB) for good, and the server's RSS would ratchet up by that much per thread.
    """
    with contextlib.suppress(OSError, AttributeError):
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None)


def note_truncation(truncated: str) -> None:
    """Tell the response (when inside a Flask request) to carry the truncation header."""
    if has_request_context():
        g.kg_truncated = truncated


class GuardedResult:
    """An answer of the guarded store: ``kind``, ``variables``, ``serialize(key)``, ``rows()``,
    and, when :attr:`streamed`, ``chunks(key)``.

    ``truncated`` is None for a whole answer, else ``rows=N`` or ``bytes=N`` (the cap that cut
    it). A streamed answer holds its worker until it is read to the end or closed.
    """

    def __init__(self, kind: str, variables: list[str], payloads: list[bytes],
                 truncated: str | None, reply: Reply | None = None,
                 max_bytes: int = MAX_ANSWER_BYTES, max_rows: int = MAX_ROWS) -> None:
        self.kind, self.variables, self.truncated = kind, variables, truncated
        self._payloads, self._reply = payloads, reply
        self.max_bytes, self.max_rows = max_bytes, max_rows
        if truncated:
            note_truncation(truncated)

    @property
    def streamed(self) -> bool:
        """True while the answer is longer than what was read ahead and still in the worker."""
        return self._reply is not None

    def serialize(self, format_key: str) -> bytes:
        """The whole answer in one body (a streamed one is cut at ``max_bytes``)."""
        body = document_of(self.kind, self.variables, format_key, self._whole())
        return marked(body, format_key, self.truncated) if self.truncated else body

    def rows(self) -> list[tuple[str | None, ...]]:
        payload = self._whole()
        if self.kind == "boolean":
            return [(payload.decode(),)]
        parsed = parse_rows(self.kind, self.variables, payload)
        if self.kind == "graph":
            return sorted((str(t.subject), str(t.predicate), str(t.object)) for t in parsed)
        return [tuple(None if solution[name] is None else str(solution[name])
                      for name in self.variables) for solution in parsed]

    def stream(self) -> Iterator[tuple[str | None, ...]]:
        return iter(self.rows())

    def chunks(self, format_key: str, cut_allowed: bool = False) -> Iterator[bytes]:
        """The answer serialised piece by piece as the worker sends it; the worker is released
        at the end, or stopped when the consumer closes this early (the client went away).

        A time-out or an engine failure midway raises (QueryTimeoutError, QueryEngineError):
        the server then cuts the body without its end (docs/security.md). So does a row cap
        reached when the client did not ask for a cut answer (AnswerCutError, raised instead
        of the tail): the status (200) is gone, but the body never ends as if complete.
        """
        frame = frame_of(self.kind, format_key, tuple(self.variables))
        try:
            yield frame.head
            started = False
            for payload in self._pending():
                rows = frame.rows_of(document_of(self.kind, self.variables, format_key, payload))
                if rows:
                    yield (frame.separator + rows) if started else rows
                    started = True
            tail = frame.tail
            if self.truncated and not cut_allowed:
                raise AnswerCutError(self.max_rows)
            yield marked(tail, format_key, self.truncated, streamed=True) if self.truncated else tail
        finally:
            self.close()
            release_free_memory()

    def close(self) -> None:
        """Give the worker back (stopping the rest of the answer, if any)."""
        reply, self._reply = self._reply, None
        if reply is not None:
            reply.close()

    def __del__(self) -> None:  # a streamed answer nobody read or closed must not keep its worker
        with contextlib.suppress(Exception):
            self.close()

    def _pending(self) -> Iterator[bytes]:
        """The payloads read ahead, then the worker's next ones (each dropped once handed out)."""
        while self._payloads:
            yield self._payloads.pop(0)
        while self._reply is not None:
            _, payload, last, truncated = self._reply.receive()
            if last:
                self._reply, self.truncated = None, truncated
            if payload:
                yield payload

    def _whole(self) -> bytes:
        """Every payload joined; a streamed answer is cut to whole lines within ``max_bytes``."""
        payload = b"".join(self._payloads)
        if self._reply is not None:
            self.close()
            payload = payload[:payload.rfind(b"\n", 0, self.max_bytes) + 1]
            self.truncated = f"bytes={self.max_bytes}"
            note_truncation(self.truncated)
        self._payloads = [payload]
        return payload


def answer_response(result: Any, format_key: str, cut_allowed: bool = False) -> Response:
    """The 200 response carrying ``result``: the whole body, or for a streamed answer its chunks.

    A whole answer that the row cap cut raises :class:`AnswerCutError` (answered 422) unless
    ``cut_allowed``, the client's opt-in; a streamed one is cut short in :meth:`GuardedResult.chunks`.

    The chunks keep the request context, so the client's in-flight count (server/http/request_limits.py)
    lasts as long as the stream; ``call_on_close`` releases the worker even when the body is
    never read (HEAD). ``KG-Result-Streamed: max-rows=N`` says that a cut can only be told in
    the body, and at which row count.
    """
    if not getattr(result, "streamed", False):
        if getattr(result, "truncated", None) and not cut_allowed:
            if has_request_context():
                g.pop("kg_truncated", None)  # nothing is sent, so nothing was cut
            raise AnswerCutError(getattr(result, "max_rows", MAX_ROWS))
        return Response(result.serialize(format_key), status=200)
    response = Response(stream_with_context(result.chunks(format_key, cut_allowed)), status=200)
    response.call_on_close(result.close)
    response.headers[STREAMED_HEADER] = f"max-rows={result.max_rows}"
    return response
