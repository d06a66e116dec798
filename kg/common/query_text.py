"""Checks on a query's text before an engine runs it: size, nesting, and federation (SERVICE).

Why before the engine: pyoxigraph's recursive parser crashes the whole process (stack
overflow, no exception) on a query nested a few thousand levels deep — brackets or a run of
``!`` — and both engines execute ``SERVICE``, i.e. fetch from any address a client names.

* :func:`check_shape` is a small lexer (strings, IRIs and comments skipped) that measures the
  bracket depth and the longest run of prefix operators, and refuses what exceeds the limits.
* :func:`uses_service` reads the parse tree (rdflib's SPARQL parser, which expands ``\\u``
  escapes like the grammar says) for a ``ServiceGraphPattern`` anywhere: ``SERVICE SILENT``, a
  variable endpoint, inside OPTIONAL, MINUS, a sub-query, any case, comments between tokens.
  It only parses a text whose code (strings, IRIs, comments left out) contains the letters
  "service" at all, and it fails closed: such a text that rdflib cannot parse is treated as
  using SERVICE.

rdflib's parser is not thread-safe; these functions run in the query worker processes (one
query at a time each), and :func:`uses_service` also takes a lock for callers with threads.

What the checks find about a text (its :class:`Shape`, whether it uses SERVICE) is remembered
per exact text — by its SHA-256 digest, in a small LRU per process — because clients repeat the
same queries and every request was measured twice (in the server, then in its worker) and a
text that says "service" costs rdflib ~5–15 ms to parse. The verdict is still taken afresh
against the limits each time; only the facts about the text are reused.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from kg.common.limits import MAX_BRACKET_DEPTH, MAX_OPERATOR_RUN, MAX_QUERY_LENGTH, QUERY_MEMO_SIZE

_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_IRI_BODY = re.compile(r'[^<>"{}|^`\\\x00-\x20]*>')
_OPEN, _CLOSE = "{([", "})]"
_PREFIX_OPERATORS = "!^+-"
_parser_lock = threading.Lock()
#: How many texts each memo remembers (a digest and a small value each).
MEMO_SIZE = QUERY_MEMO_SIZE


class QueryRefusedError(Exception):
    """A query refused before execution; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class TextLimits:
    """Limits on a query's text (defaults: kg/common/limits.py; reasons: docs/security.md)."""

    max_length: int = MAX_QUERY_LENGTH
    max_depth: int = MAX_BRACKET_DEPTH
    max_operator_run: int = MAX_OPERATOR_RUN


@dataclass(frozen=True)
class Shape:
    """What :func:`measure` found: deepest bracket nesting and longest prefix-operator run."""

    depth: int
    operator_run: int


class _Memo:
    """A thread-safe LRU from a text's digest to what one check found about that text."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[bytes, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Any:
        """The remembered value, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: bytes, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_shapes = _Memo(MEMO_SIZE)
_services = _Memo(MEMO_SIZE)


def digest_of(text: str) -> bytes:
    """The key of ``text`` in the memos: SHA-256, so two texts never share an entry."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def code_of(text: str) -> str:
    """``text`` with ``\\u`` escapes expanded and strings, IRIs and comments blanked out.

    What remains is what an engine reads as keywords, names, operators and brackets. A SERVICE
    clause cannot hide in a blanked part: an IRI token here holds no space or brace.
    """
    text = _ESCAPE.sub(lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), text)
    parts: list[str] = []
    index, start, length = 0, 0, len(text)
    while index < length:
        char = text[index]
        end = None
        if char == "#":
            newline = text.find("\n", index)
            end = length if newline < 0 else newline
        elif char in "\"'":
            end = _skip_string(text, index)
        elif char == "<":
            iri = _IRI_BODY.match(text, index + 1)
            end = iri.end() if iri else None
        if end is None:
            index += 1
            continue
        parts.append(text[start:index])
        parts.append(" ")
        index = start = end
    parts.append(text[start:])
    return "".join(parts)


def measure(text: str) -> Shape:
    """Bracket depth and prefix-operator run of ``text``, outside strings, IRIs and comments."""
    depth = deepest = run = longest = 0
    for char in code_of(text):
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        if char in _PREFIX_OPERATORS:
            run += 1
            longest = max(longest, run)
        elif not char.isspace() and char not in _OPEN:
            run = 0
    return Shape(deepest, longest)


def _skip_string(text: str, start: int) -> int:
    """The index after the string literal that starts at ``start`` (end of text if unclosed)."""
    quote = text[start]
    triple = text.startswith(quote * 3, start)
    index = start + (3 if triple else 1)
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if triple and text.startswith(quote * 3, index):
            return index + 3
        if not triple and char == quote:
            return index + 1
        if not triple and char == "\n":  # a one-line string cannot span lines: stop here
            return index
        index += 1
    return index


def check_shape(text: str, limits: TextLimits, digest: bytes | None = None) -> None:
    """Refuse (QueryRefusedError 400) a query too long or too deeply nested for the engines.

    ``digest`` (:func:`digest_of` the text) saves hashing it again when the caller has it.
    """
    if len(text) > limits.max_length:  # before hashing: no work on a text that is refused anyway
        raise QueryRefusedError(400, f"the query is {len(text)} characters long; the limit is "
                                f"{limits.max_length}")
    key = digest or digest_of(text)
    shape = _shapes.get(key)
    if shape is None:
        shape = measure(text)
        _shapes.put(key, shape)
    if shape.depth > limits.max_depth:
        raise QueryRefusedError(400, f"the query nests brackets {shape.depth} levels deep; the limit "
                                f"is {limits.max_depth}")
    if shape.operator_run > limits.max_operator_run:
        raise QueryRefusedError(400, f"the query chains {shape.operator_run} prefix operators "
                                f"(!, ^, +, -); the limit is {limits.max_operator_run}")


def mentions_service(text: str) -> bool:
    """Whether the letters "service" occur in the code of ``text`` (see :func:`code_of`), any case."""
    return "service" in code_of(text).lower()


def uses_service(text: str, digest: bytes | None = None) -> bool:
    """Whether the query's parse tree has a SERVICE pattern (fails closed, see the module).

    The answer is remembered per text (see the module), so a repeated text is not parsed again.
    """
    key = digest or digest_of(text)
    known = _services.get(key)
    if known is None:
        known = _uses_service(text)
        _services.put(key, known)
    return known


def _uses_service(text: str) -> bool:
    if not mentions_service(text):
        return False
    # deferred: rdflib's SPARQL parser (rdflib, then its grammar) only for a text naming SERVICE
    from rdflib.plugins.sparql.parser import parseQuery

    with _parser_lock:
        try:
            tree = parseQuery(text)
        except Exception:  # unparsable by rdflib: cannot prove there is no SERVICE
            return True
    return _has_service(tree)


def _has_service(node: object) -> bool:
    # deferred: the parse tree's types, with the parser above (only for a text naming SERVICE)
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            if current.name == "ServiceGraphPattern":
                return True
            stack.extend(current.values())
        elif isinstance(current, (list, tuple, ParseResults)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())
    return False


SERVICE_REFUSED = ("SERVICE (federated query) is not supported: this endpoint never fetches from "
                   "other servers (a query that says 'service' and does not parse is refused the "
                   "same way)")


def check_query(text: str, limits: TextLimits) -> None:
    """Every check, in order: shape first (the parser must never see a too-deep query)."""
    digest = digest_of(text) if len(text) <= limits.max_length else None  # else refused unhashed
    check_shape(text, limits, digest)
    if uses_service(text, digest):
        raise QueryRefusedError(400, SERVICE_REFUSED)
