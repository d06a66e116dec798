"""Saved queries rewritten for pyoxigraph's planner answer exactly what their old texts answered.

``project-partners-by-programme`` and ``fact-provenance`` were reordered so that pyoxigraph plans
them well (bench/RESULTS.md: the first took 42 s at 1 000 contracts). A rewrite must not change
an answer, so each is compared here with its old text, on the bundled graph and on a small
synthetic build, in the three ways a saved query runs: unbound (the benchmark, a query page
without values), with the parameter bound by the engine (the API) and with it written as
VALUES (the query page link, ``SavedQuery.text_with_values``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query.catalogue import catalogue
from kg.store.oxigraph import OxigraphStore

PREFIXES = """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
OLD_TEXTS = {
    "project-partners-by-programme": PREFIXES + """
SELECT ?project ?role ?programme ?organisation (MIN(?label) AS ?name)
WHERE {
  ?participation bgi:participationIn ?project ;
                 bgi:participant ?organisation ;
                 bgi:role/skos:notation ?role .
  OPTIONAL { ?participation bgi:underProgramme ?programme }
  ?organisation rdfs:label ?label .
  FILTER (lang(?label) = "bg")
}
GROUP BY ?project ?role ?programme ?organisation
ORDER BY ?role ?programme ?name
""",
    "fact-provenance": PREFIXES + """
SELECT ?subject ?graph ?document ?title (COUNT(DISTINCT ?statement) AS ?statements)
       (GROUP_CONCAT(DISTINCT ?lines; separator=", ") AS ?cited)
WHERE {
  GRAPH ?graph { ?subject ?predicate ?object .
                 BIND (CONCAT(STR(?predicate), " ", STR(?object)) AS ?statement) }
  ?graph dcterms:source ?document .
  ?document dcterms:title ?title . FILTER (lang(?title) = "en")
  OPTIONAL { GRAPH ?graph { ?subject bgi:statedAt ?location .
                            ?location bgi:lineStart ?from ; bgi:lineEnd ?to . }
             BIND (IF(?from = ?to, STR(?from), CONCAT(STR(?from), "-", STR(?to))) AS ?lines) }
}
GROUP BY ?subject ?graph ?document ?title
ORDER BY ?graph
""",
    # the patterns in their old order (the labels are MIN now, in both: SAMPLE may pick either
    # of two labels, so two plans could answer differently)
    "projects-by-nuts-region": PREFIXES + """
SELECT ?region ?project (MIN(?projectTitle) AS ?title) ?municipality
       (MIN(?municipalityLabel) AS ?municipalityName) ?district
       (MIN(?districtLabel) AS ?districtName) ?nuts3 ?nuts2 ?nuts1
WHERE {
  ?project a bgi:Project ; bgi:place ?place .
  ?place bgi:within* ?municipality .
  ?municipality a bgi:MunicipalityTerritory ; bgi:within ?district .
  ?district a bgi:District ; bgi:nutsRegion ?n3 .
  ?n3 skos:notation ?nuts3 ; skos:broader ?n2 .
  ?n2 skos:notation ?nuts2 ; skos:broader ?n1 .
  ?n1 skos:notation ?nuts1 .
  FILTER (?region IN (?n3, ?n2, ?n1) || EXISTS { ?n1 skos:broader ?region })
  OPTIONAL { ?project rdfs:label ?projectTitle . FILTER (lang(?projectTitle) = "bg") }
  OPTIONAL { ?municipality rdfs:label ?municipalityLabel . FILTER (lang(?municipalityLabel) = "bg") }
  OPTIONAL { ?district rdfs:label ?districtLabel . FILTER (lang(?districtLabel) = "bg") }
}
GROUP BY ?region ?project ?municipality ?district ?nuts3 ?nuts2 ?nuts1
ORDER BY ?nuts3 ?municipality ?project
""",
}
#: The columns of each query's ORDER BY: rows that tie on them may come in any order.
ORDER_COLUMNS = {"project-partners-by-programme": (1, 2, 4), "fact-provenance": (1,),
                 "projects-by-nuts-region": (7, 3, 1)}
#: The values each parameter is tried with, besides its default: found in the graph under test.
CANDIDATES = {
    "project-partners-by-programme": PREFIXES + "SELECT DISTINCT ?value WHERE { "
                                     "?p bgi:participationIn ?value } ORDER BY ?value LIMIT 25",
    "fact-provenance": PREFIXES + "SELECT DISTINCT ?value WHERE { { ?p bgi:participationIn ?value } "
                       "UNION { ?p bgi:participant ?value } } ORDER BY ?value LIMIT 25",
    "projects-by-nuts-region": PREFIXES + "SELECT DISTINCT ?value WHERE { "
                               "?d bgi:nutsRegion/skos:broader* ?value } ORDER BY ?value LIMIT 25",
}


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory) -> OxigraphStore:
    """A build of 40 synthetic contracts (seed 1), without SHACL (it is not under test)."""
    from kg.release.build import build
    from kg.synth import synthesize

    data = tmp_path_factory.mktemp("synth-data")
    out = tmp_path_factory.mktemp("synth-build")
    synthesize(40, 1, data)
    build(data, out, validate=False)
    return OxigraphStore.open_read_only(out / "store")


@pytest.fixture(scope="module")
def bundled_store(built: Path) -> OxigraphStore:
    return OxigraphStore.open_read_only(built / "store")


def _answer(store: OxigraphStore, text: str, bindings: dict | None = None) -> list[tuple]:
    """The rows in the engine's order, as N-Triples terms (None for unbound)."""
    return store.query(text, bindings=bindings).rows()


def _assert_same_answer(name: str, new: list[tuple], old: list[tuple]) -> None:
    """The same rows, and in the same order as far as ORDER BY says (ties may be permuted)."""
    assert sorted(new, key=repr) == sorted(old, key=repr), name
    columns = ORDER_COLUMNS[name]
    assert [[row[i] for i in columns] for row in new] == [[row[i] for i in columns] for row in old]


def _parameter_values(store: OxigraphStore, name: str) -> list[str]:
    saved = catalogue()[name]
    found = [row[0][1:-1] for row in _answer(store, CANDIDATES[name])]
    return [saved.parameters[0].default, *found]


@pytest.mark.parametrize("graph", ["bundled", pytest.param("synthetic", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", sorted(OLD_TEXTS))
def test_the_rewritten_query_answers_the_rows_of_the_old_text(name, graph, request):
    store = request.getfixturevalue(f"{graph}_store")
    saved = catalogue()[name]
    old = OLD_TEXTS[name]
    unbound = _answer(store, saved.text)
    assert unbound, f"{name} answers nothing unbound on the {graph} graph"
    _assert_same_answer(name, unbound, _answer(store, old))
    answered = 0
    for value in _parameter_values(store, name):
        bindings = saved.bindings({saved.parameters[0].name: value})
        new_rows = _answer(store, saved.text, bindings)
        _assert_same_answer(name, new_rows, _answer(store, old, bindings))
        _assert_same_answer(name, _answer(store, saved.text_with_values(bindings)), new_rows)
        answered += bool(new_rows)
    assert answered >= 2, f"{name}: too few parameter values with an answer to compare"


@pytest.mark.parametrize("name", sorted(OLD_TEXTS))
def test_rdflib_answers_the_rewritten_query_like_the_old_text(name, dataset):
    """rdflib runs saved queries too (``--store memory``, the reference store): same rows there."""
    saved = catalogue()[name]
    bindings = saved.bindings({})

    def rows(text: str) -> list[tuple]:
        return [tuple(row) for row in dataset.query(text, initBindings=bindings)]

    new_rows = rows(saved.text)
    assert new_rows
    _assert_same_answer(name, new_rows, rows(OLD_TEXTS[name]))
