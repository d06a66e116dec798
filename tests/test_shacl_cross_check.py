"""The shapes give the same results in Apache Jena SHACL as in pyshacl (skipped without Java + Jena).

The full table for every fixture is docs/shacl-cross-check.md (python tests/shacl_cross_check.py);
this test runs a representative part of the suite: the valid fixtures, the issue's examples and
the rules that need SPARQL, sums across readings or the provenance index.
"""

from __future__ import annotations

import pytest
import tools
from shacl_cross_check import cross_check

SELECTED = [
    "valid/grants-kyustendil.trig", "valid/grants-vidin.trig", "valid/plan-housing.trig",
    "valid/plan-projects.trig", "invalid/01-contract-number-cyrillic-es.trig",
    "invalid/02-procedure-code-zero-for-o.trig", "invalid/10-total-not-direct-plus-indirect.trig",
    "invalid/11-superseded-total-marked-current.trig",
    "invalid/14-eu-plus-national-not-programme-amount.trig", "invalid/15-amount-typed-double.trig",
    "invalid/30-project-start-after-end.trig", "invalid/33-action-deadline-after-plan-period.trig",
    "invalid/45-partner-scoped-to-unfunding-programme.trig", "invalid/60-action-without-indicator.trig",
    "invalid/64-measure-without-action-or-indicator.trig", "invalid/85-missing-label.trig",
    "invalid/92-resource-only-in-inferred-graph.trig",
    "invalid/94-location-lines-disagree-with-fragment.trig",
]


@pytest.fixture(scope="module")
def classpath() -> str:
    return tools.require("jena")


@pytest.mark.slow
@pytest.mark.needs("javac", "jena")
def test_jena_and_pyshacl_give_the_same_results_per_shape_and_severity(classpath, shacl_fixtures):
    rows = cross_check(classpath, [shacl_fixtures / name for name in SELECTED])
    assert len(rows) == len(SELECTED)
    different = {row["fixture"]: (row["pyshacl"], row["jena"])
                 for row in rows if row["pyshacl"] != row["jena"]}
    assert not different
    assert any(row["jena"] for row in rows)  # Jena really reported something
