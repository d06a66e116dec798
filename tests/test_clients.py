"""Real clients against a real ``kg serve`` of the bundled build, over HTTP on 127.0.0.1.

SPARQLWrapper (GET and POST; every results and RDF format it knows), rdflib's SPARQLStore, and
raw ``http.client`` requests for what clients rarely exercise: errors, refused updates, content
negotiation, CORS, gzip, the service description, VoID and its dumps, and protocol datasets that
must select stored graphs and never fetch anything (a canary HTTP server counts the attempts).
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import io
import json
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from server_process import REPO, running_server
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.query.catalogue import catalogue
from kg.records.iris import PREFIXES
from kg.store.oxigraph import OxigraphStore

pytestmark = pytest.mark.filterwarnings(  # SPARQLWrapper's own use of rdflib's ConjunctiveGraph
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
PREFIX_BLOCK = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in PREFIXES.items())
GRAPH = "https://w3id.org/bg-inclusion/graph/"
VIDIN = GRAPH + "vidin-integrated-approach"
ALOS = GRAPH + "alos-equal-opportunities"
PROJECT = "https://w3id.org/bg-inclusion/id/project/BG05M9OP001-2.056-0025"

SELECT = PREFIX_BLOCK + """SELECT ?project ?title WHERE {
  ?project a bgi:Project ; rdfs:label ?title . FILTER (lang(?title) = "bg")
} ORDER BY ?project ?title"""
#: A GRAPH pattern and an aggregate, for rdflib's SPARQLStore.
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""
ASK_TRUE = PREFIX_BLOCK + "ASK { ?project a bgi:Project }"
ASK_FALSE = "ASK { <urn:x-kg-test:nothing> ?p ?o }"
CONSTRUCT = PREFIX_BLOCK + """CONSTRUCT { ?project a bgi:Project ; rdfs:label ?title }
WHERE { ?project a bgi:Project ; rdfs:label ?title }"""
DESCRIBE = f"DESCRIBE <{PROJECT}>"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
INSERT = "INSERT DATA { GRAPH <urn:x-kg-test:g> { <urn:x-kg-test:s> <urn:x-kg-test:p> 1 } }"
TEXT_RESULTS = {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                CSV: "text/csv", TSV: "text/tab-separated-values"}


# --- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint(built: Path) -> Iterator[str]:
    """The base URL of ``kg serve --build BUILT`` (the pyoxigraph store, read-only)."""
    with running_server(["--build", str(built)]) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def store(built: Path) -> OxigraphStore:
    """The same store in this process: what the answers over HTTP must equal."""
    return OxigraphStore.open_read_only(built / "store")


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)


def fetch(base_url: str, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Reply:
    """One raw request (no decompression, no redirects followed)."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def get_query(base_url: str, query: str, accept: str | None = None, **parameters: str) -> Reply:
    path = "/sparql?" + urlencode({"query": query, **parameters})
    return fetch(base_url, "GET", path, headers={"Accept": accept} if accept else {})


def rows_of_json(body: bytes) -> list[tuple[str | None, ...]]:
    """SPARQL JSON results as rows of N-Triples terms, as OxigraphStore.rows() gives them."""
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    names = [variable.value for variable in solutions.variables]
    return [tuple(None if solution[name] is None else str(solution[name]) for name in names)
            for solution in solutions]


def graph_of(store: OxigraphStore, query: str) -> Graph:
    return Graph().parse(data=store.query(query).serialize("ntriples").decode("utf-8"), format="nt")


def lexical_rows(result: Result) -> list[tuple[str, ...]]:
    return [tuple("" if value is None else str(value) for value in row) for row in result]


@pytest.fixture(scope="module")
def expected_select(store: OxigraphStore) -> list[tuple[str, ...]]:
    """SELECT's rows as lexical values (what CSV keeps)."""
    result = Result.parse(io.BytesIO(store.query(SELECT).serialize("json")), format="json")
    return lexical_rows(result)


# --- SPARQLWrapper ----------------------------------------------------------------------------

def wrapper(endpoint: str, query: str, method: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setReturnFormat(return_format)
    return client


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(endpoint, expected_select, method, return_format):
    client = wrapper(endpoint, SELECT, method, return_format)
    sent = client._getRequestEncodedParameters(("query", SELECT))
    # SPARQLWrapper names the format three times (format, output, results), twice each for TSV
    assert sent.count("format=") == (2 if return_format == TSV else 1)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == TEXT_RESULTS[return_format]
    converted = result.convert()
    if return_format == JSON:
        rows = [(row["project"]["value"], row["title"]["value"]) for row in converted["results"]["bindings"]]
    elif return_format == XML:
        rows = lexical_rows(Result.parse(io.StringIO(converted.toxml()), format="xml"))
    else:
        rows = lexical_rows(Result.parse(io.BytesIO(converted), format=return_format.lower()))
    assert rows == expected_select
    assert len(rows) >= 2


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize(("query", "expected"), [(ASK_TRUE, True), (ASK_FALSE, False)],
                         ids=["true", "false"])
def test_sparqlwrapper_ask(endpoint, method, return_format, query, expected):
    result = wrapper(endpoint, query, method, return_format).query()
    assert result.info()["content-type"].split(";")[0] == TEXT_RESULTS[return_format]
    converted = result.convert()
    if return_format == JSON:
        assert converted["boolean"] is expected
    elif return_format == XML:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()
    else:
        assert converted.decode("utf-8").strip() == str(expected).lower()


RDF_FORMATS = {TURTLE: "text/turtle", JSONLD: "application/ld+json", RDFXML: "application/rdf+xml",
               "n-triples": "application/n-triples"}


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", list(RDF_FORMATS))
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graphs(endpoint, store, method, return_format, query):
    if return_format == "n-triples":  # SPARQLWrapper has no N-Triples format: negotiate it
        client = wrapper(endpoint, query, method, N3)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", "application/n-triples")
    else:
        client = wrapper(endpoint, query, method, return_format)
        sent = client._getRequestEncodedParameters(("query", query))
        # format=json-ld&format=application/ld+json,application/x-json+ld; format=rdf+xml&…
        assert sent.count("format=") == (2 if return_format in (JSONLD, RDFXML) else 1)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == RDF_FORMATS[return_format]
    converted = result.convert()
    if isinstance(converted, bytes):
        graph = Graph().parse(data=converted.decode("utf-8"),
                              format="turtle" if return_format == TURTLE else "nt")
    else:
        graph = converted  # JSON-LD and RDF/XML come back as rdflib graphs
    expected = graph_of(store, query)
    assert len(expected) > 10
    assert isomorphic(graph, expected)


def test_sparqlwrapper_update_is_refused(endpoint, store):
    before = get_query(endpoint, COUNT, "application/sparql-results+json").json()
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(INSERT)
    client.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    assert get_query(endpoint, COUNT, "application/sparql-results+json").json() == before


# --- rdflib SPARQLStore -----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_select_with_graph_and_aggregate(endpoint, store, method, return_format):
    remote = Dataset(store=SPARQLStore(endpoint + "/sparql", returnFormat=return_format, method=method),
                     default_union=True)
    rows = [(str(g), int(n), int(subjects)) for g, n, subjects in remote.query(PER_GRAPH)]
    local = Result.parse(io.BytesIO(store.query(PER_GRAPH).serialize("json")), format="json")
    expected = [(str(g), int(n), int(subjects)) for g, n, subjects in local]
    assert rows == expected
    assert {g for g, _, _ in rows} == set(store.graph_names())


def test_rdflib_sparqlstore_construct(endpoint, store):
    remote = Dataset(store=SPARQLStore(endpoint + "/sparql"), default_union=True)
    result = remote.query(CONSTRUCT)
    assert isomorphic(result.graph, graph_of(store, CONSTRUCT))


# --- errors and refused updates ---------------------------------------------------------------

def test_a_syntax_error_is_400_with_message_line_and_column(endpoint):
    reply = get_query(endpoint, "SELECT * WHERE {\n  ?s ?p \n}")
    assert reply.status == 400
    assert reply.media_type == "application/json"
    body = reply.json()
    assert body["message"] and isinstance(body["line"], int) and isinstance(body["column"], int)
    assert body["line"] >= 2
    assert "Traceback" not in reply.body.decode("utf-8")


def test_a_syntax_error_in_text_when_the_client_prefers_it(endpoint):
    reply = get_query(endpoint, "SELECT * WHERE {\n  ?s ?p \n}", accept="text/plain")
    assert reply.status == 400
    assert reply.media_type == "text/plain"
    assert "syntax error" in reply.body.decode("utf-8") and "line" in reply.body.decode("utf-8")


@pytest.mark.parametrize("how", ["get-query", "post-form-query", "post-direct-query",
                                 "get-update", "post-form-update", "post-sparql-update"])
def test_updates_are_refused_and_change_nothing(endpoint, store, how):
    before = get_query(endpoint, COUNT, "application/sparql-results+json").json()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    if how == "get-query":
        reply = get_query(endpoint, INSERT)
    elif how == "post-form-query":
        reply = fetch(endpoint, "POST", "/sparql", urlencode({"query": "DROP ALL"}).encode(), form)
    elif how == "post-direct-query":
        reply = fetch(endpoint, "POST", "/sparql", INSERT.encode(),
                     {"Content-Type": "application/sparql-query"})
    elif how == "get-update":
        reply = fetch(endpoint, "GET", "/sparql?" + urlencode({"update": INSERT}))
    elif how == "post-form-update":
        reply = fetch(endpoint, "POST", "/sparql", urlencode({"update": INSERT}).encode(), form)
    else:
        reply = fetch(endpoint, "POST", "/sparql", b"CLEAR ALL",
                     {"Content-Type": "application/sparql-update"})
    assert reply.status == 403, reply.body
    assert "read-only" in reply.json()["message"]
    assert get_query(endpoint, COUNT, "application/sparql-results+json").json() == before
    assert get_query(endpoint, "ASK { <urn:x-kg-test:s> ?p ?o }").json()["boolean"] is False


# --- content negotiation ----------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "application/sparql-results+json"),
    ("application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
    ("text/*", "text/csv"),
    ("text/*;q=0.3, text/tab-separated-values;q=0.4, */*;q=0.1", "text/tab-separated-values"),
    ("*/*;q=0.5, application/sparql-results+json;q=0", "application/sparql-results+xml"),
    ("application/json", "application/json"),
])
def test_select_results_are_negotiated(endpoint, accept, media_type):
    reply = get_query(endpoint, SELECT, accept)
    assert reply.status == 200
    assert reply.media_type == media_type
    assert "Accept" in reply.headers["Vary"]


@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "text/turtle"),
    ("application/rdf+xml;q=0.9, application/ld+json", "application/ld+json"),
    ("application/*", "application/ld+json"),
    ("text/plain", "text/plain"),
])
def test_graphs_are_negotiated(endpoint, accept, media_type):
    reply = get_query(endpoint, CONSTRUCT, accept)
    assert reply.status == 200
    assert reply.media_type == media_type


@pytest.mark.parametrize(("query", "accept"), [(SELECT, "image/png"), (CONSTRUCT, "text/csv"),
                                               (SELECT, "text/csv;q=0, application/sparql-results+*")])
def test_nothing_acceptable_is_406_listing_the_offers(endpoint, query, accept):
    reply = get_query(endpoint, query, accept)
    assert reply.status == 406
    assert "Accept" in reply.headers["Vary"]
    message = reply.json()["message"]
    offers = ["application/sparql-results+json", "text/csv"] if query == SELECT else \
        ["text/turtle", "application/ld+json", "application/n-triples"]
    assert all(offer in message for offer in offers), message


def test_a_format_parameter_overrides_accept(endpoint):
    reply = get_query(endpoint, SELECT, "application/sparql-results+json", format="csv")
    assert reply.media_type == "text/csv"
    reply = get_query(endpoint, SELECT, None, format="nonsense")
    assert reply.status == 400


# --- CORS, gzip, health ------------------------------------------------------------------------

def test_cors_preflight_allows_any_origin(endpoint):
    reply = fetch(endpoint, "OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert reply.status in (200, 204)
    assert reply.headers["Access-Control-Allow-Origin"] in ("*", "https://example.org")
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "content-type" in reply.headers["Access-Control-Allow-Headers"].lower()
    reply = fetch(endpoint, "GET", "/sparql?" + urlencode({"query": ASK_TRUE}),
                 headers={"Origin": "https://example.org"})
    assert reply.headers["Access-Control-Allow-Origin"] in ("*", "https://example.org")


def test_results_are_gzipped_when_the_client_accepts_it(endpoint, store):
    reply = fetch(endpoint, "GET", "/sparql?" + urlencode({"query": SELECT}),
                 headers={"Accept-Encoding": "gzip", "Accept": "application/sparql-results+json"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in reply.headers["Vary"]
    assert rows_of_json(gzip.decompress(reply.body)) == store.query(SELECT).rows()
    plain = get_query(endpoint, SELECT, "application/sparql-results+json")
    assert plain.headers.get("Content-Encoding") is None
    assert plain.body == gzip.decompress(reply.body)


def test_healthz_says_ok_and_which_build_is_served(endpoint, store):
    reply = fetch(endpoint, "GET", "/healthz")
    assert reply.status == 200
    status = reply.json()
    assert status["status"] == "ok" and status["generation"] == 1 and status["last_reload"] == {}
    assert status["quads"] in (None, len(store.store))  # null while the store is being counted


def test_healthz_reports_the_quad_count_once_the_store_is_counted(endpoint, store):
    deadline = time.monotonic() + 60
    while (quads := fetch(endpoint, "GET", "/healthz").json()["quads"]) is None:
        assert time.monotonic() < deadline, "the store was not counted within a minute"
        time.sleep(0.2)
    assert quads == len(store.store)


# --- service description, VoID and dumps --------------------------------------------------------

def test_a_bare_get_is_the_service_description_in_turtle(endpoint, store):
    reply = fetch(endpoint, "GET", "/sparql")
    assert reply.status == 200
    assert reply.media_type == "text/turtle"
    graph = Graph().parse(data=reply.body.decode("utf-8"), format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.endpoint, URIRef(endpoint + "/sparql")) in graph
    assert {str(name) for name in graph.objects(None, SD.name)} == set(store.graph_names())


def test_void_has_partitions_and_dumps_that_download(endpoint, built):
    reply = fetch(endpoint, "GET", "/.well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.body.decode("utf-8"), format="turtle")
    dataset = graph.value(predicate=RDF.type, object=VOID.Dataset)
    assert len(list(graph.objects(dataset, VOID.classPartition))) > 10
    assert len(list(graph.objects(dataset, VOID.propertyPartition))) > 10
    dumps = sorted(str(dump) for dump in graph.objects(dataset, VOID.dataDump))
    assert [dump.rsplit("/", 1)[1] for dump in dumps] == ["kg.nq", "kg.trig"]
    for dump in dumps:
        assert dump.startswith(endpoint + "/")
        download = fetch(endpoint, "GET", urlsplit(dump).path)
        assert download.status == 200
        assert download.body == (built / dump.rsplit("/", 1)[1]).read_bytes()
    quads = Dataset().parse(data=download.body.decode("utf-8"), format="trig")
    assert sum(1 for _ in quads.quads()) > 1000


# --- protocol datasets: stored graphs only, never fetched -------------------------------------

def count_of(reply: Reply) -> int:
    assert reply.status == 200, reply.body
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_uri_selects_stored_graphs(endpoint, store):
    in_vidin = int(store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{VIDIN}> {{ ?s ?p ?o }} }}")
                   .rows()[0][0].split('"')[1])
    assert count_of(get_query(endpoint, COUNT, **{"default-graph-uri": VIDIN})) == in_vidin
    assert count_of(get_query(endpoint, COUNT)) > in_vidin


def test_named_graph_uri_selects_stored_graphs(endpoint):
    path = "/sparql?" + urlencode([("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                   ("named-graph-uri", VIDIN), ("named-graph-uri", ALOS)])
    reply = fetch(endpoint, "GET", path, headers={"Accept": "application/sparql-results+json"})
    assert {row["g"]["value"] for row in reply.json()["results"]["bindings"]} == {VIDIN, ALOS}
    only_named = "/sparql?" + urlencode([("query", "ASK { ?s ?p ?o }"), ("named-graph-uri", VIDIN)])
    assert fetch(endpoint, "GET", only_named).json()["boolean"] is False  # empty default graph


class Canary:
    """A local HTTP server that counts every request made to it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.requests.append(f"{self.command} {self.path}")
                body = b"<urn:x-kg-test:fetched> <urn:x-kg-test:p> <urn:x-kg-test:o> ."
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/graph.ttl"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Canary:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def never_fetches(endpoint: str) -> None:
    with Canary() as canary:
        for parameters in ([("named-graph-uri", canary.url)], [("default-graph-uri", canary.url)],
                           [("default-graph-uri", canary.url), ("named-graph-uri", canary.url)]):
            for query in ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT * WHERE { ?s ?p ?o }"):
                path = "/sparql?" + urlencode([("query", query), *parameters])
                reply = fetch(endpoint, "GET", path, headers={"Accept": "application/sparql-results+json"})
                assert reply.status == 200, reply.body
                assert reply.json()["results"]["bindings"] == []
        for query in (f"SELECT * FROM <{canary.url}> WHERE {{ ?s ?p ?o }}",
                      f"SELECT * FROM NAMED <{canary.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
            reply = get_query(endpoint, query, "application/sparql-results+json")
            assert reply.status == 200, reply.body
            assert "urn:x-kg-test:fetched" not in reply.body.decode("utf-8")
        for query in (f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ SERVICE SILENT <{canary.url}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ VALUES ?u {{ <{canary.url}> }} service ?u {{ ?s ?p ?o }} }}",
                      f"PREFIX c: <{canary.url}>\nSELECT * WHERE {{ SERVICEc:x {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ \\u0053ERVICE <{canary.url}> {{ ?s ?p ?o }} }}"):
            reply = get_query(endpoint, query, "application/sparql-results+json")
            assert reply.status == 400, reply.body
            assert "SERVICE" in reply.json()["message"]
        assert canary.requests == []


def test_protocol_datasets_and_from_clauses_never_fetch(endpoint):
    never_fetches(endpoint)


def test_the_rdflib_store_never_fetches_either(tmp_path):
    data = tmp_path / "small.nq"
    data.write_text(f"<{PROJECT}> <{RDF.type}> <urn:x-kg-test:Thing> <{VIDIN}> .\n", encoding="utf-8")
    with running_server(["--store", "memory", str(data)]) as base_url:
        never_fetches(base_url)


def test_service_in_a_string_iri_or_name_is_not_refused(endpoint):
    for query in ('SELECT * WHERE { BIND("SERVICE <http://x/> {}" AS ?s) }',
                  "SELECT * WHERE { BIND(<http://example.org/SERVICE> AS ?s) }",
                  "PREFIX service: <http://example.org/>\n"
                  "SELECT ?service WHERE { BIND(service:SERVICE AS ?service) }",
                  "SELECT * WHERE { BIND(1 AS ?x) } # SERVICE <http://x/> {}",
                  "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\n"
                  "SELECT ?s WHERE { ?s a sd:Service }",
                  "SELECT * WHERE { BIND('x'@service AS ?s) }"):
        assert get_query(endpoint, query).status == 200, query


# --- every saved query over HTTP ---------------------------------------------------------------

@pytest.mark.parametrize("name", list(catalogue()))
def test_every_saved_query_over_http_gives_the_in_process_rows(endpoint, store, name):
    """The saved text as the query page sends it (parameters unbound). Timings: bench/."""
    text = catalogue()[name].text
    reply = fetch(endpoint, "POST", "/sparql", text.encode("utf-8"),
                 {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.body[:500]
    assert sorted(rows_of_json(reply.body), key=repr) == sorted(store.query(text).rows(), key=repr)


def test_both_endpoint_paths_answer(endpoint):
    for path in ("/sparql", "/sparql/"):
        reply = fetch(endpoint, "GET", path + "?query=" + quote(ASK_TRUE))
        assert reply.status == 200 and reply.json()["boolean"] is True


def test_the_latency_benchmark_writes_its_section(built, tmp_path):
    """bench/http_latency.py runs (one timed run per query here) and writes its table."""
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmarks\n\n## Another section\n\nkept\n", encoding="utf-8")
    for _ in range(2):  # the second run replaces its section, never duplicates it
        completed = subprocess.run(
            [sys.executable, str(REPO / "bench" / "http_latency.py"), "--build", str(built), "--runs", "1",
             "--out", str(out)], capture_output=True, text=True, timeout=300, check=False)
        assert completed.returncode == 0, completed.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.count("<!-- http-latency:start -->") == 1 and "## Another section\n\nkept" in text
    assert all(f"| {name} |" in text for name in catalogue())
    assert "cores" in text and "Date: " in text
