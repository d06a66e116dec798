"""The result cache (server/http/result_cache.py, docs/decisions/0022): a repeated query is
answered from memory until the next publish, with the same bytes, never across generations,
within its byte bound, and without a query worker.

The stores are two small Turtle files served like ``kg serve FILE`` (a guarded store with
query workers); "publishing" swaps one for the other with :meth:`GuardedStore.reload`, as the
reload watcher does for a new generation.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest

from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.http.result_cache import CACHE_HEADER, Entry, ResultCache
from server.workers.limits import QueryLimits
from server.workers.worker import StoreSource

TURTLE = """@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "{label} a" . ex:b rdfs:label "{label} b" . ex:c rdfs:label "{label} c" .
ex:a a ex:Thing . ex:b a ex:Thing . ex:c a ex:Thing .
"""
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?s"
# Every triple of the store: 6, more than the row cap of 4 below.
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?x ?y ?z }"


def _turtle(directory: Path, label: str) -> Path:
    path = directory / f"{label}.ttl"
    path.write_text(TURTLE.format(label=label), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return _turtle(tmp_path, "first"), _turtle(tmp_path, "second")


def _app(path: Path, **config):
    limits = config.pop("limits", QueryLimits(timeout=2.0, max_timeout=2.0, max_rows=4, workers=1))
    return create_app(OxigraphStore.from_files([path]), config={
        "KG_LIMITS": limits, "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0, **config})


@pytest.fixture
def app(files):
    application = _app(files[0])
    yield application
    application.config["KG_STORE"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def _ask(client, query: str = LABELS, **parameters):
    headers = parameters.pop("headers", {"Accept": "application/sparql-results+json"})
    return client.get("/sparql", query_string={"query": query, **parameters}, headers=headers)


def test_a_repeated_query_is_a_hit_with_the_same_bytes(client):
    first, second = _ask(client), _ask(client)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == ("miss", "hit")
    assert first.data == second.data and b"first a" in second.data
    for name in ("Content-Type", "Vary", "ETag"):
        assert first.headers[name] == second.headers[name]
    # POST with the same text is the same question
    posted = client.post("/sparql", data=LABELS, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert posted.headers[CACHE_HEADER] == "hit" and posted.data == first.data


def test_another_format_dataset_or_time_limit_is_a_miss(client):
    assert _ask(client).headers[CACHE_HEADER] == "miss"
    csv = _ask(client, headers={"Accept": "text/csv"})
    assert csv.headers[CACHE_HEADER] == "miss" and csv.headers["Content-Type"].startswith("text/csv")
    assert _ask(client, headers={"Accept": "text/csv"}).headers[CACHE_HEADER] == "hit"
    assert _ask(client, format="xml").headers[CACHE_HEADER] == "miss"
    assert _ask(client, **{"default-graph-uri": "http://example.org/g"}).headers[CACHE_HEADER] == "miss"
    assert _ask(client, timeout="1").headers[CACHE_HEADER] == "miss"
    assert _ask(client, query=LABELS + " ").headers[CACHE_HEADER] == "miss"


def test_saved_queries_are_cached_by_their_bound_parameters(client):
    url = "/api/queries/organisations-by-name"
    first = client.get(url, query_string={"text": "a"})
    assert first.status_code == 200 and first.headers[CACHE_HEADER] == "miss"
    again = client.get(url, query_string={"text": "a"})
    assert again.headers[CACHE_HEADER] == "hit" and again.data == first.data
    assert client.get(url, query_string={"text": "b"}).headers[CACHE_HEADER] == "miss"
    assert client.get(url, query_string={"text": "a", "language": "en"}).headers[CACHE_HEADER] == "miss"
    # the defaults written out are the same binding as the defaults left out
    assert client.get(url, query_string={"text": "a", "language": "bg"}).headers[CACHE_HEADER] == "hit"
    csv = client.get(url, query_string={"text": "a", "format": "csv"})
    assert csv.headers[CACHE_HEADER] == "miss"
    csv_again = client.get(url, query_string={"text": "a", "format": "csv"})
    assert csv_again.headers[CACHE_HEADER] == "hit"
    assert csv_again.headers["Content-Disposition"] == csv.headers["Content-Disposition"]


def test_a_new_generation_is_a_miss_with_the_new_data(app, client, files):
    assert b"first a" in _ask(client).data
    assert _ask(client).headers[CACHE_HEADER] == "hit"
    app.config["KG_STORE"].reload(StoreSource("oxigraph-files", files=(str(files[1]),), label="second"))
    after = _ask(client)
    assert after.headers[CACHE_HEADER] == "miss"
    assert b"second a" in after.data and b"first a" not in after.data
    assert _ask(client).headers[CACHE_HEADER] == "hit"
    status = client.get("/healthz").get_json()["result_cache"]
    assert status["entries"] == 1 and status["dropped_on_publish"] == 1


def test_an_etag_revalidates_with_304(client):
    first = _ask(client)
    etag = first.headers["ETag"]
    revalidated = _ask(client, headers={"Accept": "application/sparql-results+json",
                                        "If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert revalidated.headers[CACHE_HEADER] == "hit" and revalidated.headers["ETag"] == etag
    assert _ask(client, headers={"Accept": "application/sparql-results+json",
                                 "If-None-Match": '"other"'}).status_code == 200


def test_errors_and_refused_cut_answers_are_not_cached(client):
    for _ in range(2):
        assert _ask(client, query="SELECT * WHERE {").status_code == 400
        refused = _ask(client, query=ALL)
        assert refused.status_code == 422 and refused.headers[CACHE_HEADER] == "miss"
    status = client.get("/healthz").get_json()["result_cache"]
    assert status["entries"] == 0


def test_a_cut_answer_is_cached_only_for_those_who_asked_for_it(client):
    cut = _ask(client, query=ALL, truncate="1")
    assert cut.status_code == 200 and cut.headers[CACHE_HEADER] == "miss"
    again = _ask(client, query=ALL, truncate="1")
    assert again.headers[CACHE_HEADER] == "hit" and again.data == cut.data
    assert again.headers["KG-Result-Truncated"] == cut.headers["KG-Result-Truncated"] == "rows=4"
    assert _ask(client, query=ALL).status_code == 422  # the opt-in is part of the key


def test_a_streamed_answer_is_not_cached(files):
    limits = QueryLimits(timeout=2.0, max_timeout=2.0, max_bytes=64, chunk_bytes=64, workers=1)
    app = _app(files[0], limits=limits)
    try:
        client = app.test_client()
        for _ in range(2):
            response = _ask(client, query=ALL)
            assert response.status_code == 200 and "KG-Result-Streamed" in response.headers
            assert response.headers[CACHE_HEADER] == "miss"
            assert b"first c" in response.data
    finally:
        app.config["KG_STORE"].close()


def test_the_cache_is_bounded_in_bytes_and_forgets_the_least_recently_used():
    cache = ResultCache(4 * 500)

    def entry(size: int) -> Entry:
        return Entry(b"x" * size, (), "tag", None, size, 0.0)

    for key in "abc":
        assert cache.put(key, 1, entry(500), 1)
    assert cache.get("a", 1) is not None  # b is now the least recently used
    assert cache.put("d", 1, entry(500), 1) and cache.evictions == 0  # 2000 bytes: full
    assert cache.put("e", 1, entry(500), 1)
    assert cache.get("b", 1) is None and cache.get("a", 1) is not None
    assert cache.bytes <= cache.max_bytes and cache.evictions == 1
    assert not cache.put("huge", 1, entry(501), 1)  # more than a quarter of the cache
    assert not cache.put("late", 1, entry(10), 2)  # made from a generation no longer served
    assert cache.get("a", 2) is None and cache.bytes == 0  # a new generation: all dropped


def test_the_cache_bound_holds_over_http(files):
    app = _app(files[0], KG_CACHE_BYTES=12_000)
    try:
        client = app.test_client()
        for number in range(20):
            _ask(client, query=f"{LABELS} LIMIT {number + 1}")
        status = client.get("/healthz").get_json()["result_cache"]
        assert 0 < status["bytes"] <= 12_000 and status["evictions"] > 0
        assert _ask(client, query=f"{LABELS} LIMIT 1").headers[CACHE_HEADER] == "miss"
        assert _ask(client, query=f"{LABELS} LIMIT 20").headers[CACHE_HEADER] == "hit"
    finally:
        app.config["KG_STORE"].close()


def test_no_cache_when_turned_off(files):
    app = _app(files[0], KG_CACHE_BYTES=0)
    try:
        client = app.test_client()
        assert CACHE_HEADER not in _ask(client).headers
        assert CACHE_HEADER not in _ask(client).headers
    finally:
        app.config["KG_STORE"].close()


def test_a_hit_needs_no_worker(app, client):
    """With the only worker busy on a slow query, a hit still answers at once (a miss would
    wait for the worker until its time limit)."""
    expected = _ask(client).data
    store = app.config["KG_STORE"]
    busy = threading.Event()

    def occupy() -> None:
        busy.set()
        with contextlib.suppress(Exception):  # the time limit stops it: that is the point
            store.query(SLOW, timeout=2.0).rows()

    runner = threading.Thread(target=occupy)
    runner.start()
    try:
        busy.wait(5)
        time.sleep(0.3)  # the slow query holds the worker now
        started = time.monotonic()
        hit = _ask(client)
        assert time.monotonic() - started < 0.5
        assert hit.headers[CACHE_HEADER] == "hit" and hit.data == expected
    finally:
        runner.join(10)


def test_a_hit_still_counts_against_the_clients_rate(files):
    app = _app(files[0], KG_RATE_LIMIT=0.001, KG_RATE_BURST=3)
    try:
        client = app.test_client()
        statuses = [_ask(client).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
    finally:
        app.config["KG_STORE"].close()


def test_cors_exposes_the_cache_header(client):
    response = _ask(client, headers={"Origin": "https://elsewhere.example",
                                     "Accept": "application/sparql-results+json"})
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert CACHE_HEADER in exposed and "ETag" in exposed


PAGE = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/bg-inclusion/id/place/x> rdfs:label "{label} място"@bg .
"""


def test_a_linked_data_page_is_kept_until_the_next_publish(tmp_path):
    """The pages are cached like answers: the same bytes for the same IRI and format, a miss for
    another format, and the new data after a publish."""
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text(PAGE.format(label="първо"), encoding="utf-8")
    second.write_text(PAGE.format(label="второ"), encoding="utf-8")
    app = _app(first)
    try:
        client = app.test_client()
        html = {"Accept": "text/html"}
        page, again = client.get("/id/place/x", headers=html), client.get("/id/place/x", headers=html)
        assert (page.status_code, again.status_code) == (200, 200)
        assert (page.headers[CACHE_HEADER], again.headers[CACHE_HEADER]) == ("miss", "hit")
        assert page.data == again.data and "първо място" in again.get_data(as_text=True)
        assert again.headers["Content-Type"] == page.headers["Content-Type"]
        turtle = client.get("/id/place/x.ttl")
        assert turtle.headers[CACHE_HEADER] == "miss"
        assert turtle.headers["Content-Type"].startswith("text/turtle")
        assert client.get("/id/place/x.ttl").headers[CACHE_HEADER] == "hit"
        assert client.get("/id/place/nothing", headers=html).status_code == 404
        assert client.get("/id/place/nothing", headers=html).headers.get(CACHE_HEADER) != "hit"
        app.config["KG_STORE"].reload(StoreSource("oxigraph-files", files=(str(second),), label="second"))
        after = client.get("/id/place/x", headers=html)
        assert after.headers[CACHE_HEADER] == "miss"
        assert "второ място" in after.get_data(as_text=True)
        assert "първо място" not in after.get_data(as_text=True)
    finally:
        app.config["KG_STORE"].close()
