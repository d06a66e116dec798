"""The streaming build's fast index reads ids, types and labels off the lines of a record file;
it answers only where it is sure, and a disagreement with the full parse is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kg.release.build_stream as build_stream
from kg.common import paths
from kg.records.index_scan import scan_entries
from kg.release.build_stream import build_streaming


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    subprocess.run([sys.executable, "-m", "kg", "synth", "--contracts", "40", "--seed", "3",
                    "--out", str(out)], check=True, capture_output=True)
    return out


def _yaml_entries(path: Path) -> list:
    build_stream._STATE.update(scan=False)
    try:
        return build_stream._index_file(path)[0]
    finally:
        build_stream._STATE.clear()


def test_the_scan_reads_every_synthetic_file_as_the_yaml_parser_does(synthetic):
    files = sorted((synthetic / "records").glob("*.yaml"))
    for path in files:
        assert scan_entries(path.read_text(encoding="utf-8")) == _yaml_entries(path), path


def test_where_the_scan_answers_for_a_curated_file_it_agrees_with_the_parser():
    for path in sorted((paths.data_dir() / "records").glob("*.yaml")):
        scanned = scan_entries(path.read_text(encoding="utf-8"))
        assert scanned is None or scanned == _yaml_entries(path), path


RECORD = "source: s\nrecords:\n- id: organisation/a\n  type: Organisation\n  name: {name}\n"


@pytest.mark.parametrize("name", [
    "|\n    ОУ „Христо Ботев“",          # a block scalar
    "'ОУ' # a comment after quotes",
    '"ОУ \\u201eX\\u201c"',             # escapes in double quotes
    "ОУ „Христо\n    Ботев“",            # a plain scalar continued on the next line
    "2022",                              # YAML reads a number
    "{raw: ОУ, line: 3}",                # a cited value
    "",                                  # nothing on the line
])
def test_the_scan_declines_what_it_cannot_read_for_sure(name):
    assert scan_entries(RECORD.format(name=name)) is None


def test_the_scan_reads_plain_and_simply_quoted_labels():
    assert scan_entries(RECORD.format(name="ОУ „Христо Ботев“ –  Видин")) == [
        ("organisation/a", "Organisation", "ОУ „Христо Ботев“ – Видин", None)]
    assert scan_entries(RECORD.format(name="'община: Кюстендил, ''Запад'''")) == [
        ("organisation/a", "Organisation", "община: Кюстендил, 'Запад'", None)]


def test_a_scan_that_disagrees_with_the_parse_makes_the_build_index_again(synthetic, tmp_path, monkeypatch,
                                                                           capfd):
    build_streaming(synthetic, tmp_path / "trusted", store=False)

    def wrong(text: str):
        entries = scan_entries(text)
        return [(identifier, kind, bg and bg + " (wrong)", en) for identifier, kind, bg, en in entries or []]

    monkeypatch.setattr(build_stream, "scan_entries", wrong)  # the forked workers inherit it
    build_streaming(synthetic, tmp_path / "rescued", store=False)
    assert "indexing again from the YAML" in capfd.readouterr().err
    assert (tmp_path / "rescued" / "kg.nq").read_bytes() == (tmp_path / "trusted" / "kg.nq").read_bytes()
