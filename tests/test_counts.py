"""The graph holds what the documents say: counts per class match the documents."""

from __future__ import annotations

import pytest

PREFIXES = """
PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _count(dataset, where: str) -> int:
    rows = list(dataset.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0][0])


@pytest.mark.parametrize(("cls", "expected"), [
    ("bgi:Project", 6),
    ("bgi:GrantContract", 7),
    ("bgi:Priority", 6),
    ("bgi:Measure", 29),
    ("bgi:Action", 45),
    ("bgi:Amendment", 1),
    ("bgi:Municipality", 2),
])
def test_class_counts_match_the_documents(dataset, cls, expected):
    assert _count(dataset, f"?x a {cls}") == expected


def test_the_six_projects_are_the_documents_projects(dataset):
    rows = dataset.query(PREFIXES + "SELECT ?x WHERE { ?x a bgi:Project }")
    keys = sorted(str(row.x).rsplit("/project/", 1)[1] for row in rows)
    assert keys == ["BG05M9OP001-2.002-0131", "BG05M9OP001-2.018-0031", "BG05M9OP001-2.029-0004",
                    "BG05M9OP001-2.056-0025", "BGLD-2.003-0004",
                    "uslugi-za-ranno-detsko-razvitie-v-obshtina-kyustendil"]


def test_the_seven_contract_numbers(dataset):
    rows = dataset.query(PREFIXES + """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?n WHERE { ?x a bgi:GrantContract ; dcterms:identifier ?n }""")
    assert sorted(str(row.n) for row in rows) == [
        "BG05M9OP001-2.002-0131-C001",
        "BG05M9OP001-2.018-0031-2014BG05M2OP001-C01",
        "BG05M9OP001-2.018-0031-C01",
        "BG05M9OP001-2.029-0004",
        "BG05M9OP001-2.056-0025-2014BG05M2OP001-C01",
        "BG05M9OP001-2.056-0025-C01",
        "BGLD-2.003-0004-C01",
    ]


@pytest.mark.parametrize(("project", "role", "expected"), [
    ("BG05M9OP001-2.056-0025", "partner", 7),
    ("BG05M9OP001-2.056-0025", "associated-partner", 4),
    ("BG05M9OP001-2.056-0025", "beneficiary", 1),
    ("BG05M9OP001-2.018-0031", "beneficiary", 1),
    ("BG05M9OP001-2.018-0031", "partner", 8),
])
def test_participants_per_project_and_role(dataset, project, role, expected):
    where = f"""?p bgi:participationIn <https://w3id.org/bg-inclusion/id/project/{project}> ;
                   bgi:participant ?x ;
                   bgi:role <https://w3id.org/bg-inclusion/id/concept/roles/{role}> ."""
    assert _count(dataset, where) == expected


def test_housing_measure_5_has_no_action_but_its_own_deadline_and_indicator(dataset):
    measure = "<https://w3id.org/bg-inclusion/id/plan/kyustendil-roma-2022-2024/housing/m5>"
    assert _count(dataset, f"?x bgi:actionOf {measure}") == 0
    assert _count(dataset, f"{measure} bgi:indicator ?x") >= 1
    assert _count(dataset, f"{measure} bgi:deadlineStart ?x") == 1


def test_every_action_has_a_deadline_a_responsible_and_an_indicator(dataset):
    for prop in ("bgi:deadlineStart", "bgi:responsibleParty", "bgi:indicator", "bgi:fundingSource"):
        missing = _count(dataset, f"?x a bgi:Action . FILTER NOT EXISTS {{ ?x {prop} ?v }}")
        assert missing == 0, prop


def test_the_statistics_are_observations_with_their_approximation(dataset):
    assert _count(dataset, "?x a bgi:Observation") >= 12
    about = "<https://w3id.org/bg-inclusion/id/concept/approximations/about>"
    assert _count(dataset, f"?x a bgi:Observation ; bgi:approximation {about}") >= 2
