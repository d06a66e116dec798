"""The stores the graph is queried in, behind one small interface, and the default one.

* :class:`OxigraphStore` — the default: pyoxigraph on disk (``build/store``, loaded from
  ``build/kg.nq`` by ``kg build``/``kg load`` with :mod:`kg.release.store_load`, opened read-only by the
  server), or in memory for RDF files a user names. Fast, and its results serialise natively.
* :class:`kg.store.rdflib_memory.RdflibStore` — rdflib's in-memory Dataset (``--store memory``):
  slower, but the reference the tests compare against (every saved query gives the same rows
  on both).
* :class:`kg.store.remote.RemoteStore` — an external SPARQL endpoint (``--store URL``).

All answer :meth:`query` with a :class:`QueryResult` whose :meth:`~QueryResult.serialize`
writes any SPARQL results format or RDF format. The default graph is the union of all named
graphs unless the request names its own default/named graphs (never fetched: only stored
graphs can be selected). :func:`open_store` picks the store a command asked for, importing the
other engines only when they are asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.common.errors import KgError
from kg.records.iris import PREFIXES

if TYPE_CHECKING:
    from kg.store.rdflib_memory import RdflibStore

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


class OxigraphStore:
    """pyoxigraph: read-only on disk for the built graph, or in memory for given files."""

    def __init__(self, store: ox.Store, description: str) -> None:
        self.store = store
        self.description = description
        #: How another process opens the same data (the server's query workers): a kind and paths.
        self.origin: tuple[str, tuple[str, ...]] | None = None

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        if not (path / "CURRENT").is_file():
            raise KgError(f"{path}: no store found; run `kg build` (or `kg load`) first")
        try:
            store = ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:  # RocksDB's own words: "Corruption: …"
            raise KgError(f"{path}: cannot open the store: {error}; rebuild it with `kg build`") from None
        opened = cls(store, f"pyoxigraph store {path} (read-only)")
        opened.origin = ("oxigraph-dir", (str(path.resolve()),))
        return opened

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> OxigraphStore:
        store = ox.Store()
        for path in files:
            rdf_format = FILE_FORMATS.get(path.suffix.lower())
            if rdf_format is None:
                raise KgError(f"{path}: unknown RDF file type {path.suffix!r}; use one of "
                              f"{', '.join(sorted(FILE_FORMATS))}")
            try:
                store.bulk_load(path=str(path), format=rdf_format,
                                to_graph=None if rdf_format.supports_datasets
                                else ox.NamedNode(path.resolve().as_uri()))
            except (SyntaxError, ValueError, OSError) as error:
                raise KgError(f"{path}: cannot load: {error}") from None
        materialise_union(store)
        opened = cls(store, f"in-memory pyoxigraph store of {len(files)} file(s)")
        opened.origin = ("oxigraph-files", tuple(str(path.resolve()) for path in files))
        return opened

    def graph_names(self) -> list[str]:
        return sorted(node.value for node in self.store.named_graphs())

    def query(self, text: str, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), bindings: dict[str, Any] | None = None,
              base_iri: str | None = None) -> QueryResult:
        # The store's own default graph holds the union of the named graphs as a set (see
        # materialise_union); pyoxigraph's union option would repeat triples stated twice.
        # base_iri resolves relative IRIs (`<s>`) in a query that has no BASE of its own.
        options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
        if bindings:
            options["substitutions"] = {ox.Variable(name): to_oxigraph(term)
                                        for name, term in bindings.items()}
        if default_graph_uris or named_graph_uris:
            # The protocol: the request's graphs are the whole dataset; those it does not
            # give are empty (no named graphs for default-graph-uri alone, and vice versa).
            options["default_graph"] = [ox.NamedNode(uri) for uri in default_graph_uris]
            options["named_graphs"] = [ox.NamedNode(uri) for uri in named_graph_uris]
        try:
            result = self.store.query(text, **options)
        except SyntaxError as error:
            raise _oxigraph_syntax_error(error) from None
        return oxigraph_result(result)


def _oxigraph_syntax_error(error: SyntaxError) -> QuerySyntaxError:
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


def _serialize_triples(triples: list, key: str) -> bytes:
    rdf_format = GRAPH_FORMATS[key][1]
    if rdf_format.supports_datasets:
        return ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                            format=rdf_format)
    if rdf_format in (ox.RdfFormat.TURTLE,):
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(triples, format=rdf_format)


def to_oxigraph(term: Any) -> Any:
    """An rdflib term (a bound parameter) as the pyoxigraph term it denotes."""
    from rdflib import Literal as RdflibLiteral

    if isinstance(term, RdflibLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.NamedNode(str(term))


def _nt(term: Any) -> str | None:
    return None if term is None else str(term)


def materialise_union(store: ox.Store) -> None:
    """Put every triple of every named graph into the store's default graph, once.

    The SPARQL default graph is then the RDF merge (a set) of all graphs, as the service
    description states, and a triple two documents state is one solution, not two.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def open_store(kind: str = "oxigraph", build_dir: Path | None = None,
               files: Sequence[Path] = ()) -> OxigraphStore | RdflibStore:
    """The store ``kg serve`` and ``kg query`` use: given files, the build in ``build_dir``, or
    a remote SPARQL endpoint when ``kind`` is its URL (kg.store.remote)."""
    if kind.startswith(("http://", "https://")):
        from kg.store.remote import RemoteStore

        if files:
            raise KgError("a remote --store serves what the endpoint holds; name no files")
        return RemoteStore(kind)  # type: ignore[return-value]
    if kind not in ("oxigraph", "memory"):
        raise KgError(f"unknown store {kind!r}; use 'oxigraph', 'memory' or the URL of a SPARQL endpoint")
    build = build_dir or Path("build")
    if files:
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise KgError(f"no such file: {', '.join(missing)}")
        if kind == "oxigraph":
            return OxigraphStore.from_files(files)
    elif kind == "oxigraph":
        return OxigraphStore.open_read_only(build / "store")
    from kg.store.rdflib_memory import RdflibStore  # rdflib's SPARQL engine is loaded only for "memory"

    if files:
        return RdflibStore.from_files(files)
    nquads = build / "kg.nq"
    if not nquads.is_file():
        raise KgError(f"{nquads}: no build found; run `kg build` first")
    return RdflibStore.from_files([nquads])
