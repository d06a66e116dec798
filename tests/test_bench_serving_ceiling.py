"""The serving-ceiling benchmark runs its four servers on a build and writes only its section."""

from __future__ import annotations

import pytest
from bench_section import OTHER_SECTION, run_into_results, run_without_store, stray_servers


@pytest.mark.slow
@pytest.mark.needs("oxigraph", "wrk")
def test_the_ceiling_benchmark_measures_four_servers_and_replaces_only_its_section(built, tmp_path):
    written, rows = run_into_results("serving_ceiling.py", [
        "--build", str(built), "--rounds", "1", "--seconds", "0.5", "--processes", "2"], tmp_path, 300)
    assert OTHER_SECTION in written
    assert [row.split(" | ")[0] for row in rows] == [
        "| Oxigraph server", "| kg serve", "| kg serve --processes 2",
        "| bare Flask + waitress + pyoxigraph × 2"]
    for row in rows:  # every server answered lookups: a rate above zero
        assert float(row.split(" | ")[2]) > 0, row
    assert rows[0].endswith("| 100% |")
    assert stray_servers(f"(bare_ceiling_server.py|kg serve --build) {built}") == "", \
        "the benchmark left servers running"


def test_the_ceiling_benchmark_says_when_the_build_has_no_store(tmp_path):
    run = run_without_store("serving_ceiling.py", tmp_path)
    assert run.returncode == 2
    assert f"{tmp_path / 'store'}: no store; run `kg build` first" in run.stderr
