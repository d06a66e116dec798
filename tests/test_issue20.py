"""Issue 20: each gap recorded and queried the way the seed facts are.

tests/data/issue20 is a fixture data directory (one synthetic announcement of an invented
municipality, with its text in texts/) that records an amendment changing budget, dates and
component, a contract signing date, a project status, a participant and the basis of each role,
an event, a council decision with its legal basis, chair and votes, and a school-year statistic.
It is built like data/ and asked with the saved queries and plain SPARQL.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset

from kg.common.errors import RecordError
from kg.query.run import run_saved
from kg.records.citations import check_citations
from kg.records.corpus import load_corpus
from kg.release.build import build
from kg.store.rdflib_memory import open_dataset

FIXTURE = Path(__file__).resolve().parent / "data" / "issue20"
ID = "https://w3id.org/bg-inclusion/id/"
PROJECT = ID + "project/BG05M9OP001-2.018-0077"
PREFIXES = """
PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX qb: <http://purl.org/linked-data/cube#>
"""


@pytest.fixture(scope="module")
def fixture_dataset(tmp_path_factory) -> Dataset:
    out = tmp_path_factory.mktemp("issue20") / "build"
    report = build(FIXTURE, out, reason=True, progress=False)
    assert "conforms" in report.validation
    return open_dataset(out)


def _expand(query: str) -> str:
    """``id:project/X`` is no SPARQL prefixed name (a slash): write it as an IRI."""
    return re.sub(r"\bid:([\w/.\-]*\w)", lambda match: f"<{ID}{match.group(1)}>", query)


def _select(dataset: Dataset, query: str) -> list[dict]:
    return [{str(k): v.toPython() for k, v in row.asdict().items()}
            for row in dataset.query(PREFIXES + _expand(query))]


def _saved(dataset: Dataset, name: str, **parameters) -> list[dict]:
    return [{str(k): v.toPython() for k, v in row.asdict().items()}
            for row in run_saved(dataset, name, parameters)]


def test_the_fixture_is_well_formed_and_cited():
    corpus = load_corpus(FIXTURE)
    problems = check_citations(corpus, FIXTURE / "texts")
    assert not problems, "\n".join(str(problem) for problem in problems)


def test_every_amount_says_whether_it_is_current(fixture_dataset, dataset):
    for graph in (fixture_dataset, dataset):
        query = "SELECT ?a WHERE { ?a a bgi:Amount FILTER NOT EXISTS { ?a bgi:isCurrent ?c } }"
        assert _select(graph, query) == []


def test_the_current_value_of_each_project_is_one_query(fixture_dataset):
    rows = [row for row in _saved(fixture_dataset, "current-value-per-project") if row["project"] == PROJECT]
    assert len(rows) == 1
    assert rows[0]["total"] == Decimal("120000.00") and rows[0]["currency"] == "BGN"
    assert rows[0]["sources"] == ID + "source/primerovo-zaedno-napred"


def test_the_current_value_of_the_seed_projects(dataset):
    rows = {row["project"]: row for row in _saved(dataset, "current-value-per-project")}
    assert rows[ID + "project/BG05M9OP001-2.018-0031"]["total"] == Decimal("1032658.75")
    assert rows[ID + "project/BG05M9OP001-2.056-0025"]["total"] == Decimal("1589270.65")
    # A project no document gives a total for is listed too, without a value.
    assert all(len([r for r in _saved(dataset, "current-value-per-project") if r["project"] == p]) == 1
               for p in rows)


def test_the_amendments_of_a_project_with_dates_component_and_budget_change(fixture_dataset):
    rows = _saved(fixture_dataset, "project-amendments", project=PROJECT)
    assert len(rows) == 1
    row = rows[0]
    assert row["number"] == "2"
    assert str(row["signed"]) == "2020-02-10" and str(row["newEnd"]) == "2021-12-31"
    assert row["componentBefore"] == ID + "procedure/BG05M9OP001-2.018/component/1"
    assert row["componentAfter"] == ID + "procedure/BG05M9OP001-2.018/component/2"
    assert row["direction"] == "increase" and row["value"] == Decimal("20000.00")


def test_the_seed_amendment_is_found_through_its_contracts(dataset):
    rows = _saved(dataset, "project-amendments")
    assert {row["number"] for row in rows} == {"01"}
    assert {str(row["newEnd"]) for row in rows} == {"2021-06-30"}


def test_a_superseded_amount_not_marked_is_refused_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    records = data / "records" / "primerovo-zaedno-napred.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("    value: '100 000,00 лв.'\n    current: false\n",
                                    "    value: '100 000,00 лв.'\n"), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_corpus(data)
    assert caught.value.file == records and caught.value.line > 1
    assert "current: false" in str(caught.value) and "total-after-amendment-2" in str(caught.value)


def test_contract_signing_date_and_project_status(fixture_dataset):
    rows = _select(fixture_dataset, """
        SELECT ?signed ?status ?date ?written WHERE {
          ?contract bgi:fundsProject id:project/BG05M9OP001-2.018-0077 ; bgi:signingDate ?signed .
          id:project/BG05M9OP001-2.018-0077 bgi:projectStatus/skos:notation ?status ;
              bgi:statusDate ?date ; bgi:statusAsWritten ?written .
        }""")
    assert [(str(r["signed"]), r["status"], str(r["date"]), r["written"]) for r in rows] == [
        ("2019-03-15", "completed", "2021-12-31", "Проектът приключи")]


def test_roles_with_their_basis_and_strand(fixture_dataset):
    rows = _select(fixture_dataset, """
        SELECT ?role ?basis ?strand WHERE {
          ?p bgi:participationIn id:project/BG05M9OP001-2.018-0077 ; bgi:role/skos:notation ?role .
          OPTIONAL { ?p bgi:roleBasis/skos:notation ?basis }
          OPTIONAL { ?p bgi:partnershipStrand/skos:notation ?strand }
        } ORDER BY ?role""")
    assert [(r["role"], r.get("basis"), r.get("strand")) for r in rows] == [
        ("beneficiary", "inferred-from-context", None), ("participant", "stated", None),
        ("partner", "stated", "transnational")]


def test_a_decision_with_protocol_legal_basis_chair_and_votes(fixture_dataset):
    rows = _select(fixture_dataset, """
        SELECT ?protocolDate ?basis ?act ?chair ?for ?against ?abstained ?plan ?item WHERE {
          id:decision/obshtinski-savet-primerovo/123 bgi:protocolDate ?protocolDate ;
              bgi:legalBasisAsWritten ?basis ; bgi:legalBasis/bgi:abbreviation ?act ;
              bgi:signedBy/rdfs:label ?chair ; bgi:votesFor ?for ; bgi:votesAgainst ?against ;
              bgi:votesAbstained ?abstained ; bgi:adopts ?plan ; bgi:decisionItem ?item .
        }""")
    assert len(rows) == 1
    row = rows[0]
    assert str(row["protocolDate"]) == "2020-05-28" and row["act"] == "ЗМСМА"
    assert row["basis"] == "чл. 21, ал. 1, т. 12 от ЗМСМА" and row["chair"] == "Иван Иванов"
    assert (row["for"], row["against"], row["abstained"]) == (25, 2, 1)
    assert row["item"] == "прие Плана за действие 2020-2022"


def test_a_plan_is_an_instance_of_the_plan_class(fixture_dataset, dataset):
    ask = "ASK { id:plan/%s a bgi:ActionPlan }"
    assert fixture_dataset.query(PREFIXES + _expand(ask % "primerovo-2020-2022")).askAnswer
    assert dataset.query(PREFIXES + _expand(ask % "kyustendil-roma-2022-2024")).askAnswer


def test_an_event_is_not_taken_for_a_project_activity(fixture_dataset):
    event = _expand("id:event/primerovo-zaedno-napred/1")
    assert not fixture_dataset.query(PREFIXES + f"ASK {{ {event} a bgi:Activity }}").askAnswer
    assert fixture_dataset.query(PREFIXES + f"ASK {{ {event} a schema:Event }}").askAnswer


def test_an_event_of_a_project_with_its_own_date(fixture_dataset):
    rows = _select(fixture_dataset, """
        SELECT ?name ?date ?organiser WHERE {
          ?event a bgi:Event ; bgi:eventOf id:project/BG05M9OP001-2.018-0077 ; rdfs:label ?name ;
                 schema:startDate ?date ; bgi:organisedBy ?organiser .
          FILTER (lang(?name) = "bg")
        }""")
    assert [(r["name"], str(r["date"]), r["organiser"]) for r in rows] == [
        ("информационна среща по проекта", "2020-06-20", ID + "org/obshtina-primerovo")]


def test_pupil_statistics_of_a_school_year_are_a_query(fixture_dataset, dataset):
    query = """
        SELECT ?obs ?value ?measure ?start ?end WHERE {
          ?obs a bgi:Observation ; bgi:schoolYear "2022/2023" ; bgi:unit/skos:notation ?unit ;
               bgi:observedValue ?value .
          OPTIONAL { ?obs bgi:measuredQuantity/skos:inScheme ?measure }
          OPTIONAL { ?obs bgi:refPeriodStart ?start ; bgi:refPeriodEnd ?end }
          FILTER (?unit IN ("pupils", "percent"))
        }"""
    rows = _select(fixture_dataset, query)
    assert [(r["value"], r["measure"], str(r["start"]), str(r["end"])) for r in rows] == [
        (Decimal("850"), ID + "scheme/measured-quantities", "2022", "2023")]
    assert len(_select(dataset, query)) == 2  # the Kyustendil plan's two 2022/2023 pupil shares


def test_the_data_cube_structure_has_the_new_dimensions(fixture_dataset):
    rows = _select(fixture_dataset, """
        SELECT ?dimension WHERE { bgi:documentStatisticsStructure qb:component/qb:dimension ?dimension }""")
    dimensions = {r["dimension"].rsplit("#", 1)[1] for r in rows}
    assert {"measuredQuantity", "refPeriodStart", "refPeriodEnd", "schoolYear"} <= dimensions


def test_cost_items_with_different_labels_and_changes_are_not_superseded(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    records = data / "records" / "primerovo-zaedno-napred.yaml"
    extra = ""
    for n, label in ((1, "Летен лагер"), (2, "информационна среща")):
        extra += f"""
  - id: project/BG05M9OP001-2.018-0077/amount/cost-item-{n}
    type: Amount
    line: 5
    of: project/BG05M9OP001-2.018-0077
    component: cost-item
    label: {{raw: '{label}', line: {6 if n == 1 else 9}}}
    value: '20 000,00 лв.'
    stated_after: project/BG05M9OP001-2.018-0077/amendment/2
  - id: project/BG05M9OP001-2.018-0077/amount/change-{n}
    type: Amount
    line: 5
    of: project/BG05M9OP001-2.018-0077
    component: change
    direction: increase
    value: '20 000,00 лв.'
    stated_after: project/BG05M9OP001-2.018-0077/amendment/2
"""
    records.write_text(records.read_text(encoding="utf-8") + extra, encoding="utf-8")
    corpus = load_corpus(data)  # no error: different labels, and changes are deltas
    assert sum(record.values.get("component") == "cost-item" for record in corpus.records) == 2
