"""VoID statistics of a dataset and their VoID description: one place for the server and the export.

The server describes what its store holds at ``/.well-known/void``; ``kg export`` describes the
files it writes in ``void.ttl``. Both count the same way (SPARQL over a store whose default
graph is the union of the named graphs, so a triple two documents state counts once) and
write the same vocabulary, so the two descriptions of one release agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.records import iris
from kg.store.results import QueryResult

VOID = Namespace("http://rdfs.org/ns/void#")
#: The dataset the release is: the same IRI in VoID, DCAT-AP and the server's description.
DATASET = URIRef(str(iris.ID) + "dataset/bg-inclusion-kg")
TITLES = {"en": "BG Inclusion knowledge graph",
          "bg": "Граф на знанието за социалното включване в българските общини"}


class SparqlStore(Protocol):
    """What the statistics need of a store (OxigraphStore and RdflibStore both have it)."""

    def query(self, text: str) -> QueryResult: ...

    def graph_names(self) -> list[str]: ...


@dataclass(frozen=True)
class VoidStatistics:
    """Counts over the union of the graphs (distinct triples), per class, property and graph."""

    triples: int
    entities: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    graphs: tuple[tuple[str, int], ...]


def _count(value: str | None) -> int:
    match = re.match(r'^"(\d+)"', value or "")
    return int(match.group(1)) if match else 0


def _iri(value: str | None) -> str | None:
    return value[1:-1] if value and value.startswith("<") else None


def compute_statistics(store: SparqlStore) -> VoidStatistics:
    """Count triples, entities (distinct IRI subjects), class and property partitions, graphs."""

    def rows(text: str) -> list:
        return store.query(text).rows()

    triples = _count(rows("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0])
    entities = _count(rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER isIRI(?s) }")[0][0])
    classes = tuple((iri, _count(row[1])) for row in rows(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
        if (iri := _iri(row[0])) is not None)
    properties = tuple((iri, _count(row[1])) for row in rows(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
        if (iri := _iri(row[0])) is not None)
    graphs = tuple((name, _count(rows(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")[0][0]))
        for name in sorted(store.graph_names()))
    return VoidStatistics(triples, entities, classes, properties, graphs)


def _partition_key(term: str) -> str:
    """A stable IRI segment for a partition: the term's CURIE (``bgi:Project`` -> ``bgi-Project``).

    Keyed by the term, not by its position in a list, so a partition keeps its IRI when
    another class appears in a later release.
    """
    for prefix, namespace in iris.PREFIXES.items():
        if term.startswith(namespace) and len(term) > len(namespace):
            return quote(f"{prefix}-{term[len(namespace):]}", safe="-._~")
    return quote(term, safe="")


def void_graph(stats: VoidStatistics, *, sparql_endpoint: str | None = None,
               dumps: Sequence[str] = (), dataset: URIRef = DATASET) -> Graph:
    """The VoID description of ``dataset`` with ``stats``, its endpoint and its data dumps."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    for prefix, namespace in iris.PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.add((dataset, RDF.type, VOID.Dataset))
    for language, title in TITLES.items():
        graph.add((dataset, DCTERMS.title, Literal(title, lang=language)))
    if sparql_endpoint:
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(str(iris.ID))))
    graph.add((dataset, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(stats.entities, datatype=XSD.integer)))
    graph.add((dataset, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    graph.add((dataset, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
    graph.add((dataset, VOID.vocabulary, URIRef(str(iris.ONTOLOGY))))
    for dump in dumps:
        graph.add((dataset, VOID.dataDump, URIRef(dump)))
    for cls, count in stats.classes:
        partition = URIRef(f"{dataset}/class-partition/{_partition_key(cls)}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for prop, count in stats.properties:
        partition = URIRef(f"{dataset}/property-partition/{_partition_key(prop)}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(prop)))
        graph.add((partition, VOID.triples, Literal(count, datatype=XSD.integer)))
    for name, count in stats.graphs:
        subset = URIRef(f"{dataset}/graph/{_partition_key(name)}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.identifier, Literal(name)))
        graph.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph
