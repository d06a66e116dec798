"""The data graph SHACL validates: the input's graphs in one, plus what the shapes need besides.

The data graph is the union of every graph of the input, plus

* the bundled ontology and code lists when the input does not carry them (sh:class needs the
  class hierarchy, and the kind concepts say which class a kind gives), and
* a small derived index, never published: ``?s bgis:describedInGraph ?g`` for every IRI that
  is the subject of a triple in the named graph ``?g`` (the ontology and code-list graphs
  left out, and the derived aggregates of decision 0023), so that the rule "stated in at
  least one source graph" is plain SHACL on one graph (see shapes/provenance.ttl). Input
  without named graphs has no index; the rule is then skipped and the report says so.

:func:`data_graph` builds it in rdflib for pyshacl; the SPARQL engine builds the same graph in
a store (:func:`kg.validate.data_store.prepare_data_graph`) from the names defined here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg.common.rdf_input import DEFAULT_GRAPH
from kg.mapping.vocabularies import load_vocabulary_graphs
from kg.records import iris
from kg.validate.pyshacl_engine import QueryCachingGraph

DESCRIBED_IN_GRAPH = iris.SHAPES.describedInGraph
#: Where the default graph's subjects are said to be described (no source graph).
DEFAULT_GRAPH_MARKER = iris.SHAPES.defaultGraph
PROVENANCE_INDEX_SHAPES = ("StatedInSourceGraph", "Record-inItsSourceGraph")


def is_vocabulary_graph(graph: Graph) -> bool:
    """The ontology or the code lists: a graph declaring an ontology or a scheme, no source."""
    if (graph.identifier, RDF.type, iris.BGI.SourceGraph) in graph:
        return False
    return (None, RDF.type, OWL.Ontology) in graph or (None, RDF.type, SKOS.ConceptScheme) in graph


def data_graph(graphs: Mapping[URIRef, Graph], add_vocabularies: bool = True
               ) -> tuple[QueryCachingGraph, list[str]]:
    """The union of ``graphs`` plus the derived provenance index (and the ontology if missing)."""
    union = QueryCachingGraph()
    for prefix, namespace in iris.PREFIXES.items():
        union.bind(prefix, namespace)
    union.bind("bgis", str(iris.SHAPES))
    notes: list[str] = []
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    if add_vocabularies and (iris.ONTOLOGY, RDF.type, OWL.Ontology) not in union:
        for triple in bundled_vocabulary_triples():
            union.add(triple)
        notes.append("the input has no ontology: the bundled ontology and code lists were added")
    indexed = [graph for name, graph in graphs.items()
               if name not in (DEFAULT_GRAPH, iris.AGGREGATES_GRAPH) and not is_vocabulary_graph(graph)]
    if not indexed:
        notes.append("the input has no named graphs: whether every resource is stated in a source "
                     "graph (" + ", ".join(f"bgis:{name}" for name in PROVENANCE_INDEX_SHAPES)
                     + ") was not checked")
        return union, notes
    for graph in indexed:
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef):
                union.add((subject, DESCRIBED_IN_GRAPH, graph.identifier))
    default = graphs.get(DEFAULT_GRAPH)
    if default is not None and not is_vocabulary_graph(default):
        for subject in set(default.subjects()):
            if isinstance(subject, URIRef):
                union.add((subject, DESCRIBED_IN_GRAPH, DEFAULT_GRAPH_MARKER))
    return union, notes


@functools.lru_cache(maxsize=1)
def bundled_vocabulary_triples() -> tuple:
    """Every triple of the bundled ontology and code lists, read once per process."""
    return tuple(triple for graph in load_vocabulary_graphs().values() for triple in graph)
