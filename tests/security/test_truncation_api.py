"""The named-query API refuses an answer over the row cap as ``/sparql`` does, unless asked.

With a cap of 3 rows, a saved query whose answer is longer gets 422 with how to page;
``truncate=1`` (or ``Prefer: truncate``) gets the first 3 rows and the header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query.catalogue import catalogue
from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.workers.limits import QueryLimits

CAP = 3


@pytest.fixture(scope="module")
def guarded_app(built: Path):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built, config={
        "KG_LIMITS": QueryLimits(timeout=5.0, max_timeout=5.0, max_rows=CAP, workers=1),
        "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0})
    yield app
    app.config["KG_STORE"].close()


@pytest.fixture(scope="module")
def long_query(guarded_app) -> str:
    """A saved query (with its defaults) whose whole answer has more than the cap's rows."""
    client = guarded_app.test_client()
    for name in sorted(catalogue()):
        response = client.get(f"/api/queries/{name}?truncate=1", headers={"Accept": "text/csv"})
        if response.headers.get("KG-Result-Truncated") == f"rows={CAP}":
            return name
    pytest.fail("no saved query has more than 3 rows: the test needs one")


def test_an_answer_over_the_cap_is_422_with_how_to_page(guarded_app, long_query):
    response = guarded_app.test_client().get(f"/api/queries/{long_query}")
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    message = response.get_json()["message"]
    assert f"more than {CAP} rows" in message and "ORDER BY" in message and "truncate=1" in message
    assert "KG-Result-Truncated" not in response.headers
    assert "Prefer" in response.headers["Vary"]


@pytest.mark.parametrize(("query_string", "headers"), [
    ("?truncate=1", {}), ("?truncate=true", {}), ("", {"Prefer": "truncate"})])
def test_an_opted_in_call_gets_the_first_rows_marked(guarded_app, long_query, query_string, headers):
    response = guarded_app.test_client().get(f"/api/queries/{long_query}{query_string}",
                                             headers={"Accept": "application/sparql-results+json",
                                                      **headers})
    assert response.status_code == 200
    assert response.headers["KG-Result-Truncated"] == f"rows={CAP}"
    assert len(response.get_json()["results"]["bindings"]) == CAP
    if headers:
        assert response.headers["Preference-Applied"] == "truncate"


def test_truncate_is_not_a_query_parameter_and_is_checked(guarded_app, long_query):
    response = guarded_app.test_client().get(f"/api/queries/{long_query}?truncate=2")
    assert response.status_code == 400
    assert "'truncate' must be 1 or 0" in response.get_json()["message"]
    assert "truncate" not in {parameter.name for saved in catalogue().values()
                              for parameter in saved.parameters}


def test_an_answer_under_the_cap_is_unaffected(guarded_app):
    client = guarded_app.test_client()
    for name in sorted(catalogue()):
        response = client.get(f"/api/queries/{name}", headers={"Accept": "text/csv"})
        if response.status_code == 200:
            assert "KG-Result-Truncated" not in response.headers
            return
    pytest.fail("every saved query is over the cap")
