"""The SPARQL 1.1 Service Description (bare GET on /sparql) and VoID (/.well-known/void).

Both are RDF graphs built from what the store holds, negotiated to Turtle, JSON-LD, RDF/XML or
N-Triples. The description states that the default graph is the union of all named graphs.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.common import formats
from kg.export.void import VOID, VoidStatistics, compute_statistics, void_graph
from server.http.errors import not_acceptable
from server.http.formats import DESCRIPTION_OFFERS, DUMPS, GRAPH_MEDIA
from server.http.negotiation import choose

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: sd:resultFormat: every format /sparql answers in (results, then RDF syntaxes).
RESULT_FORMAT_IRIS = [fmt.w3c_iri for kind in (formats.RESULTS, formats.GRAPH)
                      for fmt in formats.served(kind) if fmt.w3c_iri]


@lru_cache(maxsize=8)
def _statistics(store_id: int) -> VoidStatistics:  # keyed by the store object's id: one per app
    return compute_statistics(current_app.config["KG_STORE"])


def statistics() -> VoidStatistics:
    return _statistics(id(current_app.config["KG_STORE"]))


def _base() -> str:
    """The configured public base (create_app), never the client's Host header: these graphs
    are published metadata that caches and crawlers keep (docs/security.md)."""
    return current_app.config["KG_PUBLIC_URL"]


def service_description() -> Graph:
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    base = _base()
    service = URIRef(base + "sparql#service")
    stats = statistics()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(base + "sparql")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, URIRef(iri)))
    graph.add((service, DCTERMS.description, Literal(
        "Read-only SPARQL 1.1 endpoint of the BG Inclusion knowledge graph. The default graph "
        "is the union (RDF merge) of all named graphs: the five source documents, the curation "
        "graph, the ontology, the code lists and the OWL-RL inferred graph. SPARQL Update is "
        "refused (403). default-graph-uri and named-graph-uri (and FROM, FROM NAMED) select "
        "stored graphs only; nothing is ever fetched, and SERVICE is refused (400).", lang="en")))
    graph.add((service, DCTERMS.description, Literal(
        "SPARQL 1.1 крайна точка само за четене. Графът по подразбиране е обединението на "
        "всички именувани графи.", lang="bg")))
    dataset = URIRef(base + "sparql#dataset")
    default = URIRef(base + "sparql#default-graph")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, DCTERMS.description, Literal(
        "The union of all named graphs of this dataset.", lang="en")))
    graph.add((default, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    for name, count in stats.graphs:
        named = BNode()
        description = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, description))
        graph.add((description, RDF.type, SD.Graph))
        graph.add((description, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph


def void_description() -> Graph:
    """VoID of what this server's store holds (shared with ``kg export``: :mod:`kg.export.void`)."""
    base = _base()
    return void_graph(statistics(), sparql_endpoint=base + "sparql",
                      dumps=[base + "dumps/" + dump for dump in DUMPS])


def rdf_response(graph: Graph) -> Response:
    """Serialise a graph in the negotiated RDF format (406 with the offers if none fits)."""
    chosen = choose(request.headers.get("Accept"), DESCRIPTION_OFFERS)
    if chosen is None:
        return not_acceptable(DESCRIPTION_OFFERS)
    body = graph.serialize(format=formats.by_key(GRAPH_MEDIA[chosen]).rdflib_name, encoding="utf-8")
    response = Response(body, status=200)
    response.headers["Content-Type"] = formats.content_type(chosen)
    response.headers["Vary"] = "Accept"
    return response


def service_description_response() -> Response:
    return rdf_response(service_description())


def void_response() -> Response:
    return rdf_response(void_description())
