"""The five seed documents, and the numbers of the graph that are theirs alone.

A test that pins a count pins it for the seed documents, read from their named graphs
(``https://w3id.org/bg-inclusion/graph/<source-id>``), or derives it from the records; never
for the whole graph. Adding a document to data/ then changes no number a test checks unless the
test is about that document (tests/test_new_data.py adds one and checks that these stay).
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Dataset, Graph, URIRef

from kg.records import iris

#: The source ids of the five seed documents (data/sources.yaml, texts in ../shared/seeds).
SEED_SOURCES = (
    "alos-equal-opportunities",
    "kyustendil-equal-opportunities",
    "kyustendil-independent-living",
    "kyustendil-roma-action-plan-2022-2024",
    "vidin-integrated-approach",
)

#: Triples in each seed document's named graph, as the build reports them.
SEED_GRAPH_TRIPLES = {
    "alos-equal-opportunities": 289,
    "kyustendil-equal-opportunities": 1073,
    "kyustendil-independent-living": 520,
    "kyustendil-roma-action-plan-2022-2024": 4428,
    "vidin-integrated-approach": 733,
}

#: What OWL-RL entails from each seed document's graph alone with the ontology and code lists:
#: a number of that document, whatever else data/ holds (the bundled graph's inferred graph is
#: larger than each and depends on every document).
SEED_INFERRED_TRIPLES = {
    "alos-equal-opportunities": 135,
    "kyustendil-equal-opportunities": 433,
    "kyustendil-independent-living": 169,
    "kyustendil-roma-action-plan-2022-2024": 2352,
    "vidin-integrated-approach": 362,
}


def seed_graphs() -> list[URIRef]:
    """The named graphs of the seed documents."""
    return [iris.graph(source_id) for source_id in SEED_SOURCES]


def seed_graphs_values(variable: str = "g") -> str:
    """A SPARQL ``VALUES`` clause binding ``?variable`` to each seed document's graph."""
    return f"VALUES ?{variable} {{ {' '.join(f'<{graph}>' for graph in seed_graphs())} }}"


def stated_in_seed_documents(graphs: Dataset | Mapping[URIRef, Graph]) -> set[URIRef]:
    """Every resource a seed document states something about (a subject of its graph).

    ``graphs`` is the built dataset or the build's graphs by name, as the reference build returns them.
    """
    graph_named = graphs.graph if isinstance(graphs, Dataset) else graphs.__getitem__
    return {subject for name in seed_graphs() for subject in graph_named(name).subjects()}
