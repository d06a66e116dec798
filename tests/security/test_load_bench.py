"""The bounded load test (bench/load_test.py, wrk from Debian) runs, stops by itself and writes
its section of RESULTS.md; its figures are recorded there, never asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.needs("wrk")
def test_the_load_test_runs_for_its_fixed_duration_and_writes_its_section(built, tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmarks\n\n## Another section\n\nkept\n", encoding="utf-8")
    for _ in range(2):  # the second run replaces the section
        done = subprocess.run([sys.executable, str(REPO / "bench" / "load_test.py"), "--build", str(built),
                               "--duration", "1", "--connections", "2", "--out", str(out)],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.count("<!-- load-test:start -->") == 1 and "## Another section\n\nkept" in text
    assert "requests/s" in text and "| project-budget-totals |" in text and "cores" in text
