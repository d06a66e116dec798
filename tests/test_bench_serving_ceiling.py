"""The serving-ceiling benchmark runs its four servers on a build and writes only its section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.needs("oxigraph", "wrk")
def test_the_ceiling_benchmark_measures_four_servers_and_replaces_only_its_section(built, tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmarks\n\n## Another benchmark\n\nits table\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "bench" / "serving_ceiling.py"), "--build", str(built),
                          "--rounds", "1", "--seconds", "0.5", "--processes", "2", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    written = out.read_text(encoding="utf-8")
    assert "## Another benchmark\n\nits table" in written
    rows = [line for line in written.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split(" | ")[0] for row in rows] == [
        "| Oxigraph server", "| kg serve", "| kg serve --processes 2",
        "| bare Flask + waitress + pyoxigraph × 2"]
    for row in rows:  # every server answered lookups: a rate above zero
        assert float(row.split(" | ")[2]) > 0, row
    assert rows[0].endswith("| 100% |")
    stray = subprocess.run(["pgrep", "-f", f"(bare_ceiling_server.py|kg serve --build) {built}"],
                           capture_output=True, text=True)
    assert stray.stdout == "", "the benchmark left servers running"


def test_the_ceiling_benchmark_says_when_the_build_has_no_store(tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "bench" / "serving_ceiling.py"),
                          "--build", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert f"{tmp_path / 'store'}: no store; run `kg build` first" in run.stderr
