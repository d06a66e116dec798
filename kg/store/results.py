"""What every store answers: a query's result (rows, streamed rows, any serialisation), the
syntax error with its position, and the formats a result can be written in.

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

from kg.common.errors import KgError
from kg.records.iris import PREFIXES

RESULT_FORMATS = {  # key -> (media type, pyoxigraph format, rdflib format)
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON, "json"),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML, "xml"),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV, "csv"),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV, "tsv"),
}
GRAPH_FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE, "turtle"),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD, "json-ld"),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES, "nt"),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML, "xml"),
    "trig": ("application/trig", ox.RdfFormat.TRIG, "trig"),
    "nquads": ("application/n-quads", ox.RdfFormat.N_QUADS, "nquads"),
}
FILE_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG, ".ttl": ox.RdfFormat.TURTLE,
                ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
                ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
                ".jsonld": ox.RdfFormat.JSON_LD, ".n3": ox.RdfFormat.N3}


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
        return QueryResult("boolean", [], lambda key: result.serialize(format=RESULT_FORMATS[key][1]),
                           lambda: [(str(value).lower(),)])
    if isinstance(result, ox.QuerySolutions):
        variables = [variable.value for variable in result.variables]
        return QueryResult(
            "bindings", variables,
            lambda key: result.serialize(format=RESULT_FORMATS[key][1]),
            lambda: [tuple(_nt(solution[name]) for name in variables) for solution in result],
            lambda: (tuple(_nt(solution[name]) for name in variables) for solution in result),
            lambda output: result.serialize(output, format=ox.QueryResultsFormat.TSV))

    @functools.cache
    def triples() -> list:  # read from the engine on first use only (stream() may come first)
        return list(result)

    return QueryResult("graph", [], lambda key: _serialize_triples(triples(), key),
                       lambda: sorted((_nt(t.subject), _nt(t.predicate), _nt(t.object)) for t in triples()),
                       lambda: ((_nt(t.subject), _nt(t.predicate), _nt(t.object)) for t in result),
                       lambda output: result.serialize(output, format=ox.RdfFormat.N_TRIPLES))


def in_bytes(serialized: bytes | None) -> bytes:
    """What a pyoxigraph ``serialize`` given no output returns: the bytes.

    The same functions write to a file when given one and then return None, hence their
    ``bytes | None``; this says which case a call is, and fails loudly if it is not.
    """
    if serialized is None:
        raise TypeError("pyoxigraph wrote to an output instead of returning the bytes")
    return serialized


def _serialize_triples(triples: list, key: str) -> bytes:
    rdf_format = GRAPH_FORMATS[key][1]
    if rdf_format.supports_datasets:
        return in_bytes(ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                                     format=rdf_format))
    if rdf_format in (ox.RdfFormat.TURTLE,):
        return in_bytes(ox.serialize(triples, format=rdf_format, prefixes=PREFIXES))
    return in_bytes(ox.serialize(triples, format=rdf_format))


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
