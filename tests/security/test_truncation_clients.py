"""A cut answer is refused unless the client asks for one (issue 19, point 7; decision 0019).

The bundled graph has more triples than the row cap (10 000 by default), so ``SELECT * {?s ?p
?o}`` would be cut. Against a real ``kg serve``, with the common clients as they are used:

* without opt-in, rdflib's SPARQLStore and SPARQLWrapper raise, and what they raise carries the
  server's 422 and its reason (rdflib hands on neither the truncation header nor the results'
  head link, so a 200 would have been a silent 10 000 of ~13 400);
* with ``truncate=1`` or ``Prefer: truncate`` both get the first N rows, the
  ``KG-Result-Truncated`` header and the head's truncation link;
* an answer under the cap is unaffected.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_process import running_server
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from kg.common.limits import MAX_ROWS
from server.workers.answers import TRUNCATION_LINK

EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
LINK = TRUNCATION_LINK.format(f"rows={MAX_ROWS}")
REASON = f"Answer Over {MAX_ROWS} Rows"


@pytest.fixture(scope="module")
def base_url(built):
    with running_server(["--build", str(built), "--rate-limit", "0"]) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def endpoint(base_url):
    return base_url + "/sparql"


def wrapper(endpoint: str, return_format: str, query: str = EVERYTHING) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def refusal_of(error: urllib.error.HTTPError) -> dict:
    """The 422's JSON body, after checking the status line every urllib-based client shows."""
    assert error.code == 422
    assert REASON in str(error) and "truncate=1" in str(error)
    body = json.loads(error.read())
    assert body["error"] == "unprocessable content"
    assert f"more than {MAX_ROWS} rows" in body["message"]
    assert "ORDER BY" in body["message"] and "OFFSET" in body["message"]
    assert "truncate=1" in body["message"] and "Prefer: truncate" in body["message"]
    return body


# --- without opt-in: an error, never a silent short answer ---------------------------------


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_raises_on_an_answer_over_the_cap(endpoint, return_format):
    with pytest.raises(urllib.error.HTTPError) as raised:
        wrapper(endpoint, return_format).query()
    refusal_of(raised.value)


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_raises_on_a_select_over_the_cap(endpoint, return_format):
    store = SPARQLStore(endpoint, returnFormat=return_format)
    with pytest.raises(ValueError) as raised:  # rdflib's GET: its own ValueError, from the HTTPError
        list(Graph(store).query(EVERYTHING))
    refusal_of(raised.value.__context__)


def test_rdflib_sparqlstore_raises_on_a_construct_over_the_cap(endpoint):
    with pytest.raises(ValueError) as raised:
        Graph(SPARQLStore(endpoint)).query("CONSTRUCT WHERE { ?s ?p ?o }")
    refusal_of(raised.value.__context__)


def test_rdflib_sparqlstore_post_gets_the_reason_not_rows(endpoint):
    """rdflib's POST does not raise: it returns (status, HTTPError text, None) in place of a
    result (rdflib's own quirk). No rows either way, and the status line says why."""
    store = SPARQLStore(endpoint, method="POST")
    returned = Graph(store).query(EVERYTHING)
    assert returned[0] == 422 and REASON in returned[1] and returned[2] is None


def test_the_refusal_has_no_truncation_header(base_url):
    url = base_url + "/sparql?" + urllib.parse.urlencode({"query": EVERYTHING})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/plain"}))
    assert raised.value.code == 422
    assert raised.value.headers.get("KG-Result-Truncated") is None
    assert "Prefer" in raised.value.headers.get("Vary", "")
    assert f"more than {MAX_ROWS} rows" in raised.value.read().decode()


# --- with opt-in: the first N rows, marked --------------------------------------------------


def test_sparqlwrapper_json_with_truncate_shows_the_cut_in_the_head(endpoint):
    client = wrapper(endpoint, JSON)
    client.addParameter("truncate", "1")
    answer = client.query()
    assert answer.info()["kg-result-truncated"] == f"rows={MAX_ROWS}"
    results = answer.convert()
    assert len(results["results"]["bindings"]) == MAX_ROWS
    assert results["head"]["link"] == [LINK]
    assert results["head"]["vars"] == ["s", "p", "o"]


def test_sparqlwrapper_xml_with_prefer_shows_the_cut_in_the_head(endpoint):
    client = wrapper(endpoint, XML)
    client.addCustomHttpHeader("Prefer", "truncate")
    answer = client.query()
    assert answer.info()["preference-applied"] == "truncate"
    assert answer.info()["kg-result-truncated"] == f"rows={MAX_ROWS}"
    document = answer.convert()
    head = document.getElementsByTagName("head")[0]
    assert [link.getAttribute("href") for link in head.getElementsByTagName("link")] == [LINK]
    assert len(document.getElementsByTagName("result")) == MAX_ROWS


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_with_truncate_reads_the_cut_select(endpoint, return_format):
    store = SPARQLStore(endpoint, returnFormat=return_format, params={"truncate": "1"})
    assert len(list(Graph(store).query(EVERYTHING))) == MAX_ROWS


def test_rdflib_sparqlstore_with_prefer_reads_the_cut_construct(endpoint):
    store = SPARQLStore(endpoint, headers={"Prefer": "truncate"})
    graph = Graph(store).query("CONSTRUCT WHERE { ?s ?p ?o }").graph
    assert graph is not None and len(graph) == MAX_ROWS


def test_a_malformed_opt_in_is_400(base_url):
    url = base_url + "/sparql?" + urllib.parse.urlencode({"query": EVERYTHING, "truncate": "maybe"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url)
    assert raised.value.code == 400
    assert "'truncate' must be 1 or 0" in json.loads(raised.value.read())["message"]


# --- under the cap: unaffected --------------------------------------------------------------


def test_an_answer_under_the_cap_is_unaffected(endpoint):
    answer = wrapper(endpoint, JSON, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5").query()
    assert "kg-result-truncated" not in answer.info()
    results = answer.convert()
    assert "link" not in results["head"] and len(results["results"]["bindings"]) == 5
    store = SPARQLStore(endpoint)
    assert len(list(Graph(store).query(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"))) == MAX_ROWS


def test_an_answer_of_exactly_the_cap_with_truncate_is_not_marked(endpoint):
    client = wrapper(endpoint, JSON, f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    client.addParameter("truncate", "1")
    answer = client.query()
    assert "kg-result-truncated" not in answer.info()
    assert "link" not in answer.convert()["head"]


def test_paging_as_the_message_says_reads_every_row(endpoint):
    store = SPARQLStore(endpoint)
    rows, offset = set(), 0
    while True:
        page = list(Graph(store).query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o "
                                       f"LIMIT {MAX_ROWS} OFFSET {offset}"))
        rows.update(page)
        offset += MAX_ROWS
        if len(page) < MAX_ROWS:
            break
    assert len(rows) > MAX_ROWS and len(rows) == offset - MAX_ROWS + len(page)
