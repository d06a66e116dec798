"""The ontology (bgi.ttl) and the SKOS code lists (vocabularies.ttl) as named graphs of the release.

Blank-node labels are made canonical, so the release is byte-identical across runs; the
mapping, the build and the validation's data graph all take them from here.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from kg.common import paths
from kg.common.errors import KgError
from kg.records import iris


def load_vocabulary_graphs(ontology_dir: Path | None = None) -> dict[URIRef, Graph]:
    """The ontology (bgi.ttl) and the SKOS code lists (vocabularies.ttl) as their own graphs."""
    directory = ontology_dir or paths.ontology_dir()
    graphs = {}
    for name, identifier in (("bgi.ttl", iris.ONTOLOGY_GRAPH),
                             ("vocabularies.ttl", iris.VOCABULARIES_GRAPH)):
        parsed = Graph()
        try:
            parsed.parse(data=iris.rebased((directory / name).read_text(encoding="utf-8")), format="turtle",
                         publicID=(directory / name).resolve().as_uri())  # written with the default base
        except Exception as error:  # rdflib's parser raises many kinds of error on bad input
            raise KgError(f"{directory / name}: cannot read the ontology: {error}") from None
        graph = Graph(identifier=identifier)
        for triple in to_canonical_graph(parsed):  # blank-node labels stable across runs
            graph.add(triple)
        graphs[identifier] = graph
    return graphs
