"""The SPARQL 1.1 Service Description (bare GET on /sparql) and VoID (/.well-known/void).

Both are RDF graphs built from what the store holds, negotiated to Turtle, JSON-LD, RDF/XML or
N-Triples. The description states that the default graph is the union of all named graphs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask import Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg import iris
from kg.store import GRAPH_FORMATS
from server.negotiation import choose

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DESCRIPTION_OFFERS = ["text/turtle", "application/ld+json", "application/rdf+xml",
                      "application/n-triples"]
RESULT_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML", "TriG",
                      "N-Quads"]


def _count(value: str | None) -> int:
    match = re.match(r'^"(\d+)"', value or "")
    return int(match.group(1)) if match else 0


def _iri(value: str | None) -> URIRef | None:
    return URIRef(value[1:-1]) if value and value.startswith("<") else None


@lru_cache(maxsize=8)
def _statistics(store_id: int) -> dict:  # keyed by the store object's id: one per app
    store = current_app.config["KG_STORE"]
    triples = _count(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows()[0][0])
    entities = _count(store.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER isIRI(?s) }").rows()[0][0])
    classes = [(_iri(row[0]), _count(row[1])) for row in store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c").rows()]
    properties = [(_iri(row[0]), _count(row[1])) for row in store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p").rows()]
    graphs = [(name, _count(store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}").rows()[0][0]))
        for name in store.graph_names()]
    return {"triples": triples, "entities": entities, "classes": classes,
            "properties": properties, "graphs": graphs}


def statistics() -> dict:
    return _statistics(id(current_app.config["KG_STORE"]))


def _base() -> str:
    return request.host_url


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
    for name in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
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
    graph.add((default, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    for name, count in stats["graphs"]:
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
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    base = _base()
    stats = statistics()
    dataset = URIRef(str(iris.ID) + "dataset/bg-inclusion-kg")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("BG Inclusion knowledge graph", lang="en")))
    graph.add((dataset, DCTERMS.title, Literal(
        "Граф на знанието за социалното включване в българските общини", lang="bg")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    graph.add((dataset, VOID.uriSpace, Literal(str(iris.ID))))
    graph.add((dataset, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(stats["entities"], datatype=XSD.integer)))
    graph.add((dataset, VOID.classes, Literal(len(stats["classes"]), datatype=XSD.integer)))
    graph.add((dataset, VOID.properties, Literal(len(stats["properties"]), datatype=XSD.integer)))
    for dump in ("kg.nq", "kg.trig"):
        graph.add((dataset, VOID.dataDump, URIRef(base + "dumps/" + dump)))
    for position, (cls, count) in enumerate(stats["classes"], start=1):
        if cls is None:
            continue
        partition = URIRef(f"{dataset}/class-partition/{position}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for position, (prop, count) in enumerate(stats["properties"], start=1):
        if prop is None:
            continue
        partition = URIRef(f"{dataset}/property-partition/{position}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, prop))
        graph.add((partition, VOID.triples, Literal(count, datatype=XSD.integer)))
    return graph


def rdf_response(graph: Graph) -> Response:
    """Serialise a graph in the negotiated RDF format (406 with the offers if none fits)."""
    from server.sparql import error_response

    chosen = choose(request.headers.get("Accept"), DESCRIPTION_OFFERS)
    if chosen is None:
        return error_response(406, "none of the offered media types is acceptable: "
                              + ", ".join(DESCRIPTION_OFFERS))
    key = {media: key for key, (media, _, _) in GRAPH_FORMATS.items()}[chosen]
    body = graph.serialize(format=GRAPH_FORMATS[key][2], encoding="utf-8")
    response = Response(body, status=200)
    response.headers["Content-Type"] = chosen + "; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response


def service_description_response() -> Response:
    return rdf_response(service_description())


def void_response() -> Response:
    return rdf_response(void_description())
