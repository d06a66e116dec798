"""SERVICE (and updates) found exactly as the engine reads them, and the engine's own refusals
answered as the client's errors (issue 19, points 4 and 5).

Through the real application (create_app over the bundled build, its query workers included):

* a valid query is never refused as SERVICE for a ``?service`` variable or a
  ``schema:serviceType`` name, however long it is (rdflib's parser, used before, failed at about
  90 triple patterns and the failure read as "SERVICE is not supported");
* every spelling pyoxigraph reads as a SERVICE clause is refused, including those a lexer that
  gets prefixed names, comments or keywords wrong would miss;
* a query the engine parses but cannot evaluate (a function it does not know) is 400 with the
  engine's message, not 500 "the query engine stopped", and its worker is not restarted;
* an update sent as a query is refused as an update (403) however long it is.
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox
import pytest

from kg.common import query_text
from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.workers.limits import QueryLimits

CANARY = "http://127.0.0.1:9/graph"  # never fetched: port 9 is refused before any connection
DIRECT = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def _long_query(variable: str, patterns: int = 95) -> str:
    triples = " .\n".join(f"  ?{variable} <urn:x-kg-test:p{number}> ?o{number}"
                          for number in range(patterns))
    return (f"PREFIX schema: <http://schema.org/>\nSELECT ?{variable} WHERE {{\n"
            f"  ?{variable} schema:serviceType ?type .\n{triples}\n}}")


@pytest.fixture(scope="module")
def client(built):
    """The application kg serve makes, with a time limit that leaves room for the engine's own
    planning of a 96-pattern join (about 1.4 s on an idle 2-core machine, more under load)."""
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built, config={
        "KG_LIMITS": QueryLimits(timeout=30.0, max_timeout=30.0, workers=2),
        "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0})
    yield app.test_client()
    app.config["KG_STORE"].close()


def _post(client, query: str):
    return client.post("/sparql", data=query.encode("utf-8"), headers=DIRECT)


@pytest.mark.parametrize("variable", ["service", "SERVICE", "serviceProvider", "x"])
def test_a_long_valid_query_naming_a_variable_service_is_answered(client, variable):
    response = _post(client, _long_query(variable))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["head"]["vars"] == [variable]


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s schema:serviceType ?o } LIMIT 1",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> {}' } LIMIT 1",
    "SELECT * WHERE { ?s ?p '''a '' SERVICE <http://127.0.0.1:9/> {}''' } LIMIT 1",
    "SELECT * WHERE { ?s <http://example.org/service> ?o } # SERVICE <http://127.0.0.1:9/> {}",
    "SELECT * WHERE { ?s ?p \"x\"@service } LIMIT 1",
    "SELECT * WHERE { _:service ?p ?o } LIMIT 1",
    "PREFIX service: <http://example.org/> SELECT * WHERE { GRAPH service:g { ?s service:p ?o } }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { service:s service:p service:o . }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:services ?o . ?s ex:a.service ?o }",
], ids=["variable", "local-name", "string", "long-string", "iri-and-comment", "language-tag",
        "blank-node", "graph-prefix", "prefix-named-service", "local-name-with-dot"])
def test_service_outside_the_keyword_is_not_service(client, query):
    assert not query_text.uses_service(query)
    response = _post(client, query)
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ SERVICESILENT<{CANARY}>{{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{CANARY}> SELECT * WHERE {{ SERVICEex:a{{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o.SERVICE<{CANARY}>{{ }} }}",
    f"SELECT * WHERE {{ ?s ?p \"x\"@en.SERVICE<{CANARY}>{{ }} }}",
    f"SELECT * WHERE {{ ?s ?p 1.0e1SERVICE<{CANARY}>{{ }} }}",
    f"SELECT * WHERE {{ ?s ?p true.SERVICE<{CANARY}>{{ }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o # a comment that ends at a carriage return\rSERVICE <{CANARY}> {{ }} }}",
    f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ex:a\\' ?o . SERVICE <{CANARY}> {{ }} "
    f"?s ex:b\\' ?o }}",
    f"SELECT * WHERE {{ \\u0053ERVICE <{CANARY}> {{ }} }}",
    f"PREFIX service: <{CANARY}> SELECT * WHERE {{ ?s ?p ?o . service:o {{ }} }}",
], ids=["no-space-silent", "no-space-prefixed-name", "after-a-dot", "after-a-language-tag",
        "after-a-double", "after-true", "comment-ending-in-cr", "escaped-quote-in-local-names",
        "unicode-escape", "prefix-named-service"])
def test_every_spelling_the_engine_reads_as_service_is_refused(client, query):
    assert query_text.uses_service(query)
    response = _post(client, query)
    assert response.status_code == 400
    assert "SERVICE (federated query) is not supported" in response.get_json()["message"]


def test_the_lexer_has_no_length_limit():
    query = _long_query("service", patterns=5000)
    assert not query_text.has_service(query)
    assert query_text.has_service(query.replace("?service schema:serviceType ?type .",
                                     f"SERVICE <{CANARY}> {{ ?service ?p ?o }}"))


def test_a_function_the_engine_does_not_know_is_the_clients_error(client):
    def workers() -> dict:  # what /healthz says of the query workers (not of the result cache)
        health = client.get("/healthz").get_json()
        health.pop("result_cache", None)
        return health

    before = workers()
    response = _post(client, "SELECT (<http://example/f>(?x) AS ?F) {}")
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "the query engine cannot evaluate this query" in message
    assert "<http://example/f>" in message and "not supported" in message  # the engine's words
    assert _post(client, "ASK { }").status_code == 200
    assert workers() == before  # no worker was restarted


def test_a_long_update_sent_as_a_query_is_refused_as_an_update(client):
    patterns = " .\n".join(f"  ?service <urn:x-kg-test:p{number}> ?o{number}" for number in range(95))
    update = f"PREFIX ex: <http://example.org/>\nDELETE {{ ?service ex:p ?o0 }} WHERE {{\n{patterns}\n}}"
    response = _post(client, update)
    assert response.status_code == 403
    assert "read-only" in response.get_json()["message"]


# -- The lexer against the engine itself: whatever pyoxigraph evaluates as SERVICE, the lexer
# finds. The endpoint is port 9, which pyoxigraph refuses before opening any connection, so an
# evaluated SERVICE shows as that OSError and nothing leaves the machine.
TERMS = ["?o", "ex:o", "ex:o\\'", "ex:a.b", "ex:a..b", "ex:a:b.c", "ex:a%20.b", "ex:a\\..b",
         '"x"', '"x"@en', "'''x'''", "1", "1.0e1", "1.", "true",
         "<urn:x-kg-test:o>", "_:b"]
GAPS = ["", " ", ".", " . ", "\r", "\n", "#c\r", "#c\n", "\t.\t", ";?p ?o ."]
KEYWORDS = ["SERVICE", "service", "Service", "\\u0053ERVICE", "SERVICE SILENT", "SERVICESILENT"]
ENDPOINTS = [" <http://127.0.0.1:9/>", "<http://127.0.0.1:9/>", " port9:", "port9:x", " ?endpoint"]


@pytest.fixture(scope="module")
def engine():
    """pyoxigraph over one triple per object in TERMS, so a pattern before SERVICE matches."""
    store = ox.Store()
    objects = " . ".join(f"<urn:x-kg-test:s> <urn:x-kg-test:p> {term.rstrip('.')}"
                         for term in TERMS if not term.startswith("?"))  # "1." reads as 1, then "."
    store.update(f"PREFIX ex: <http://example.org/> INSERT DATA {{ {objects} }}")
    return store


def _evaluates_service(engine, query: str) -> bool | None:
    """True if the engine ran the SERVICE clause, False if it answered without, None if the text
    is no query it accepts."""
    try:
        result = engine.query(query)
        if not isinstance(result, bool) and hasattr(result, "__iter__"):
            list(result)
    except SyntaxError:
        return None
    except OSError as error:
        assert "port 9" in str(error), error
        return True
    except RuntimeError as error:  # a variable endpoint the engine reached before binding it
        assert "service name is unbound" in str(error), error
        return True
    return False


def test_whatever_the_engine_runs_as_service_the_lexer_finds(engine):
    """Every combination of a term, a gap, a spelling of the keyword and an endpoint (about
    3 900 texts): none the engine runs as SERVICE gets past the lexer; the only valid texts it
    refuses are the documented corner (a local name whose second dotted part holds "service")."""
    missed, refused = [], []
    for term, gap, keyword, endpoint in itertools.product(TERMS, GAPS, KEYWORDS, ENDPOINTS):
        query = ("PREFIX ex: <http://example.org/> PREFIX port9: <http://127.0.0.1:9/>\n"
                 f"SELECT * WHERE {{ VALUES ?endpoint {{ <http://127.0.0.1:9/> }} "
                 f"?s ?p {term}{gap}{keyword}{endpoint}{{ }} }}")
        seen = query
        if keyword.endswith("SILENT"):  # SILENT swallows the refusal: take it away to see the call
            seen = query.replace("SILENT", "", 1).replace("SERVICE ", "SERVICE", 1)
        evaluated, found = _evaluates_service(engine, seen), query_text.uses_service(query)
        if evaluated and not found:
            missed.append(query)
        elif evaluated is False and found:
            refused.append(query)
    assert missed == []
    dotted_service = re.compile(r"ex:[^\s{.]*\.+[^\s{.]*\.[a-z_]*service", re.IGNORECASE)
    assert all(dotted_service.search(query) for query in refused), refused


def test_a_store_built_in_code_answers_an_engine_refusal_with_400_too():
    """A store without an origin is queried in the web process (CheckedStore), not by a
    worker; the engine's refusal must still be the client's error, with the engine's words."""
    store = OxigraphStore(ox.Store(), "in memory, built in code")
    assert store.origin is None
    app = create_app(store, config={"TESTING": True})
    response = _post(app.test_client(), "SELECT (<http://example/f>(?x) AS ?F) {}")
    assert response.status_code == 400, response.get_data(as_text=True)
    message = response.get_json()["message"]
    assert "the query engine cannot evaluate this query" in message and "<http://example/f>" in message
