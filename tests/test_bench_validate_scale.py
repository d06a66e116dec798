"""The scale benchmark's synthetic N× data must conform, or its timings would measure a failing graph.

bench/validate_scale.py clones the bundled graph to time ``kg validate`` at 10× and 100×; a clone
that broke a rule (a duplicate identifier, a record outside its source's graph) would make the
benchmark time error reporting instead of validation. This runs the cloning at 2× on the bundled
graph (assembled in process, without the store) and validates it with the shapes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.validate.engines import validate_files

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bundled_quads import bundled_nquads, parse_quads  # noqa: E402
from graph_cloning import VOCABULARY_GRAPHS, write_scaled  # noqa: E402


@pytest.mark.slow
def test_two_copies_of_the_bundled_graph_conform(tmp_path: Path) -> None:
    quads = parse_quads(bundled_nquads())
    original = tmp_path / "kg-1x.nq"
    doubled = tmp_path / "kg-2x.nq"
    single = write_scaled(quads, 1, original)
    count = write_scaled(quads, 2, doubled)
    assert single == len(quads)
    text = doubled.read_text(encoding="utf-8")
    # the copy has its own ids, valid for the shapes, and the source documents stay shared
    assert "-copy1" in text
    assert "/id/source/" in text and "-copy1#line=" not in text
    shared = sum(1 for quad in quads if quad[3] in VOCABULARY_GRAPHS)
    assert single < count < 2 * single - shared + 1

    report = validate_files([doubled], timeout=None)
    violations = [result for result in report.results if result.severity == "Violation"]
    assert report.conforms, violations[:5]
    baseline = validate_files([original], timeout=None)
    assert report.counts()["Warning"] == 2 * baseline.counts()["Warning"]
