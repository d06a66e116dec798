"""What the server publishes about itself never carries a value the client chose.

The service description, VoID (its SPARQL endpoint and dump links) and any redirect use the
configured public URL (``kg serve --public-url``, ``KG_PUBLIC_URL``), else the address the
server listens on, whatever Host header a request sends; ``//`` paths get the JSON 404 instead
of a redirect to that Host (issue 19, point 6).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from server_process import REPO, running_server

from kg.store.oxigraph import OxigraphStore
from server import create_app

EVIL = "evil.example"
PUBLIC = "https://data.example.org/kg/"
SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
VOID_SPARQL = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
VOID_DUMP = URIRef("http://rdfs.org/ns/void#dataDump")


@pytest.fixture(scope="module")
def client(built):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built,
                     config={"KG_PUBLIC_URL": PUBLIC})
    return app.test_client()


def _graph(body: bytes) -> Graph:
    return Graph().parse(data=body, format="turtle")


def test_the_service_description_names_the_configured_endpoint_whatever_the_host(client):
    response = client.get("/sparql", headers={"Host": EVIL, "Accept": "text/turtle"})
    assert response.status_code == 200
    assert EVIL.encode() not in response.data
    endpoints = set(_graph(response.data).objects(None, SD_ENDPOINT))
    assert endpoints == {URIRef(PUBLIC + "sparql")}


def test_void_links_the_configured_endpoint_and_dumps_whatever_the_host(client):
    response = client.get("/.well-known/void", headers={"Host": EVIL, "Accept": "text/turtle"})
    assert response.status_code == 200
    assert EVIL.encode() not in response.data
    graph = _graph(response.data)
    assert set(graph.objects(None, VOID_SPARQL)) == {URIRef(PUBLIC + "sparql")}
    dumps = {str(dump) for dump in graph.objects(None, VOID_DUMP)}
    assert dumps and all(dump.startswith(PUBLIC + "dumps/") for dump in dumps)


@pytest.mark.parametrize("path", ["/api//queries", "/.well-known//void", "/api//openapi.json"])
def test_a_doubled_slash_gets_the_json_404_not_a_redirect_to_the_host(client, path):
    # PATH_INFO as a WSGI server passes it (the test client would read "//x" as a host)
    response = client.get("/", headers={"Host": EVIL}, environ_overrides={"PATH_INFO": path})
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "Location" not in response.headers
    assert json.loads(response.data)["error"] == "not found"


def test_an_unconfigured_application_publishes_no_host_header(built):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)
    response = app.test_client().get("/.well-known/void",
                                     headers={"Host": EVIL, "Accept": "text/turtle"})
    assert EVIL.encode() not in response.data


def _void_over_http(base_url: str) -> Graph:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/.well-known/void", headers={"Host": EVIL, "Accept": "text/turtle"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200
    return _graph(body)


def test_kg_serve_publishes_its_own_address_or_the_public_url(built):
    with running_server(["--build", str(built)]) as base_url:
        graph = _void_over_http(base_url)
        assert set(graph.objects(None, VOID_SPARQL)) == {URIRef(base_url + "/sparql")}
    with running_server(["--build", str(built), "--public-url", PUBLIC.rstrip("/")]) as base_url:
        graph = _void_over_http(base_url)
        assert set(graph.objects(None, VOID_SPARQL)) == {URIRef(PUBLIC + "sparql")}


def test_a_malformed_public_url_is_refused_at_start(built):
    run = subprocess.run([sys.executable, "-m", "kg", "serve", "--build", str(built),
                          "--public-url", "data.example.org/kg?x=1", "--port", "1"],
                         cwd=REPO, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert run.returncode == 2
    assert "--public-url" in run.stderr


def test_a_relative_iri_in_a_query_resolves_against_the_configured_endpoint(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(<here> AS ?x) }"},
                          headers={"Host": EVIL, "Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    values = [row["x"]["value"] for row in json.loads(response.data)["results"]["bindings"]]
    assert values == [PUBLIC + "here"]
