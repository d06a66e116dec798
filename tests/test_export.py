"""``kg export``: every format, byte-identical across runs, isomorphic to the release, atomic.

The golden files in tests/golden/export-small/ are the export of the small fixture
(tests/data/export/small.trig, see its README); after an intended change of the output,
regenerate them with ``KG_UPDATE_GOLDEN=1 python -m pytest tests/test_export.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kg.common.errors import KgError
from kg.export.checksums import SUMS_FILENAME, facts_of_file
from kg.export.pipeline import ExportOptions, export_release, graphs_from_build
from kg.export.settings import parse_release_date, publication
from kg.records import iris

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "data" / "export" / "small.trig"
GOLDEN = REPO / "tests" / "golden" / "export-small"
RELEASE_DATE = date(2025, 1, 31)
TRIPLE_FILES = {"kg.ttl": "turtle", "kg.nt": "nt", "kg.rdf": "xml"}
QUAD_FILES = {"kg.trig": "trig", "kg.nq": "nquads", "kg.jsonld": "json-ld"}


def fixture_graphs() -> dict[URIRef, Graph]:
    dataset = Dataset()
    dataset.parse(FIXTURE, format="trig")
    return {graph.identifier: graph for graph in dataset.graphs() if len(graph)}


def options(inferred: bool = False, formats: tuple[str, ...] | None = None) -> ExportOptions:
    chosen = ExportOptions(publication(RELEASE_DATE, inferred=inferred), inferred=inferred)
    return chosen if formats is None else ExportOptions(chosen.publication, formats, inferred)


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def small_export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "dist"
    export_release(fixture_graphs(), out, options())
    return out


@pytest.fixture(scope="module")
def bundled_export(built: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "dist"
    export_release(graphs_from_build(built), out, options())
    return out


def asserted(graphs: dict[URIRef, Graph]) -> dict[URIRef, Graph]:
    return {name: graph for name, graph in graphs.items() if name != iris.INFERRED_GRAPH}


def merged(graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    return union


def assert_round_trips(out: Path, expected: dict[URIRef, Graph]) -> None:
    """Every RDF file parses back to the exported graphs (quad files) or their merge (triple files)."""
    union = merged(expected)
    for name, rdf_format in TRIPLE_FILES.items():
        parsed = Graph().parse(out / name, format=rdf_format)
        assert isomorphic(parsed, union), name
    for name, rdf_format in QUAD_FILES.items():
        dataset = Dataset()
        dataset.parse(out / name, format=rdf_format)
        parsed = {graph.identifier: graph for graph in dataset.graphs() if len(graph)}
        assert set(parsed) == set(expected), name
        for identifier, graph in expected.items():
            assert isomorphic(parsed[identifier], graph), f"{name}: {identifier}"


def test_the_export_of_the_fixture_matches_the_golden_files_byte_for_byte(small_export):
    produced = files_under(small_export)
    if os.environ.get("KG_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(small_export, GOLDEN)
    expected = files_under(GOLDEN)
    assert sorted(produced) == sorted(expected)
    for name, data in produced.items():
        assert data == expected[name], f"{name} differs from tests/golden/export-small/{name}"


def test_the_export_writes_every_format_with_its_descriptions(small_export):
    names = set(files_under(small_export))
    assert {"kg.ttl", "kg.trig", "kg.nt", "kg.nq", "kg.rdf", "kg.jsonld", "context.jsonld",
            "projects.jsonld", "projects/BG05M9OP001-2.002-0131.jsonld", "void.ttl", "dcat.ttl",
            SUMS_FILENAME} <= names
    assert {f"csv/{table}.csv" for table in ("projects", "contracts", "organisations", "participations",
                                              "amounts", "plan-actions")} <= names


def test_every_rdf_format_of_the_fixture_parses_back_to_the_same_dataset(small_export):
    assert_round_trips(small_export, asserted(fixture_graphs()))


def test_every_rdf_format_of_the_bundled_graph_parses_back_to_the_same_dataset(bundled_export, built):
    assert_round_trips(bundled_export, asserted(graphs_from_build(built)))


def test_asserted_only_by_default_and_the_inferred_graph_with_inferred(tmp_path):
    export_release(fixture_graphs(), tmp_path / "with", options(inferred=True, formats=("nq",)))
    export_release(fixture_graphs(), tmp_path / "without", options(formats=("nq",)))
    assert f"<{iris.INFERRED_GRAPH}>" in (tmp_path / "with" / "kg.nq").read_text(encoding="utf-8")
    assert f"<{iris.INFERRED_GRAPH}>" not in (tmp_path / "without" / "kg.nq").read_text(encoding="utf-8")


def test_sha256sums_lists_every_other_file_with_its_checksum(small_export):
    lines = (small_export / SUMS_FILENAME).read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    assert set(listed) == set(files_under(small_export)) - {SUMS_FILENAME}
    for name, digest in listed.items():
        assert facts_of_file(small_export, name).sha256 == digest


def test_only_the_release_date_given_is_written_never_the_clock(small_export, tmp_path):
    dcat = (small_export / "dcat.ttl").read_text(encoding="utf-8")
    assert '"2025-01-31"^^xsd:date' in dcat
    export_release(fixture_graphs(), tmp_path / "undated", ExportOptions(publication(None)))
    undated = (tmp_path / "undated" / "dcat.ttl").read_text(encoding="utf-8")
    assert "issued" not in undated and "modified" not in undated
    assert str(date.today().year) + "-" not in undated


def _export_in_subprocess(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-m", "kg", "export", "--build", str(out.parent / "build"),
                             "--out", str(out), "--release-date", "2025-01-31"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_the_export_is_byte_identical_across_runs_with_different_hash_seeds(built, tmp_path):
    shutil.copytree(built, tmp_path / "build", ignore=shutil.ignore_patterns("store"))
    _export_in_subprocess(tmp_path / "one", "1")
    _export_in_subprocess(tmp_path / "two", "4242")
    one, two = files_under(tmp_path / "one"), files_under(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_a_failed_export_leaves_the_previous_export_intact(small_export, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    shutil.copytree(small_export, out)
    before = files_under(out)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full while writing")

    monkeypatch.setattr("kg.export.pipeline.write_file", broken)
    with pytest.raises(RuntimeError):
        export_release(fixture_graphs(), out, options())
    assert files_under(out) == before
    assert [path.name for path in tmp_path.iterdir()] == ["dist"]  # no staging directory left


def test_an_export_replaces_files_of_a_previous_export_that_it_no_longer_writes(small_export, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(small_export, out)
    export_release(fixture_graphs(), out, options(formats=("ttl",)))
    assert not (out / "kg.nq").exists()
    assert (out / "kg.ttl").is_file()


def test_a_bad_release_date_or_format_is_an_error_that_says_what_to_write():
    with pytest.raises(KgError, match="YYYY-MM-DD"):
        parse_release_date("31.01.2025")
    with pytest.raises(KgError, match="YYYY-MM-DD"):
        parse_release_date("2025-02-30")
    with pytest.raises(KgError, match="unknown format"):
        export_release(fixture_graphs(), Path("unused"), options(formats=("ttl", "xlsx")))


def test_the_cli_reports_bad_input_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg", "export", "--build", str(tmp_path / "missing-data"),
                             "--out", str(tmp_path / "dist"), "--release-date", "2025-1-31"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--release-date: '2025-1-31' is not a date" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


def test_the_cli_exports_an_existing_build(built, tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg", "export", "--build", str(built), "--out",
                             str(tmp_path / "dist"), "--formats", "ttl,csv"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "kg.ttl" in result.stdout and (tmp_path / "dist" / "csv" / "projects.csv").is_file()
    described = json.dumps(sorted(files_under(tmp_path / "dist")))
    assert "kg.nq" not in described
