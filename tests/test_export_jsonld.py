"""JSON-LD for web developers: a published context, compacted and framed output, no remote fetches."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from pyld import jsonld
from pyld.jsonld import JsonLdError
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.export.jsonld_context import context_url, local_document_loader
from kg.export.pipeline import ExportOptions, export_release, graphs_from_build
from kg.export.settings import publication
from kg.records import iris
from kg.store.oxigraph import OxigraphStore
from server import create_app

PROJECT = "BG05M9OP001-2.018-0031"


@pytest.fixture(scope="module")
def exported(built: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonld") / "dist"
    export_release(graphs_from_build(built), out, ExportOptions(publication(), formats=("jsonld",)))
    return out


@pytest.fixture(scope="module")
def context(exported: Path) -> dict:
    return json.loads((exported / "context.jsonld").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def asserted_union(built: Path) -> Graph:
    union = Graph()
    for name, graph in graphs_from_build(built).items():
        if name != iris.INFERRED_GRAPH:
            for triple in graph:
                union.add(triple)
    return union


def loader_for(context: dict):
    return local_document_loader({context_url(): context})


def test_every_ontology_term_the_data_uses_has_a_short_key(context, dataset):
    terms = context["@context"]
    used = {str(term) for quad in dataset.quads() for term in (quad[1], quad[2] if quad[1] == iris.curie(
        "rdf:type") else None) if term is not None and str(term).startswith(str(iris.BGI))}
    assert used
    for term in used:
        local = term.removeprefix(str(iris.BGI))
        definition = terms[local]
        assert (definition if isinstance(definition, str) else definition["@id"]) == f"bgi:{local}", term


def test_labels_are_language_maps_and_numbers_and_dates_are_typed(context):
    terms = context["@context"]
    assert terms["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert terms["value"]["@id"] == "schema:value" and terms["value"]["@type"] == "xsd:decimal"
    assert terms["endDate"]["@type"] == "xsd:date"
    assert terms["participant"]["@type"] == "@id"
    assert terms["participations"] == {"@reverse": "bgi:participationIn", "@container": "@set"}


def test_the_compacted_dump_expands_to_the_same_dataset(exported, context, built):
    document = json.loads((exported / "kg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]  # inline: readable offline by any tool
    quads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader_for(context)})
    dataset = Dataset()
    dataset.parse(data=quads, format="nquads")
    parsed = {graph.identifier: graph for graph in dataset.graphs() if len(graph)}
    expected = {name: graph for name, graph in graphs_from_build(built).items()
                if name != iris.INFERRED_GRAPH}
    assert set(parsed) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(parsed[name], graph), name


def test_a_framed_project_reads_like_ordinary_json(exported):
    project = json.loads((exported / "projects" / f"{PROJECT}.jsonld").read_text(encoding="utf-8"))
    assert project["@context"] == context_url()
    assert project["identifier"] == PROJECT and "Project" in project["type"]
    assert project["label"]["bg"].startswith("Равни възможности")
    beneficiary = next(item for item in project["participations"]
                       if item["role"]["id"].endswith("/roles/beneficiary"))
    assert beneficiary["participant"]["label"]["bg"] == "Община Кюстендил"
    assert beneficiary["role"]["prefLabel"]["en"] == "beneficiary"
    assert {contract["identifier"] for contract in project["contracts"]} >= {f"{PROJECT}-C01"}
    totals = [amount for amount in project["amounts"] if amount["budgetComponent"]["id"].endswith("/total")]
    assert {amount["value"] for amount in totals} >= {"1032658.75"}
    assert all(amount["eurEquivalent"]["currency"] == "EUR" for amount in totals)
    assert len(project["activities"]) == 5


def test_framed_projects_state_only_triples_of_the_graph(exported, context, asserted_union):
    loader = loader_for(context)
    for path in sorted((exported / "projects").glob("*.jsonld")):
        document = json.loads(path.read_text(encoding="utf-8"))
        triples = Graph().parse(data=jsonld.to_rdf(document, {"format": "application/n-quads",
                                                             "documentLoader": loader}), format="nt")
        assert len(triples) > 20, path.name
        assert [triple for triple in triples if triple not in asserted_union] == [], path.name
        assert (URIRef(document["id"]), iris.curie("rdf:type"), iris.BGI.Project) in triples


def test_the_collection_holds_every_framed_project(exported):
    collection = json.loads((exported / "projects.jsonld").read_text(encoding="utf-8"))
    files = sorted(path.stem for path in (exported / "projects").glob("*.jsonld"))
    assert sorted(node["id"].rsplit("/", 1)[1] for node in collection["@graph"]) == files


class _Canary(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Canary.hits.append(self.path)
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        return


def test_the_loader_never_fetches_a_remote_context(context):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        remote = f"http://127.0.0.1:{server.server_address[1]}/context.jsonld"
        document = {"@context": remote, "name": "canary"}
        with pytest.raises(JsonLdError) as refused:
            jsonld.expand(document, {"documentLoader": loader_for(context)})
        assert refused.value.code == "loading remote context failed"
        with pytest.raises(JsonLdError, match="refusing to fetch"):
            loader_for(context)(remote)
        expanded = jsonld.expand({"@context": context_url(), "label": {"bg": "проба"}},
                                 {"documentLoader": loader_for(context)})
        assert expanded[0][str(iris.curie("rdfs:label"))][0] == {"@value": "проба", "@language": "bg"}
    finally:
        server.shutdown()
        server.server_close()
    assert _Canary.hits == []


def test_the_server_publishes_the_same_context_at_context_jsonld(built, exported):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)
    reply = app.test_client().get("/context.jsonld")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/ld+json")
    assert reply.data == (exported / "context.jsonld").read_bytes()
