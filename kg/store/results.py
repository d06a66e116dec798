"""What every store answers: a query's result (rows, streamed rows, any serialisation) and the
syntax error with its position. The formats a result can be written in are those of
:mod:`kg.common.formats`.

All stores (:mod:`kg.store.oxigraph`, :mod:`kg.store.rdflib_memory`, :mod:`kg.store.remote`)
answer :meth:`query` with a :class:`QueryResult`; this module is what they share, so none of
them imports another.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Literal as RdflibLiteral

from kg.common import formats
from kg.common.errors import KgError
from kg.records.iris import PREFIXES

#: What :meth:`QueryResult.write` writes: rows as SPARQL TSV, triples as N-Triples (one line
#: each, so the server's query workers can cut an answer between rows).
WORKER_ROWS = formats.by_key("tsv")
WORKER_TRIPLES = formats.by_key("ntriples")


class QuerySyntaxError(KgError):
    """A query the engine cannot parse, with the position it reports."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class QueryResult:
    """What a query returned: ``kind`` is ``bindings``, ``boolean`` or ``graph``.

    Read it once: either :meth:`serialize` it or take its :meth:`rows` (solutions stream from
    the engine and are not kept in memory).
    """

    kind: str
    variables: list[str]
    _serialize: Any
    _rows: Any
    _stream: Any = None
    _write: Any = None

    def stream(self) -> Iterator[tuple[str | None, ...]]:
        """Rows (or triples) one at a time, so a caller can stop at a cap without reading all."""
        return self._stream() if self._stream is not None else iter(self._rows())

    def write(self, output: Any) -> bool:
        """Write the rows into the binary file ``output`` as SPARQL TSV (bindings) or N-Triples
        (graph), in the engine's own code: a few times faster than :meth:`stream` for large
        answers (the server's query workers). False, with nothing written, if it cannot."""
        if self._write is None:
            return False
        self._write(output)
        return True

    def serialize(self, format_key: str) -> bytes:
        """The result in a SPARQL results format (bindings/boolean) or an RDF format (graph)."""
        return self._serialize(format_key)

    def rows(self) -> list[tuple[str | None, ...]]:
        """Solutions as tuples of N-Triples terms (``None`` for unbound), for comparisons."""
        return self._rows()


def oxigraph_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    message = str(error)
    line = column = None
    if message.startswith("error at "):
        position, _, rest = message[len("error at "):].partition(": ")
        if ":" in position:
            line_text, column_text = position.split(":", 1)
            if line_text.isdigit() and column_text.isdigit():
                line, column = int(line_text), int(column_text)
                message = rest
    return QuerySyntaxError(message, line, column)


def oxigraph_result(result: Any) -> QueryResult:
    """Wrap a pyoxigraph answer; solutions are streamed, so a result is read once."""
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        return QueryResult("boolean", [],
                           lambda key: result.serialize(format=formats.by_key(key).results_format),
                           lambda: [(str(value).lower(),)])
    if isinstance(result, ox.QuerySolutions):
        variables = [variable.value for variable in result.variables]
        return QueryResult(
            "bindings", variables,
            lambda key: result.serialize(format=formats.by_key(key).results_format),
            lambda: [tuple(_nt(solution[name]) for name in variables) for solution in result],
            lambda: (tuple(_nt(solution[name]) for name in variables) for solution in result),
            lambda output: result.serialize(output, format=WORKER_ROWS.results_format))

    @functools.cache
    def triples() -> list:  # read from the engine on first use only (stream() may come first)
        return list(result)

    return QueryResult("graph", [], lambda key: serialize_triples(triples(), key),
                       lambda: sorted((_nt(t.subject), _nt(t.predicate), _nt(t.object)) for t in triples()),
                       lambda: ((_nt(t.subject), _nt(t.predicate), _nt(t.object)) for t in result),
                       lambda output: result.serialize(output, format=WORKER_TRIPLES.rdf_format))


def in_bytes(serialized: bytes | None) -> bytes:
    """What a pyoxigraph ``serialize`` given no output returns: the bytes.

    The same functions write to a file when given one and then return None, hence their
    ``bytes | None``; this says which case a call is, and fails loudly if it is not.
    """
    if serialized is None:
        raise TypeError("pyoxigraph wrote to an output instead of returning the bytes")
    return serialized


def serialize_triples(triples: list, key: str) -> bytes:
    """pyoxigraph triples in the RDF syntax ``key``: a dataset syntax gets them as its default
    graph; Turtle gets the project's prefixes."""
    fmt = formats.by_key(key)
    if fmt.keeps_graphs:
        return in_bytes(ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                                     format=fmt.rdf_format))
    if fmt.key == "turtle":
        return in_bytes(ox.serialize(triples, format=fmt.rdf_format, prefixes=PREFIXES))
    return in_bytes(ox.serialize(triples, format=fmt.rdf_format))


def to_oxigraph(term: Any) -> Any:
    """An rdflib term (a bound parameter) as the pyoxigraph term it denotes."""
    if isinstance(term, RdflibLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def _nt(term: Any) -> str | None:
    return None if term is None else str(term)
