"""The materialised aggregates (graph/aggregates, decision 0021) equal the raw queries they replace.

Each breakdown's sums and counts, read from the aggregates by the saved queries (amounts-by,
counts-by, project-budget-totals), are compared with the same totals computed by SPARQL from
the amounts, projects, participations and activities themselves, on the bundled graph and on a
synthetic one (`kg synth`).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kg.mapping.aggregates import BREAKDOWNS
from kg.query.run import open_build_store, run_saved_on_store
from kg.records import iris

ID = "https://w3id.org/bg-inclusion/id/"
PREFIXES = """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX roles: <https://w3id.org/bg-inclusion/id/concept/roles/>
"""
#: How each breakdown gives a project (?project) its value(s) (?value), in plain SPARQL.
VALUE_OF_PROJECT = {
    "all": "",
    "project": "BIND (?project AS ?value)",
    "programme": "?project bgi:underProgramme ?value .",
    "procedure": "?project bgi:underProcedure ?value .",
    "beneficiary-kind": "?beneficiary bgi:participationIn ?project ; bgi:role roles:beneficiary ; "
                        "bgi:participant/bgi:organisationKind ?value .",
    "municipality": "?project bgi:place/bgi:within* ?value . ?value a bgi:MunicipalityTerritory .",
    "district": "?project bgi:place/bgi:within* ?value . ?value a bgi:District .",
    "nuts-region": "?project bgi:place/bgi:within* ?district . ?district a bgi:District ; "
                   "bgi:nutsRegion/skos:broader* ?value .",
    "year": "?project bgi:startDate ?start BIND (STRDT(SUBSTR(STR(?start), 1, 4), xsd:gYear) AS ?value)",
}


def _projects(breakdown: str) -> str:
    pattern = VALUE_OF_PROJECT[breakdown]
    return f"{{ SELECT DISTINCT ?project ?value WHERE {{ ?project a bgi:Project . {pattern} }} }}"


def raw_amounts(breakdown: str) -> str:
    return PREFIXES + f"""SELECT ?value ?component ?currency (SUM(?number) AS ?sum) (COUNT(*) AS ?amounts)
WHERE {{
  {_projects(breakdown)}
  ?amount bgi:amountOf ?project ; bgi:isCurrent true ;
          bgi:budgetComponent/skos:notation ?component ; schema:value ?number .
  OPTIONAL {{ ?amount schema:currency ?currency }}
}} GROUP BY ?value ?component ?currency"""


def raw_counts(breakdown: str) -> list[str]:
    return [PREFIXES + query for query in (
        f"SELECT ?value (COUNT(DISTINCT ?project) AS ?n) WHERE {{ {_projects(breakdown)} }} GROUP BY ?value",
        f"""SELECT ?value (COUNT(*) AS ?n) WHERE {{ {_projects(breakdown)}
              {{ SELECT DISTINCT ?project ?organisation WHERE {{ ?participation bgi:participationIn ?project ;
                  bgi:role roles:partner ; bgi:participant ?organisation }} }} }} GROUP BY ?value""",
        f"""SELECT ?value (COUNT(DISTINCT ?activity) AS ?n) WHERE {{ {_projects(breakdown)}
              ?activity bgi:activityOf ?project }} GROUP BY ?value""")]


def _number(term: str | None) -> Decimal:
    if term is None:
        return Decimal(0)
    return Decimal(term.split('"')[1])


def _plain(term: str | None) -> str | None:
    """A term's text without its datatype: the store writes the currency "BGN" either way."""
    return term.split('"')[1] if term and term.startswith('"') else term


def _amount_rows(rows) -> Counter:
    return Counter((value, _plain(component), _plain(currency), _number(total), int(_number(count)))
                   for value, component, currency, total, count in rows)


def _aggregate_amounts(store, breakdown: str) -> Counter:
    rows = run_saved_on_store(store, "amounts-by", {"dataset": f"{ID}aggregate/{breakdown}"}).rows()
    return _amount_rows((value, component, currency, total, count)
                        for _dataset, value, _label, component, currency, total, count in rows)


def _raw_counts(store, breakdown: str) -> dict:
    counts: dict = {}
    for position, query in enumerate(raw_counts(breakdown)):
        for value, number in store.query(query).rows():
            counts.setdefault(value, [0, 0, 0])[position] = int(_number(number))
    return {value: tuple(numbers) for value, numbers in counts.items()}


def _aggregate_counts(store, breakdown: str) -> dict:
    rows = run_saved_on_store(store, "counts-by", {"dataset": f"{ID}aggregate/{breakdown}"}).rows()
    return {value: (int(_number(projects)), int(_number(partners)), int(_number(activities)))
            for _dataset, value, _label, projects, partners, activities in rows}


@pytest.fixture(scope="module")
def bundled_store(built: Path):
    return open_build_store(built)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    from kg.release.build import build
    from kg.synth import synthesize

    data = tmp_path_factory.mktemp("synth-aggregates")
    synthesize(200, 11, data)
    out = tmp_path_factory.mktemp("synth-aggregates-build")
    report = build(data, out)
    assert report.validation.startswith("validated: conforms")
    return open_build_store(out)


@pytest.fixture(params=["bundled", "synthetic"])
def store(request, bundled_store, synthetic_store):
    return bundled_store if request.param == "bundled" else synthetic_store


@pytest.mark.parametrize("breakdown", sorted(set(BREAKDOWNS) - {"programme"}))
def test_each_breakdowns_sums_equal_the_raw_sums(store, breakdown):
    aggregate = _aggregate_amounts(store, breakdown)
    assert aggregate == _amount_rows(store.query(raw_amounts(breakdown)).rows())


def test_the_sums_by_programme_equal_the_saved_raw_query(store):
    raw = _amount_rows(run_saved_on_store(store, "amounts-by-programme-raw").rows())
    assert _aggregate_amounts(store, "programme") == raw


@pytest.mark.parametrize("breakdown", sorted(set(BREAKDOWNS) - {"project"}))
def test_each_breakdowns_counts_equal_the_raw_counts(store, breakdown):
    assert _aggregate_counts(store, breakdown) == _raw_counts(store, breakdown)


@pytest.mark.parametrize("breakdown", sorted(BREAKDOWNS))
def test_every_breakdown_has_observations_on_the_bundled_graph(bundled_store, breakdown):
    assert _aggregate_amounts(bundled_store, breakdown)
    if breakdown != "project":
        assert _aggregate_counts(bundled_store, breakdown)


def test_the_counts_by_programme_equal_the_saved_raw_query(store):
    raw = {value: (int(_number(projects)), int(_number(partners)), int(_number(activities)))
           for value, projects, partners, activities in
           run_saved_on_store(store, "counts-by-programme-raw").rows()}
    assert _aggregate_counts(store, "programme") == raw


def test_project_budget_totals_equals_its_raw_query_for_every_project(store):
    projects = {row[0] for row in store.query(PREFIXES + "SELECT ?p WHERE { ?p a bgi:Project }").rows()}
    for project in sorted(projects)[:40]:
        parameters = {"project": project[1:-1]}
        aggregate = run_saved_on_store(store, "project-budget-totals", parameters).rows()
        raw = run_saved_on_store(store, "project-budget-totals-raw", parameters).rows()
        assert _amount_rows(aggregate) == _amount_rows(raw), project


def test_amounts_without_a_currency_are_never_added_to_others(bundled_store):
    rows = run_saved_on_store(bundled_store, "amounts-by", {"dataset": f"{ID}aggregate/all"}).rows()
    totals = {(_plain(row[3]), _plain(row[4])): _number(row[5]) for row in rows}
    assert totals[("total", None)] == Decimal("471708")  # the EEA register's total, no currency
    assert ("total", "BGN") in totals


def test_a_project_under_two_programmes_has_its_total_under_both(bundled_store):
    vidin = f"<{ID}project/BG05M9OP001-2.056-0025>"
    query = PREFIXES + f"""SELECT ?programme ?sum WHERE {{
      ?o bgi:ofProject {vidin} ; bgi:ofBudgetComponent/skos:notation "total" ; bgi:amountSum ?sum .
      {vidin} bgi:underProgramme ?programme }}"""
    assert len(bundled_store.query(query).rows()) == 2


def test_the_aggregates_are_their_own_graph_left_out_of_the_inferred_one(bundled_store, built):
    graphs = {name for name in bundled_store.graph_names()}
    assert str(iris.AGGREGATES_GRAPH) in graphs
    inferred = bundled_store.query(f"ASK {{ GRAPH <{iris.INFERRED_GRAPH}> {{ ?s ?p ?o "
                                   f"FILTER (STRSTARTS(STR(?s), '{ID}aggregate/')) }} }}").rows()
    assert inferred == [("false",)]
    assert f"<{iris.AGGREGATES_GRAPH}>" in (built / "kg.nq").read_text(encoding="utf-8")
