"""A cut answer says so where common SPARQL clients show it (issue 19, point 7).

The bundled graph has more triples than the row cap (10 000 by default), so ``SELECT * {?s ?p
?o}`` is cut. Against a real ``kg serve``: SPARQLWrapper's JSON head and XML head carry the
truncation link (the results formats' own place for metadata about the results), the
``KG-Result-Truncated`` header is there, and rdflib's SPARQLStore still parses the marked answer.
"""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_process import running_server
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from kg.common.limits import MAX_ROWS
from server.workers.answers import TRUNCATION_LINK

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
LINK = TRUNCATION_LINK.format(f"rows={MAX_ROWS}")


@pytest.fixture(scope="module")
def endpoint(built):
    with running_server(["--build", str(built), "--rate-limit", "0"]) as base_url:
        yield base_url + "/sparql"


def wrapper(endpoint: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(EVERYTHING)
    client.setReturnFormat(return_format)
    return client


def test_sparqlwrapper_json_shows_the_cut_in_the_head(endpoint):
    answer = wrapper(endpoint, JSON).query()
    assert answer.info()["kg-result-truncated"] == f"rows={MAX_ROWS}"
    results = answer.convert()
    assert len(results["results"]["bindings"]) == MAX_ROWS
    assert results["head"]["link"] == [LINK]
    assert results["head"]["vars"] == ["s", "p", "o"]


def test_sparqlwrapper_xml_shows_the_cut_in_the_head(endpoint):
    document = wrapper(endpoint, XML).query().convert()
    head = document.getElementsByTagName("head")[0]
    assert [link.getAttribute("href") for link in head.getElementsByTagName("link")] == [LINK]
    assert len(document.getElementsByTagName("result")) == MAX_ROWS


def test_an_answer_under_the_cap_has_no_link(endpoint):
    client = wrapper(endpoint, JSON)
    client.setQuery("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")
    results = client.query().convert()
    assert "link" not in results["head"]


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_reads_a_marked_select_answer(endpoint, return_format):
    store = SPARQLStore(endpoint, returnFormat=return_format)
    rows = list(Graph(store).query(EVERYTHING))
    assert len(rows) == MAX_ROWS


def test_rdflib_sparqlstore_reads_a_marked_construct_answer(endpoint):
    graph = Graph(SPARQLStore(endpoint)).query("CONSTRUCT WHERE { ?s ?p ?o }").graph
    assert graph is not None and len(graph) == MAX_ROWS
