"""Lookups: saved queries that follow a key, answered by the server without a query worker.

A query may be declared a lookup only if its algebra shows it follows its key by outgoing links
(kg.query.lookups); ``kg serve`` then answers a call that binds the key in its own process, the
same bytes a worker would send, and sends a lookup that proves slow back to the workers
(server/workers/local_lookups.py, decision 0024).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.common.errors import KgError
from kg.query.catalogue import catalogue, load_query
from kg.query.lookups import NotALookupError, check_lookup
from kg.store.oxigraph import OxigraphStore
from server import create_app

PREFIXES = """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
KEY = "?c dcterms:identifier ?number . "
NUMBER = "BG05M9OP001-2.018-0031-C01"


def test_a_query_that_follows_its_key_by_outgoing_links_is_a_lookup():
    check_lookup(PREFIXES + "SELECT ?c ?p ?t WHERE { " + KEY + "?c a bgi:GrantContract ; "
                 "bgi:fundsProject ?p . OPTIONAL { ?p rdfs:label ?t FILTER (lang(?t) = 'bg') } "
                 "?p bgi:underProgramme/rdfs:label ?name . <https://w3id.org/bg-inclusion/id/x> "
                 "rdfs:label ?x } LIMIT 5", "number")


@pytest.mark.parametrize(("where", "reason"), [
    (KEY + "?c bgi:underProgramme ?g . ?other bgi:underProgramme ?g", "is not reached from ?number"),
    (KEY + "?c ?p ?o", "variable predicate"),
    (KEY + "?c bgi:within* ?o", "path with * or +"),
    (KEY + "?c bgi:underProgramme/^bgi:underProgramme ?o", "is not reached from ?number"),
    (KEY + "?x a bgi:GrantContract", "is not reached from ?number"),
    (KEY + "GRAPH ?g { ?c a ?t }", "uses Graph"),
    (KEY + "{ ?c a ?t } UNION { ?c rdfs:label ?t }", "uses Union"),
    (KEY + "FILTER EXISTS { ?c a ?t }", "uses Builtin_EXISTS"),
    ("?c dcterms:identifier ?other", "is not reached from ?number"),
])
def test_a_query_that_can_scan_or_fan_out_is_not_a_lookup(where, reason):
    with pytest.raises(NotALookupError, match=re.escape(reason)):
        check_lookup(PREFIXES + "SELECT * WHERE { " + where + " }", "number")


@pytest.mark.parametrize("shape", ["SELECT DISTINCT ?c", "SELECT (COUNT(*) AS ?n)"])
def test_an_answer_the_engine_must_gather_whole_is_not_a_lookup(shape):
    with pytest.raises(NotALookupError, match="uses"):
        check_lookup(PREFIXES + shape + " WHERE { " + KEY + "}", "number")


def _saved(directory: Path, lookup: str, where: str) -> Path:
    path = directory / "q.rq"
    path.write_text("#+ title: t\n#+ title_bg: т\n#+ description: d\n"
                    f"#+ lookup: {lookup}\n#+ parameters:\n#+   - name: number\n#+     type: string\n"
                    f"{PREFIXES}SELECT ?c ?number WHERE {{ {where} }}\n", encoding="utf-8")
    return path


def test_the_catalogue_refuses_a_lookup_declaration_the_query_does_not_keep(tmp_path):
    path = _saved(tmp_path, "number", KEY + "?c ?p ?o")
    with pytest.raises(KgError, match=rf"{path}: declared a lookup on \?number, but the pattern "):
        load_query(path)


def test_the_catalogue_refuses_a_lookup_on_a_parameter_it_does_not_declare(tmp_path):
    path = _saved(tmp_path, "contract", KEY)
    with pytest.raises(KgError, match="lookup: 'contract' is not one of its parameters"):
        load_query(path)


def test_the_contract_lookup_is_declared_and_checked():
    assert catalogue()["contract-by-number"].lookup == "number"


@pytest.fixture(scope="module")
def app(built):
    application = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built,
                             config={"KG_CACHE_BYTES": 0})
    yield application
    application.config["KG_STORE"].close()


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data())["results"]["bindings"]


def test_a_bound_lookup_is_answered_in_the_servers_process_as_a_worker_answers_it(app):
    client, store = app.test_client(), app.config["KG_STORE"]
    saved = catalogue()["contract-by-number"]
    before = store.local_lookups.answered
    in_process = client.get("/api/queries/contract-by-number", query_string={"number": NUMBER})
    assert store.local_lookups.answered == before + 1
    rows = _rows(in_process)
    assert rows and {row["contract"]["value"] for row in rows} == {
        "https://w3id.org/bg-inclusion/id/contract/BG05M9OP001-2.018-0031-C01"}
    text = saved.text_with_values(saved.bindings({"number": NUMBER}))
    by_worker = client.post("/sparql", data={"query": text},
                            headers={"Accept": "application/sparql-results+json"})
    assert store.local_lookups.answered == before + 1  # /sparql still goes to a worker
    assert in_process.get_data() == by_worker.get_data()
    assert client.get("/healthz").get_json()["lookups_in_process"]["answered"] >= 1


def test_a_lookup_of_a_number_no_contract_has_answers_no_rows(app):
    rows = _rows(app.test_client().get("/api/queries/contract-by-number",
                                       query_string={"number": "NO-SUCH-NUMBER"}))
    assert rows == []


def test_a_lookup_that_proves_slow_is_sent_back_to_the_workers(app):
    client, store = app.test_client(), app.config["KG_STORE"]
    lookups = store.local_lookups
    threshold = lookups.slow_seconds
    lookups.slow_seconds = 0.0  # every lookup is "slow" now
    try:
        answered = lookups.answered
        first = client.get("/api/queries/contract-by-number", query_string={"number": NUMBER})
        assert "contract-by-number" in lookups.demoted and lookups.answered == answered + 1
        second = client.get("/api/queries/contract-by-number", query_string={"number": NUMBER})
        assert lookups.answered == answered + 1  # answered by a worker this time
        assert first.get_data() == second.get_data()
        health = client.get("/healthz").get_json()["lookups_in_process"]
        assert "contract-by-number" in health["sent_back_to_workers"]
    finally:
        lookups.slow_seconds = threshold
        lookups.demoted.clear()


def test_the_lookup_check_holds_when_threads_read_the_catalogue_at_once(tmp_path):
    """The server's threads may read the catalogue together on its first calls; rdflib's parser
    failed when two threads parsed at once (every call of the API then answered 500)."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.query import catalogue as catalogue_module

    for number in range(16):
        (tmp_path / f"q{number}.rq").write_text(
            (_saved(tmp_path, "number", KEY + "?c a bgi:GrantContract").read_text(encoding="utf-8")),
            encoding="utf-8")
    catalogue_module._parsed_query.cache_clear()
    with ThreadPoolExecutor(16) as pool:
        found = list(pool.map(lambda _: catalogue(tmp_path), range(16)))
    assert all(entry[name].lookup == "number" for entry in found for name in entry)


def test_a_key_is_written_in_as_one_term_whatever_it_holds(app):
    """The lane writes the key into the text (pyoxigraph plans a constant as an index lookup; a
    bound variable took 755 ms at 100 000 contracts): quotes, backslashes and SPARQL in a value
    stay inside one literal."""
    saved = catalogue()["contract-by-number"]
    hostile = 'x" . ?c ?p ?o . FILTER ("\\'
    text, others = saved.bound_query(saved.bindings({"number": hostile}))
    assert others == {}
    rows = _rows(app.test_client().get("/api/queries/contract-by-number", query_string={"number": hostile}))
    assert rows == []
    with pytest.raises(NotALookupError):  # the text is still the lookup, with a constant key
        check_lookup(text, "number")  # (no ?number left to follow: a constant in its place)


def test_a_lookup_that_projects_every_variable_is_refused(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("#+ title: t\n#+ title_bg: т\n#+ description: d\n#+ lookup: number\n"
                    "#+ parameters:\n#+   - name: number\n#+     type: string\n"
                    f"{PREFIXES}SELECT * WHERE {{ {KEY} }}\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"cannot be written in: \?number is projected by \*"):
        load_query(path)


def test_a_lookup_whose_key_cannot_be_written_in_is_refused(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("#+ title: t\n#+ title_bg: т\n#+ description: d\n#+ lookup: number\n"
                    "#+ parameters:\n#+   - name: number\n#+     type: string\n"
                    f"{PREFIXES}SELECT ?c ?number WHERE {{ {KEY} FILTER (BOUND(?number)) }}\n",
                    encoding="utf-8")
    with pytest.raises(KgError, match=r"cannot be written in: the query with \?number written in "
                                      r"does not parse"):
        load_query(path)
