"""`kg synth`: synthetic records shaped like data/, deterministic, that check, build and conform."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kg.cli import main
from kg.records.corpus import load_corpus
from kg.records.normalize import parse_money
from kg.synth import synthesize


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synthesize(60, 7, out)
    return out


def _files(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*.yaml"))}


def test_the_same_seed_writes_byte_identical_files(synthetic, tmp_path):
    assert main(["synth", "--contracts", "60", "--seed", "7", "--out", str(tmp_path)]) == 0
    assert _files(tmp_path) == _files(synthetic)


def test_another_seed_writes_other_records(synthetic, tmp_path):
    synthesize(60, 8, tmp_path)
    assert _files(tmp_path) != _files(synthetic)


def test_exactly_the_requested_number_of_contracts(synthetic):
    corpus = load_corpus(synthetic)
    assert sum(record.type.name == "Contract" for record in corpus.records) == 60


def test_synthetic_sources_are_marked_and_cite_no_text(synthetic):
    sources = yaml.safe_load((synthetic / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    for source in sources:
        assert source["id"].startswith("synth-")
        assert "file" not in source and "sha256" not in source
        assert source["note"].startswith("SYNTHETIC")


def test_synthetic_records_pass_kg_check(synthetic, capsys):
    assert main(["check", "--data", str(synthetic)]) == 0
    assert "structure and references OK" in capsys.readouterr().out


def test_projects_use_the_real_programmes_and_procedures(synthetic, data_dir):
    real = {record.id for record in load_corpus(data_dir).records if record.type.name == "Procedure"}
    corpus = load_corpus(synthetic)
    used = {procedure for record in corpus.records if record.type.name == "Project"
            for procedure in record.values["procedures"]}
    assert used and used <= real


def test_integrated_projects_have_one_contract_per_programme(synthetic):
    corpus = load_corpus(synthetic)
    legs: dict[str, list[str]] = {}
    for record in corpus.records:
        if record.type.name == "Contract":
            legs.setdefault(record.values["project"], []).append(record.values["programme"])
    projects = {record.id: record for record in corpus.records if record.type.name == "Project"}
    two_legged = [project for project, programmes in legs.items() if len(programmes) == 2]
    assert two_legged
    for project in two_legged:
        assert sorted(legs[project]) == sorted(projects[project].values["programmes"])


def test_budget_parts_add_up(synthetic):
    corpus = load_corpus(synthetic)
    amounts: dict[str, dict[str, Decimal]] = {}
    for record in corpus.records:
        if record.type.name == "Amount":
            slug = record.id.rsplit("/", 1)[1]
            amounts.setdefault(record.values["of"], {})[slug] = parse_money(record.values["value"].text).value
    broken_down = 0
    for parts in amounts.values():
        if "direct" in parts:
            assert parts["direct"] + parts["indirect"] == parts["total"]
            broken_down += 1
        if "oprchr-total" in parts:
            assert parts["oprchr-total"] + parts["opnoir-total"] == parts["total"]
            for leg in ("oprchr", "opnoir"):
                assert parts[f"{leg}-esf"] + parts[f"{leg}-national"] == parts[f"{leg}-total"]
            broken_down += 1
    assert broken_down


def test_partners_are_shared_across_projects(synthetic):
    corpus = load_corpus(synthetic)
    projects_of: dict[str, set[str]] = {}
    for record in corpus.records:
        if record.type.name == "Participation" and record.values["role"] == "partner":
            projects_of.setdefault(record.values["agent"], set()).add(record.values["project"])
    assert max(len(projects) for projects in projects_of.values()) > 1


def test_plans_have_priorities_measures_and_actions(synthetic):
    kinds = {record.type.name for record in load_corpus(synthetic).records}
    assert {"StrategicDocument", "Priority", "Measure", "Action", "Amendment"} <= kinds


def test_names_and_places_are_bulgarian(synthetic):
    corpus = load_corpus(synthetic)
    names = [record.values["name"].text for record in corpus.records if record.type.name == "Organisation"]
    assert all(re.search("[А-Яа-я]", name) for name in names)


def test_districts_carry_the_bundled_nuts_region_and_iso_code(synthetic, data_dir):
    """So questions by NUTS region answer on synthetic data as on the bundled graph."""
    bundled = {record.id: record.values for record in load_corpus(data_dir).records
               if record.type.name == "Place" and record.values.get("kind") == "district"}
    corpus = load_corpus(synthetic)
    districts = [record for record in corpus.records
                 if record.type.name == "Place" and record.values.get("kind") == "district"]
    regions = {record.id for record in corpus.records if record.type.name == "NutsRegion"}
    assert districts and regions
    for district in districts:
        assert district.values["nuts"] == bundled[district.id]["nuts"] and district.values["nuts"] in regions
        assert district.values["iso_code"].text == bundled[district.id]["iso_code"].text


def test_a_synthetic_directory_builds_and_conforms_to_the_shapes(synthetic, tmp_path):
    from kg.release.build import build

    report = build(synthetic, tmp_path, store=False)
    assert report.validation.startswith("validated: conforms")


def test_zero_contracts_is_a_clear_error(tmp_path, capsys):
    assert main(["synth", "--contracts", "0", "--out", str(tmp_path)]) == 2
    assert "--contracts" in capsys.readouterr().err


def test_the_streaming_build_of_a_synthetic_directory_validates_and_conforms(synthetic, tmp_path):
    from kg.release.build import build

    report = build(synthetic, tmp_path)
    assert report.validation.startswith("validated: conforms")
    assert (tmp_path / "store" / "CURRENT").is_file()


def test_the_build_writes_the_reference_nquads_for_synthetic_records(synthetic, tmp_path):
    from kg.reason.owlrl_reference import reference_graphs
    from kg.release.build import build
    from kg.release.files import nquads_text

    build(synthetic, tmp_path / "stream", store=False, validate=False)
    streamed = (tmp_path / "stream" / "kg.nq").read_bytes()
    assert streamed.decode("utf-8") == nquads_text(reference_graphs(synthetic)[0])
    assert b"<https://" in streamed and b"/graph/inferred>" in streamed
