"""The saved queries answer the research questions exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib.plugins.sparql import prepareQuery
from seed_documents import stated_in_seed_documents

from kg.query.catalogue import ParameterError, catalogue
from kg.query.run import run_saved

ID = "https://w3id.org/bg-inclusion/id/"


def _rows(dataset, name, **parameters):
    return [{str(k): v for k, v in row.asdict().items()}
            for row in run_saved(dataset, name, parameters)]


def test_every_saved_query_parses_has_a_header_and_answers(dataset):
    queries = catalogue()
    assert len(queries) >= 8
    for saved in queries.values():
        prepareQuery(saved.text)
        assert saved.title and saved.title_bg and saved.description
        assert list(run_saved(dataset, saved.name)), f"{saved.name} returns no rows"


def test_vidin_total_and_its_split_by_programme_and_fund(dataset):
    sums = {row["component"].toPython(): row["sum"].toPython()
            for row in _rows(dataset, "project-budget-totals")}
    assert sums["total"] == Decimal("1589270.65")
    assert sums["programme-total"] == Decimal("1589270.65")  # 1 199 362.90 + 389 907.75
    assert sums["eu-share"] == Decimal("1350880.06")
    assert sums["national-share"] == Decimal("238390.59")
    by_programme = {(str(row.get("programme", "")), row["component"].toPython()): row["value"].toPython()
                    for row in _rows(dataset, "project-budget")}
    assert by_programme[(ID + "programme/2014BG05M9OP001", "programme-total")] == Decimal("1199362.90")
    assert by_programme[(ID + "programme/2014BG05M2OP001", "programme-total")] == Decimal("389907.75")


def test_kyustendil_project_keeps_both_values_and_marks_the_later_current(dataset):
    rows = _rows(dataset, "project-budget", project=ID + "project/BG05M9OP001-2.018-0031")
    totals = {row["value"].toPython(): row.get("current") for row in rows
              if row["component"].toPython() == "total"}
    assert set(totals) == {Decimal("882659.05"), Decimal("1032658.75")}
    assert totals[Decimal("1032658.75")].toPython() is True
    assert totals[Decimal("882659.05")].toPython() is False


def test_kyustendil_partners_per_programme_and_in_both(dataset):
    rows = _rows(dataset, "project-partners-by-programme")
    partners = {}
    for row in rows:
        if row["role"].toPython() == "partner" and "programme" in row:
            partners.setdefault(str(row["programme"]), set()).add(str(row["organisation"]))
    assert len(partners[ID + "programme/2014BG05M9OP001"]) == 8
    assert len(partners[ID + "programme/2014BG05M2OP001"]) == 3
    both = {str(row["organisation"]) for row in _rows(dataset, "partners-in-both-programmes")}
    assert both == {ID + "org/tsentar-za-neformalno-obrazovanie-i-kulturna-deynost-alos",
                    ID + "org/ou-prof-marin-drinov-kyustendil", ID + "org/dg-slantse-kyustendil"}


def test_projects_cofinanced_by_both_operational_programmes(dataset):
    seed_resources = stated_in_seed_documents(dataset)
    projects = {str(row["project"]) for row in _rows(dataset, "projects-cofinanced-by-both-programmes")
                if row["project"] in seed_resources}
    assert projects == {ID + "project/BG05M9OP001-2.018-0031", ID + "project/BG05M9OP001-2.056-0025"}


def test_measures_and_actions_per_priority(dataset):
    counts = [(row["position"].toPython(), row["measures"].toPython(), row["actions"].toPython())
              for row in _rows(dataset, "plan-measures-per-priority")]
    assert counts == [(1, 6, 16), (2, 6, 7), (3, 6, 8), (4, 5, 4), (5, 3, 7), (6, 3, 3)]
    assert sum(m for _, m, _ in counts) == 29 and sum(a for _, _, a in counts) == 45


def test_the_plan_table_has_45_rows(dataset):
    assert len(_rows(dataset, "plan-actions")) == 45


def _in_the_kyustendil_plan(rows: list[dict]) -> list[dict]:
    """The rows about items of the seed action plan (another plan may name the same institution)."""
    return [row for row in rows if str(row["item"]).startswith(ID + "plan/kyustendil-roma-2022-2024/")]


def test_actions_the_regional_health_inspectorate_is_responsible_for(dataset):
    rows = _in_the_kyustendil_plan(_rows(dataset, "actions-by-institution"))
    notations = sorted(str(row["notation"]).strip() for row in rows)
    assert len(rows) == 8
    assert notations.count("3.1.") == 2  # health 3.1 and rule-of-law 3.1


def test_actions_of_the_labour_office(dataset):
    rows = _rows(dataset, "actions-by-institution", institution=ID + "org/dbt-kyustendil")
    assert len(_in_the_kyustendil_plan(rows)) == 8


def test_documents_that_state_facts_about_the_kyustendil_project(dataset):
    rows = _rows(dataset, "fact-provenance")
    documents = {str(row["document"]).rsplit("/", 1)[1] for row in rows}
    assert documents == {"kyustendil-equal-opportunities", "alos-equal-opportunities"}
    assert all(row["cited"] for row in rows)


def test_disagreements_keep_both_readings_with_their_sources(dataset):
    rows = _rows(dataset, "disagreements")
    school = [row for row in rows if str(row["subject"]).endswith("org/ou-prof-marin-drinov-kyustendil")]
    values = {str(row["value"]): row["current"].toPython() for row in school}
    assert any("дринов" in value.casefold() and current for value, current in values.items())
    assert any("динов" in value.casefold() and not current for value, current in values.items())


def test_a_parameter_of_the_wrong_type_is_refused(dataset):
    with pytest.raises(ParameterError, match="not an absolute IRI"):
        run_saved(dataset, "actions-by-institution", {"institution": "РЗИ"})
    with pytest.raises(ParameterError, match="no parameter"):
        run_saved(dataset, "actions-by-institution", {"who": ID + "org/rzi-kyustendil"})


def test_an_injection_attempt_in_a_parameter_is_refused(dataset):
    with pytest.raises(ParameterError):
        run_saved(dataset, "actions-by-institution",
                  {"institution": ID + "x> } ; DROP ALL ; SELECT * { <a"})
