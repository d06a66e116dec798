"""pyoxigraph, the default store: on disk (``build/store``, loaded from ``build/kg.nq`` by
``kg build`` with :mod:`kg.release.store_load`, opened read-only by the server), or in memory
for RDF files a user names. Fast, and its results serialise natively.

The default graph is the union of all named graphs unless the request names its own
default/named graphs (never fetched: only stored graphs can be selected).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.common import formats
from kg.common.errors import KgError
from kg.store.lateral import lateral_optionals
from kg.store.results import QueryResult, oxigraph_result, oxigraph_syntax_error, to_oxigraph


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
            fmt = formats.for_extension(path)
            if fmt is None or fmt.oxigraph_name is None:
                raise KgError(f"{path}: unknown RDF file type {path.suffix!r}; use one of "
                              f"{', '.join(formats.rdf_extensions(pyoxigraph_only=True))}")
            try:
                store.bulk_load(path=str(path), format=fmt.rdf_format,
                                to_graph=None if fmt.keeps_graphs else ox.NamedNode(path.resolve().as_uri()))
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
        # Each OPTIONAL that provably may is evaluated row by row (decision 0026); if the engine
        # refuses that text, the text as sent runs, so an error is about what the client wrote.
        lateral = lateral_optionals(text)
        try:
            result = self.store.query(lateral, **options)
        except SyntaxError as error:
            if lateral == text:
                raise oxigraph_syntax_error(error) from None
            try:
                result = self.store.query(text, **options)
            except SyntaxError as original_error:
                raise oxigraph_syntax_error(original_error) from None
        return oxigraph_result(result)


def materialise_union(store: ox.Store) -> None:
    """Put every triple of every named graph into the store's default graph, once.

    The SPARQL default graph is then the RDF merge (a set) of all graphs, as the service
    description states, and a triple two documents state is one solution, not two.
    """
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
