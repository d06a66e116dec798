"""The graph holds what the documents say: counts per class match the documents.

Two kinds of count, so that adding a document to data/ breaks none of them: the seed documents'
exact numbers, read from their own named graphs (tests/seed_documents.py), and for the whole
graph, one resource per record, counted from the records themselves.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef
from seed_documents import seed_graphs_values

from kg.records import iris
from kg.records.corpus import Corpus, load_corpus

PREFIXES = """
PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@pytest.fixture(scope="module")
def corpus(data_dir) -> Corpus:
    return load_corpus(data_dir)


def _count(dataset, where: str) -> int:
    rows = list(dataset.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0][0])


def _count_in_seed_documents(dataset, where: str) -> int:
    """Distinct ``?x`` matching ``where`` inside the named graph of one of the seed documents."""
    return _count(dataset, f"GRAPH ?g {{ {where} }} {seed_graphs_values()}")


@pytest.mark.parametrize(("cls", "expected"), [
    ("bgi:Project", 6),
    ("bgi:GrantContract", 7),
    ("bgi:Priority", 6),
    ("bgi:Measure", 29),
    ("bgi:Action", 45),
    ("bgi:Amendment", 1),
    ("bgi:Municipality", 2),
    ("bgi:Observation", 16),
])
def test_class_counts_match_the_seed_documents(dataset, cls, expected):
    assert _count_in_seed_documents(dataset, f"?x a {cls}") == expected


@pytest.mark.parametrize(("cls", "record_type", "kind"), [
    ("bgi:Project", "Project", None),
    ("bgi:GrantContract", "Contract", None),
    ("bgi:Priority", "Priority", None),
    ("bgi:Measure", "Measure", None),
    ("bgi:Action", "Action", None),
    ("bgi:Amendment", "Amendment", None),
    ("bgi:Municipality", "Organisation", "municipality"),
    ("bgi:Observation", "Observation", None),
])
def test_the_graph_has_one_resource_per_record_id_of_the_class(dataset, corpus, cls, record_type, kind):
    """Whatever data/ holds: every record of the type is there, under its id, and nothing else."""
    expected = {iris.thing(record.id) for record in corpus.records
                if record.type.name == record_type and (kind is None or record.values.get("kind") == kind)}
    found = {row.x for row in dataset.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ ?x a {cls} }}")}
    assert expected
    assert found == expected


def test_the_six_projects_are_the_seed_documents_projects(dataset):
    rows = dataset.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a bgi:Project }} "
                                    f"{seed_graphs_values()} }}")
    keys = sorted(str(row.x).rsplit("/project/", 1)[1] for row in rows)
    assert keys == ["BG05M9OP001-2.002-0131", "BG05M9OP001-2.018-0031", "BG05M9OP001-2.029-0004",
                    "BG05M9OP001-2.056-0025", "BGLD-2.003-0004",
                    "uslugi-za-ranno-detsko-razvitie-v-obshtina-kyustendil"]


def test_the_seven_contract_numbers_of_the_seed_documents(dataset):
    rows = dataset.query(PREFIXES + f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT DISTINCT ?n WHERE {{
          GRAPH ?g {{ ?x a bgi:GrantContract ; dcterms:identifier ?n }} {seed_graphs_values()}
        }}""")
    assert sorted(str(row.n) for row in rows) == [
        "BG05M9OP001-2.002-0131-C01",
        "BG05M9OP001-2.018-0031-2014BG05M2OP001-C01",
        "BG05M9OP001-2.018-0031-C01",
        "BG05M9OP001-2.029-0004",
        "BG05M9OP001-2.056-0025-2014BG05M2OP001-C01",
        "BG05M9OP001-2.056-0025-C01",
        "BGLD-2.003-0004-C01",
    ]


@pytest.mark.parametrize(("project", "role", "expected"), [
    ("BG05M9OP001-2.056-0025", "partner", 6),  # the kindergarten branch is part of its partner
    ("BG05M9OP001-2.056-0025", "associated-partner", 4),
    ("BG05M9OP001-2.056-0025", "beneficiary", 1),
    ("BG05M9OP001-2.018-0031", "beneficiary", 1),
    ("BG05M9OP001-2.018-0031", "partner", 8),
])
def test_participants_per_project_and_role(dataset, project, role, expected):
    where = f"""?p bgi:participationIn <https://w3id.org/bg-inclusion/id/project/{project}> ;
                   bgi:participant ?x ;
                   bgi:role <https://w3id.org/bg-inclusion/id/concept/roles/{role}> ."""
    assert _count_in_seed_documents(dataset, where) == expected


def test_housing_measure_5_has_no_action_but_its_own_deadline_and_indicator(dataset):
    measure = "<https://w3id.org/bg-inclusion/id/plan/kyustendil-roma-2022-2024/housing/m5>"
    assert _count(dataset, f"?x bgi:actionOf {measure}") == 0
    assert _count(dataset, f"{measure} bgi:indicator ?x") >= 1
    assert _count(dataset, f"{measure} bgi:deadlineStart ?x") == 1


def test_every_action_of_the_plan_has_a_deadline_a_responsible_and_an_indicator(dataset):
    plan_action = ("?x bgi:actionOf/bgi:measureOf/bgi:priorityOf "
                   "<https://w3id.org/bg-inclusion/id/plan/kyustendil-roma-2022-2024>")
    assert _count(dataset, plan_action) == 45
    for prop in ("bgi:deadlineStart", "bgi:responsibleParty", "bgi:indicator", "bgi:fundingSource"):
        missing = _count(dataset, f"{plan_action} . FILTER NOT EXISTS {{ ?x {prop} ?v }}")
        assert missing == 0, prop


def test_the_statistics_are_observations_with_their_approximation(dataset):
    about = URIRef("https://w3id.org/bg-inclusion/id/concept/approximations/about")
    assert _count_in_seed_documents(dataset, f"?x a bgi:Observation ; bgi:approximation <{about}>") == 2


def test_a_kindergarten_branch_is_part_of_its_partner_never_a_partner_itself(dataset):
    """docs/model.md: a branch (bgi:KindergartenBranch) is counted as part of its kindergarten."""
    assert _count(dataset, "?p bgi:participant ?x . ?x a bgi:KindergartenBranch") == 0
    branch_of_partner = """
        ?p bgi:participationIn <https://w3id.org/bg-inclusion/id/project/BG05M9OP001-2.056-0025> ;
           bgi:participant ?kindergarten .
        ?x bgi:branchOf ?kindergarten ; a bgi:KindergartenBranch ."""
    assert _count(dataset, branch_of_partner) == 1
