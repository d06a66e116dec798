"""The lookups benchmark measures every server with wrk in one run, after checking their answers."""

from __future__ import annotations

import pytest
from bench_section import OTHER_SECTION, run_into_results, run_without_store, stray_servers


@pytest.mark.slow
@pytest.mark.needs("wrk", "oxigraph", "granian")
def test_every_server_answers_the_same_lookups_and_is_measured_in_one_run(built, tmp_path):
    written, rows = run_into_results("wrk_peers.py", [
        "--build", str(built), "--rounds", "1", "--seconds", "1", "--connections", "4"], tmp_path, 600)
    assert OTHER_SECTION in written
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    assert names[0] == "Oxigraph server"
    assert {"kg serve (1 copy), POST /sparql", "kg serve --processes 2, POST /sparql",
            "kg serve (1 copy), the lookup lane: GET /api/queries/contract-by-number",
            "bare Flask + pyoxigraph on waitress × 2", "bare Flask + pyoxigraph on Granian × 2"} <= set(names)
    for row in rows:  # every server answered lookups, none failed
        cells = row.split(" | ")
        assert float(cells[2]) > 0 and cells[-1] == "0 |", row
    servers = "(bare_ceiling_server.py|granian_kg_server.py|kg serve --build)"
    assert stray_servers(f"{servers} {built}") == "", "the benchmark left servers running"


def test_the_lookups_benchmark_says_when_the_build_has_no_store(tmp_path):
    run = run_without_store("wrk_peers.py", tmp_path)
    assert run.returncode == 2
    assert f"{tmp_path / 'store'}: no store; run `kg build` first" in run.stderr
