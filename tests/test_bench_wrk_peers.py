"""The lookups benchmark measures every server with wrk in one run, after checking their answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.needs("wrk", "oxigraph", "granian")
def test_every_server_answers_the_same_lookups_and_is_measured_in_one_run(built, tmp_path):
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmarks\n\n## Another benchmark\n\nits table\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "bench" / "wrk_peers.py"), "--build", str(built),
                          "--rounds", "1", "--seconds", "1", "--connections", "4", "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    written = out.read_text(encoding="utf-8")
    assert "## Another benchmark\n\nits table" in written
    rows = [line for line in written.splitlines() if line.startswith("| ") and "---" not in line][1:]
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert names[0] == "Oxigraph server"
    assert {"kg serve (1 copy), POST /sparql", "kg serve --processes 2, POST /sparql",
            "kg serve (1 copy), the lookup lane: GET /api/queries/contract-by-number",
            "bare Flask + pyoxigraph on waitress × 2", "bare Flask + pyoxigraph on Granian × 2"} <= set(names)
    for row in rows:  # every server answered lookups, none failed
        cells = row.split(" | ")
        assert float(cells[2]) > 0 and cells[-1] == "0 |", row
    servers = "(bare_ceiling_server.py|granian_kg_server.py|kg serve --build)"
    stray = subprocess.run(["pgrep", "-f", f"{servers} {built}"], capture_output=True, text=True)
    assert stray.stdout == "", "the benchmark left servers running"


def test_the_lookups_benchmark_says_when_the_build_has_no_store(tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "bench" / "wrk_peers.py"), "--build", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert f"{tmp_path / 'store'}: no store; run `kg build` first" in run.stderr
