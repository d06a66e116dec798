"""The benchmark harness runs end to end at a tiny size (a smoke test: no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.needs("oxigraph", "wrk")
@pytest.mark.parametrize("publish_max", [pytest.param("100", marks=pytest.mark.needs("peers")), "0"],
                         ids=["published-by-gsp", "bulk-loaded"])
def test_the_harness_runs_the_query_mix_on_every_engine_and_writes_nothing(tmp_path, publish_max):
    results = REPO / "bench" / "RESULTS.md"
    before = results.read_bytes()
    run = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--work", str(tmp_path),
                          "--rdflib-max", "100" if publish_max != "0" else "0",
                          "--publish-max", publish_max],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    table = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    header, rows = table[0], table[1:]
    assert "(a) pyoxigraph in-process" in header and "(b) kg serve" in header
    assert "(c) Oxigraph server" in header
    if publish_max != "0":  # the harness makes rdflib-endpoint's venv itself when it is missing
        assert "(d) rdflib-endpoint" in header, run.stdout[-3000:]
    assert len(rows) >= 18  # 11 saved queries and the seven shapes
    for row in rows:  # our engines answer every query of the mix
        cells = row.split(" | ")
        assert not any(cell.startswith("error") for cell in cells[1:4]), row
    assert "requests/s" in run.stdout and "reasoning over" in run.stdout
    loader = "kg publish --to" if publish_max != "0" else "oxigraph load"
    assert f"(c) loaded by `{loader}`" in run.stdout
    assert results.read_bytes() == before


def test_a_run_of_one_size_replaces_its_table_and_keeps_the_others(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import run as harness
    finally:
        sys.path.remove(str(REPO / "bench"))
    results = tmp_path / "RESULTS.md"

    def section(*tables: tuple[int, str]) -> str:
        parts = [harness.START, "## Scale", ""]
        parts += [f"{harness.heading(size, size * 100)}\n\n- {text}\n" for size, text in tables]
        return "\n".join([*parts, harness.END])

    results.write_text("# Benchmarks\n\n" + section((1000, "old 1k"), (10000, "old 10k"),
                                                     (100000, "old 100k")) + "\n\n## After\n",
                       encoding="utf-8")
    harness.write_section(results, section((1000, "new 1k")))
    text = results.read_text(encoding="utf-8")
    assert "new 1k" in text and "old 1k" not in text
    assert text.index("new 1k") < text.index("old 10k") < text.index("old 100k") < text.index("## After")
    assert text.count(harness.START) == text.count(harness.END) == 1


def test_a_peer_venv_that_cannot_be_made_is_removed_and_the_error_says_why(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from peers import ensure_peers_venv

    requirements = tmp_path / "requirements.txt"
    requirements.write_text("./no-such-package-directory\n", encoding="utf-8")
    venv = tmp_path / "venv-peers"
    with pytest.raises(RuntimeError, match=r"cannot make the peer engine's venv .*venv-peers.*pip install"):
        ensure_peers_venv(venv, requirements)
    assert not venv.exists()
