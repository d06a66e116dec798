"""Issue 20: the reference source (NUTS 2021, districts, municipalities), organisation kinds,
registry ids and official names, as records and in the graph."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pycountry
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.common.paths import data_dir
from kg.mapping.labels import LabelIndex
from kg.mapping.records import record_triples
from kg.query.run import run_saved
from kg.records import iris
from kg.records.codelists import ORGANISATION_KINDS
from kg.records.corpus import load_corpus
from kg.records.normalize import slugify
from kg.records.sources import load_record_file, load_sources

ROOT = Path(__file__).resolve().parent.parent
ID = str(iris.ID)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(data_dir())


def _of_kind(corpus, kind: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for record in corpus.records:
        if record.type.name == "Place" and record.values.get("kind") == kind:
            found.setdefault(record.id, []).append(record)
    return found


def test_the_reference_source_is_shipped_with_the_data_and_says_where_it_comes_from(corpus):
    source = corpus.sources["nuts-2021-bg"]
    assert source.corpus == "reference" and source.file == "nuts-2021-bg.txt"
    text = (data_dir() / "reference" / source.file).read_text(encoding="utf-8")
    for origin in ("1059/2003", "2019/1755", "ISO 3166-2:BG", "Административно-териториално"):
        assert origin in text


def test_nuts_2021_bulgaria_has_2_6_28_regions_under_bg(corpus):
    regions = {r.id: r for r in corpus.records if r.type.name == "NutsRegion"}
    by_level = {level: sorted(rid for rid, r in regions.items() if r.values["level"] == level)
                for level in range(4)}
    assert by_level[0] == ["nuts/BG"]
    assert by_level[1] == ["nuts/BG3", "nuts/BG4"]
    assert by_level[2] == [f"nuts/BG{n}" for n in (31, 32, 33, 34, 41, 42)]
    assert len(by_level[3]) == 28
    for rid, region in regions.items():
        if region.values["level"]:
            assert region.values["broader"] == rid[:-1], rid  # BG415 -> BG41 -> BG4 -> BG


def test_every_district_has_its_iso_code_as_pycountry_lists_it_and_a_nuts_3_region(corpus):
    districts = {rid: copies for rid, copies in _of_kind(corpus, "district").items()}
    iso = {}
    for rid, copies in districts.items():
        codes = {str(c.values["iso_code"].text) for c in copies if "iso_code" in c.values}
        nuts = {c.values["nuts"] for c in copies if "nuts" in c.values}
        assert len(codes) == 1 and len(nuts) == 1, rid
        iso[rid] = codes.pop()
    official = {s.code: s.name for s in pycountry.subdivisions.get(country_code="BG")}
    assert sorted(iso.values()) == sorted(official) and len(official) == 28
    for rid, code in iso.items():
        slug = slugify(official[code].removesuffix(" District")).replace("sofia-stolitsa", "sofia-grad")
        assert rid == f"place/oblast-{slug}", (rid, code, official[code])


def test_every_municipality_of_the_graph_lies_in_a_district(corpus):
    districts = set(_of_kind(corpus, "district"))
    municipalities = _of_kind(corpus, "municipality-territory")
    assert len(municipalities) >= 23
    for rid, copies in municipalities.items():
        within = {c.values.get("within") for c in copies} - {None}
        assert within and within <= districts, (rid, within)
    assert {c.values.get("within") for c in municipalities["place/obshtina-chelopech"]} - {None} == {
        "place/oblast-sofia"}


def test_projects_by_nuts_region_go_up_from_the_place_to_nuts_1(dataset):
    rows = [row.asdict() for row in run_saved(dataset, "projects-by-nuts-region",
                                              {"region": ID + "nuts/BG41"})]
    kyustendil = [r for r in rows if str(r["project"]) == ID + "project/BG05M9OP001-2.018-0031"]
    assert kyustendil and {(str(r["nuts3"]), str(r["nuts2"]), str(r["nuts1"])) for r in kyustendil} == {
        ("BG415", "BG41", "BG4")}
    assert not [r for r in rows if str(r["project"]) == ID + "project/BG05M9OP001-2.056-0025"]
    north = [row.asdict() for row in run_saved(dataset, "projects-by-nuts-region",
                                               {"region": ID + "nuts/BG3"})]
    assert ID + "project/BG05M9OP001-2.056-0025" in {str(r["project"]) for r in north}  # Vidin, BG311


def test_no_enterprise_or_city_district_is_a_municipality(dataset):
    rows = dataset.query("""
        PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        PREFIX ok: <https://w3id.org/bg-inclusion/id/concept/organisation-kinds/>
        SELECT ?x WHERE { ?x a bgi:Municipality ; bgi:organisationKind ?kind .
                          FILTER (?kind != ok:municipality) }""")
    assert list(rows) == []
    assert ORGANISATION_KINDS["municipal-enterprise"] != "bgi:Municipality"
    assert ORGANISATION_KINDS["city-district-administration"] != "bgi:Municipality"


def test_numbered_schools_slugify_to_sane_ids():
    assert slugify("41-во ОУ „Св. Патриарх Евтимий“") == "41-vo-ou-sv-patriarh-evtimiy"
    assert slugify("141 ОУ „Народни будители“") == "141-ou-narodni-buditeli"


def test_an_official_name_is_found_by_the_organisations_by_name_query(dataset):
    rows = [row.asdict() for row in run_saved(dataset, "organisations-by-name",
                                              {"text": "Агенция по заетостта", "language": "bg"})]
    assert {str(r["organisation"]) for r in rows} == {ID + "org/agentsia-po-zaetostta"}
    assert {str(r["name"]) for r in rows} == {"Агенцията по заетостта"}  # the name as written


def test_a_registry_id_becomes_an_adms_identifier_and_is_found_by_its_query(tmp_path, corpus):
    path = tmp_path / "eik.yaml"
    path.write_text("source: nuts-2021-bg\nrecords:\n"
                    "  - id: org/stolichna-obshtina\n    type: Organisation\n    line: 12\n"
                    "    name: 'Столична община'\n    kind: municipality\n"
                    "    registry_id: 'БУЛСТАТ 000696327'\n", encoding="utf-8")
    record = load_record_file(path, load_sources(data_dir() / "sources.yaml"))[0]
    triples = set(record_triples(record, LabelIndex.of(corpus)))
    subject = iris.thing("org/stolichna-obshtina")
    assert (subject, iris.BGI.registryId, Literal("000696327")) in triples
    node = iris.child(subject, "registry-id")
    assert (subject, iris.ADMS.identifier, node) in triples
    assert (node, RDF.type, iris.ADMS.Identifier) in triples
    assert (node, SKOS.notation, Literal("000696327")) in triples
    assert (node, iris.ADMS.schemeAgency, Literal("Агенция по вписванията", lang="bg")) in triples
    assert (node, URIRef("http://purl.org/dc/terms/type"),
            iris.concept("identifier-schemes", "eik-bulstat")) in triples
    from rdflib import Dataset
    graph = Dataset()
    for triple in triples:
        graph.add(triple)
    rows = [row.asdict() for row in run_saved(graph, "organisations-by-registry-id",
                                              {"registryId": "ЕИК 000 696 327"})]
    assert [(str(r["digits"]), str(r["organisation"])) for r in rows] == [("000696327", str(subject))]
    missing = [row.asdict() for row in run_saved(graph, "organisations-by-registry-id",
                                                 {"registryId": "121015056"})]
    assert [str(r["digits"]) for r in missing] == ["121015056"] and "organisation" not in missing[0]


@pytest.mark.slow
def test_the_wheel_ships_the_reference_text(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith("data/reference/nuts-2021-bg.txt") for name in names)
    assert any(name.endswith("data/records/reference-nuts-2021-bg.yaml") for name in names)
