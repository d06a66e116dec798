"""Linked Data views, through Flask's test client: HTML with sources, RDF by Accept or extension."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph, URIRef

from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.views import linked_data

CONTRACT = "contract/BG05M9OP001-2.018-0031-C01"
IRI = "https://w3id.org/bg-inclusion/id/" + CONTRACT


@pytest.fixture(scope="module")
def client(built):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)
    return app.test_client()


def test_a_contract_page_shows_labels_properties_and_its_source_documents(client):
    response = client.get(f"/id/{CONTRACT}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Договор BG05M9OP001-2.018-0031-C01" in page
    assert "BG05M9OP001-2.018-0031-С01" in page  # the number as written, Cyrillic С kept
    assert 'href="/id/project/BG05M9OP001-2.018-0031"' in page
    assert 'href="/id/source/kyustendil-equal-opportunities"' in page
    assert 'href="/id/source/alos-equal-opportunities"' in page


@pytest.mark.parametrize(("accept", "media_type", "rdf_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_a_resource_in_rdf_by_accept(client, accept, media_type, rdf_format):
    response = client.get(f"/id/{CONTRACT}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.get_data(as_text=True), format=rdf_format)
    assert (URIRef(IRI), None, None) in graph


@pytest.mark.parametrize("extension", [".ttl", ".jsonld", ".nt", ".rdf"])
def test_a_resource_in_rdf_by_extension(client, extension):
    response = client.get(f"/id/{CONTRACT}{extension}")
    assert response.status_code == 200 and len(response.data) > 200


def test_an_unknown_resource_is_404_in_json(client):
    response = client.get("/id/org/no-such-thing", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "not found"


def test_a_page_escapes_what_it_shows(client):
    response = client.get("/id/org/group-npo")
    assert response.status_code == 200
    assert "<script" not in response.get_data(as_text=True).split("</header>", 1)[1]


def test_the_ontology_is_served_as_html_and_turtle(client):
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "bgi:GrantContract" in html.get_data(as_text=True)
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(graph) > 1000


def test_source_documents_have_pages(client):
    response = client.get("/id/source/kyustendil-roma-action-plan-2022-2024")
    assert response.status_code == 200
    sha256 = "57f1918372a377f0eae63395ad3f0dcc5deeceb4476f05df77215a46c4a6eeb0"
    assert sha256 in response.get_data(as_text=True)


def _incoming_subjects(page: str) -> list[str]:
    section = page.split("Incoming links", 1)[1]
    return re.findall(r'<tr><td><a href="(/id/[^"]+)"', section)


def test_a_page_lists_the_links_into_its_resource_in_iri_order(client):
    page = client.get("/id/programme/2014BG05M9OP001", headers={"Accept": "text/html"}).get_data(as_text=True)
    subjects = _incoming_subjects(page)
    assert len(subjects) > 3 and subjects == sorted(subjects)
    assert "incoming-note" not in page  # all of them are shown


def test_a_resource_with_more_links_than_a_page_shows_says_how_many_and_where_to_find_them(
        client, monkeypatch):
    """A programme at 100 000 contracts has over 100 000 incoming links; sorting them all in the
    engine took past the time limit. The page shows the first it finds and counts the rest."""
    whole = _incoming_subjects(client.get("/id/programme/2014BG05M9OP001",
                                          headers={"Accept": "text/html"}).get_data(as_text=True))
    monkeypatch.setattr(linked_data, "INCOMING_SHOWN", 3)
    client.application.extensions["kg_result_cache"].clear()  # the page as made now, not as kept
    page = client.get("/id/programme/2014BG05M9OP001", headers={"Accept": "text/html"}).get_data(as_text=True)
    shown = _incoming_subjects(page)
    assert len(shown) == 3 and shown == sorted(shown) and set(shown) <= set(whole)
    note = page.split('class="incoming-note"', 1)[1].split("</p>", 1)[0]
    assert f"3 of {len(whole)} shown" in note.replace("\n    ", " ")
    link = html.unescape(re.search(r'href="(/\?query=[^"]+)"', note).group(1))
    query = parse_qs(urlsplit(link).query)["query"][0]
    assert "<https://w3id.org/bg-inclusion/id/programme/2014BG05M9OP001>" in query
