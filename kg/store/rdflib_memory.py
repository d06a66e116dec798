"""rdflib's in-memory Dataset behind the stores' interface (``--store memory``).

Slower than :class:`kg.store.oxigraph.OxigraphStore`, but the reference the tests compare
against: every saved query gives the same rows on both, so its rows are written as the
N-Triples terms pyoxigraph writes. It lives apart from :mod:`kg.store.oxigraph` because only
``--store memory`` and the comparisons need rdflib's SPARQL engine;
:func:`kg.store.opening.open_store` imports it when asked for it. The release as a plain
rdflib Dataset (:func:`open_dataset`) is here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph
from rdflib import Literal as RdflibLiteral
from rdflib import URIRef as RdflibURIRef
from rdflib.query import ResultRow

from kg.common import formats
from kg.common.errors import KgError
from kg.store.results import QueryResult, QuerySyntaxError

# rdflib would fetch the IRI of a FROM / FROM NAMED clause from the web; here those clauses
# select stored graphs only, like the protocol's default-graph-uri and named-graph-uri.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


class RdflibStore:
    """rdflib's in-memory Dataset: the reference implementation for comparisons."""

    def __init__(self, dataset: Dataset, description: str) -> None:
        self.dataset = dataset
        self.description = description
        self.origin: tuple[str, tuple[str, ...]] | None = None  # as OxigraphStore.origin

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> RdflibStore:
        dataset = Dataset(default_union=True)
        files = list(files)
        for path in files:
            try:
                fmt = formats.for_extension(path)
                if fmt is not None and fmt.keeps_graphs:
                    dataset.parse(path, format=fmt.rdflib_name)
                else:  # rdflib guesses what the table does not know
                    dataset.graph(RdflibURIRef(path.resolve().as_uri())).parse(
                        path, format=fmt.rdflib_name if fmt else None)
            except Exception as error:  # rdflib's parsers raise many kinds of error on bad input
                raise KgError(f"{path}: cannot load: {error}") from None
        opened = cls(dataset, "rdflib in-memory Dataset")
        opened.origin = ("memory-files", tuple(str(Path(path).resolve()) for path in files))
        return opened

    def graph_names(self) -> list[str]:
        return sorted(str(graph.identifier) for graph in self.dataset.graphs()
                      if isinstance(graph.identifier, RdflibURIRef) and len(graph)
                      and str(graph.identifier) != "urn:x-rdflib:default")

    def _view(self, default_graph_uris: Sequence[str], named_graph_uris: Sequence[str]) -> Dataset:
        if not default_graph_uris and not named_graph_uris:
            return self.dataset
        view = Dataset(default_union=False)
        for uri in default_graph_uris:
            for triple in self.dataset.graph(RdflibURIRef(uri)):
                view.default_graph.add(triple)
        for uri in named_graph_uris:
            target = view.graph(RdflibURIRef(uri))
            for triple in self.dataset.graph(RdflibURIRef(uri)):
                target.add(triple)
        return view

    def query(self, text: str, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), bindings: dict[str, Any] | None = None,
              base_iri: str | None = None) -> QueryResult:
        try:
            result = self._view(default_graph_uris, named_graph_uris).query(
                text, initBindings=bindings or {}, base=base_iri)
        except ParseException as error:
            raise QuerySyntaxError(error.msg, error.lineno, error.col) from None
        if result.type == "ASK":
            value = bool(result.askAnswer)
            return QueryResult("boolean", [],
                               lambda key: result.serialize(format=formats.by_key(key).rdflib_name),
                               lambda: [(str(value).lower(),)])
        if result.type == "SELECT":
            variables = [str(variable) for variable in result.vars or []]
            rows = [row for row in result if isinstance(row, ResultRow)]
            return QueryResult(
                "bindings", variables,
                lambda key: result.serialize(format=formats.by_key(key).rdflib_name),
                lambda: [tuple(None if value is None else _rdflib_nt(value) for value in row)
                         for row in rows])
        graph = result.graph if result.graph is not None else Graph()
        return QueryResult("graph", [], lambda key: _serialize_rdflib_graph(graph, key),
                           lambda: sorted(tuple(_rdflib_nt(term) for term in triple) for triple in graph))


def _rdflib_nt(term: Any) -> str:
    """An rdflib term in the N-Triples form pyoxigraph writes, so rows compare across stores."""
    if isinstance(term, RdflibLiteral):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    if isinstance(term, BNode):
        return str(ox.BlankNode(str(term)))
    return str(ox.NamedNode(str(term)))


def _serialize_rdflib_graph(graph: Graph, key: str) -> bytes:
    fmt = formats.by_key(key)
    if fmt.keeps_graphs:  # rdflib writes N-Quads (and TriG, JSON-LD alike) of a Dataset only
        dataset = Dataset()
        for triple in graph:
            dataset.default_graph.add(triple)
        return dataset.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def open_dataset(build_dir: Path) -> Dataset:
    """The release in ``build_dir`` as an rdflib Dataset whose default graph is the union."""
    path = build_dir / "kg.nq"
    if not path.is_file():
        raise KgError(f"{path}: no build found; run `kg build` first")
    dataset = Dataset(default_union=True)
    dataset.parse(path, format=formats.by_key("nquads").rdflib_name)
    return dataset
