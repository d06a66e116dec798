"""Checks on a query's text before an engine runs it: size, nesting, and federation (SERVICE).

Why before the engine: pyoxigraph's recursive parser crashes the whole process (stack
overflow, no exception) on a query nested a few thousand levels deep — brackets or a run of
``!`` — and both engines execute ``SERVICE``, i.e. fetch from any address a client names.

* :func:`check_shape` is a small lexer (strings, IRIs and comments skipped) that measures the
  bracket depth and the longest run of prefix operators, and refuses what exceeds the limits.
* :func:`uses_service` finds a SERVICE clause the way pyoxigraph would read one: a lexer of the
  grammar's terminals (:func:`has_service`) looks for the keyword outside strings, IRIs,
  comments, variables, language tags and prefixed names — ``SERVICE SILENT``, a variable
  endpoint, inside OPTIONAL, MINUS, a sub-query, any case, comments between tokens, ``\\u``
  escapes, no space at all (``SERVICESILENT<…>``). Whether the text is a query at all is left
  to the engine's parser, which runs next and answers 400 for what it cannot parse: no parser
  of ours that fails on long queries (rdflib's did, at about 90 triple patterns, and its failure
  read as "SERVICE is not supported" for any ``?service`` variable or ``schema:serviceType``).

What the checks find about a text (its :class:`Shape`, whether it uses SERVICE) is remembered
per exact text — by its SHA-256 digest, in a small LRU per process — because clients repeat the
same queries and every request was measured twice (in the server, then in its worker). The
verdict is still taken afresh against the limits each time; only the facts about the text are
reused.
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


class TextMemo:
    """A thread-safe LRU from a text's digest (:func:`digest_of`) to what one check or rewrite found
    about that text: a small value per text, never the text itself (texts may be 100 KB)."""

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


_shapes = TextMemo(MEMO_SIZE)
_services = TextMemo(MEMO_SIZE)


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
    """Whether the query has a SERVICE clause as pyoxigraph reads it (see :func:`has_service`).

    The answer is remembered per text (see the module), so a repeated text is not lexed again.
    """
    key = digest or digest_of(text)
    known = _services.get(key)
    if known is None:
        known = _uses_service(text)
        _services.put(key, known)
    return known


def _uses_service(text: str) -> bool:
    # Both readings of the text: with ``\u`` escapes expanded (the grammar's rule, and
    # pyoxigraph's) and as written, so that a lexer that expanded where the engine did not (or
    # the reverse) cannot hide a SERVICE inside what it took for a string.
    expanded = _ESCAPE.sub(lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), text)
    if "service" not in expanded.lower() and "service" not in text.lower():
        return False  # the common case, at the cost of one scan
    return has_service(expanded) or (expanded != text and has_service(text))


# The SPARQL 1.1 grammar's terminals (section 19.8) as regular expressions, for has_service.
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
                  "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
                  "\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = "%[0-9A-Fa-f]{2}|\\\\[_~.\\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
             f"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?")
_LONG_STRING = "{q}{q}{q}(?:[^{q}\\\\]|\\\\.|{q}(?!{q}{q}))*(?:{q}{q}{q}|\\Z)"
_SHORT_STRING = "{q}(?:[^{q}\\\\\\r\\n]|\\\\.)*{q}?"
_TOKEN = re.compile("|".join((
    "(?P<comment>#[^\\r\\n]*)",
    "(?P<string>" + "|".join(form.format(q=quote) for form in (_LONG_STRING, _SHORT_STRING)
                             for quote in ("'", '"')) + ")",
    "(?P<iri><[^<>\"{}|^`\\\\\\x00-\\x20]*>)",
    f"(?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
    f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
    "(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
    "(?P<number>[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
    "(?P<word>[A-Za-z_]+)",
    "(?P<space>\\s+)",
    "(?P<other>.)",
)), re.DOTALL)


def lex(text: str) -> list[tuple[str, str, int]]:
    """The significant tokens of ``text`` as the grammar's terminals (see :func:`has_service`):
    ``(kind, text, offset)``, spaces and comments left out. For rewriters that must never touch
    what sits in a string, an IRI, a comment or a prefixed name (``ex:OPTIONAL`` is a name)."""
    return [(match.lastgroup or "other", match.group(), match.start())
            for match in _TOKEN.finditer(text) if match.lastgroup not in ("space", "comment")]


def has_unicode_escapes(text: str) -> bool:
    """Whether ``text`` holds ``\\u``/``\\U`` escapes, which pyoxigraph expands before it parses
    (so a lexer of the text as written may not see the query the engine sees)."""
    return _ESCAPE.search(text) is not None


#: A dot inside a name followed by a word holding "service": pyoxigraph ends a local name at its
#: second run of dots (``ex:a.b.SERVICE <…> {…}`` is ``ex:a.b``, ``.``, a SERVICE clause), so
#: what follows such a dot may be code.
_DOTTED_SERVICE = re.compile(r"\.[A-Za-z_]*service", re.IGNORECASE)
_FIRST_DOTS = re.compile(r"[^.]*\.+[^.]*")


def _after_first_dots(kind: str, value: str) -> str:
    """Where pyoxigraph may end the name ``value``: a local name keeps its first run of dots
    (``ex:a.service`` is one name to it), so only what follows its second may be code; in a
    prefix or a blank node label, any dot (no such leeway is known there)."""
    if kind != "pname":
        return value
    prefix, _, local = value.partition(":")
    first = _FIRST_DOTS.match(local)
    return prefix + " " + (local[first.end():] if first else "")


#: Keywords after which a prefixed name names a graph, never a SERVICE endpoint.
_GRAPH_KEYWORDS = frozenset({"GRAPH", "FROM", "NAMED"})


def has_service(text: str) -> bool:
    """Whether pyoxigraph would read a SERVICE clause in ``text`` (``\\u`` escapes expanded).

    A lexer of the grammar's terminals, longest match first, finds the keyword outside strings,
    IRIs, comments, variables (``?service``), blank nodes, language tags and prefixed names
    (``schema:serviceType``, ``ex:a\\'``); whether the text is a valid query at all is left to
    the engine's own parser, which runs next and answers 400 for what it cannot parse. No
    parser here, so no length or nesting it fails on.

    pyoxigraph needs no space after a keyword (``SERVICESILENT<…>{…}`` is a SERVICE SILENT,
    ``SERVICEex:a{…}`` a SERVICE at ``ex:a``), so a bare word is SERVICE when it contains the
    letters at all (no other SPARQL keyword or function name does), and so is a prefixed name
    whose prefix contains them, when a ``{`` follows it (except after GRAPH, FROM or NAMED, where
    it names a graph). That refuses one valid spelling: an object ``service:o`` followed at once
    by a ``{ … }`` group; a ``.`` between them makes it pass. And since pyoxigraph may end a
    name at its second run of dots (see ``_DOTTED_SERVICE``), a name with a later dotted part
    that holds the letters (``ex:v1.api.serviceType``) is refused too.
    tests/security/test_service_detection.py checks this against the engine itself: no text it
    runs as SERVICE gets past, over a grid of spellings.
    """
    tokens = [(match.lastgroup, match.group()) for match in _TOKEN.finditer(text)
              if match.lastgroup not in ("space", "comment")]
    for index, (kind, value) in enumerate(tokens):
        if kind == "word" and "service" in value.lower():
            return True
        if kind in ("pname", "bnode") and _DOTTED_SERVICE.search(_after_first_dots(kind, value)):
            return True
        if kind != "pname" or "service" not in value.partition(":")[0].lower():
            continue
        after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        before_kind, before = tokens[index - 1] if index > 0 else ("", "")
        if after == "{" and not (before_kind == "word" and before.upper() in _GRAPH_KEYWORDS):
            return True
    return False


#: The words an update operation starts with (SPARQL 1.1 Update, section 3); no query form does.
UPDATE_KEYWORDS = ("INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                   "ADD")


def starts_as_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update request by its first operation: after the prologue
    (BASE and PREFIX declarations), its first word begins with an update keyword, or there is
    none (an empty update is valid; an empty query is not).

    For the texts the engine refused as queries, so that an update sent as ``query=`` hears 403
    (read-only), not a syntax error. The same lexer as :func:`has_service`, so it has no length
    limit (rdflib's parser, used before, took a 95-pattern DELETE … WHERE for no update). An
    invalid update counts as an update too: this endpoint refuses every one alike.
    """
    expanded = _ESCAPE.sub(lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), text)
    tokens = (match for match in _TOKEN.finditer(expanded)
              if match.lastgroup not in ("space", "comment"))
    for match in tokens:
        word = match.group().upper() if match.lastgroup == "word" else ""
        if word == "BASE":
            next(tokens, None)
        elif word == "PREFIX":
            next(tokens, None)
            next(tokens, None)
        else:
            return word.startswith(UPDATE_KEYWORDS)
    return True  # a prologue alone (or nothing) is a valid, empty update; no query is empty


SERVICE_REFUSED = ("SERVICE (federated query) is not supported: this endpoint never fetches from "
                   "other servers")


def check_query(text: str, limits: TextLimits) -> None:
    """Every check, in order: shape first (the parser must never see a too-deep query)."""
    digest = digest_of(text) if len(text) <= limits.max_length else None  # else refused unhashed
    check_shape(text, limits, digest)
    if uses_service(text, digest):
        raise QueryRefusedError(400, SERVICE_REFUSED)
