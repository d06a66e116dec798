"""Running a benchmark script the way a maintainer does, into a RESULTS.md of the test's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OTHER_SECTION = "## Another benchmark\n\nits table"


def run_into_results(script: str, arguments: list[str], directory: Path,
                     timeout: float) -> tuple[str, list[str]]:
    """Run ``bench/SCRIPT`` with ``arguments`` and ``--out`` a RESULTS.md in ``directory`` that
    already holds another benchmark's section; the file as written and the rows of the section's
    first table (header left out). The run must succeed."""
    out = directory / "RESULTS.md"
    out.write_text(f"# Benchmarks\n\n{OTHER_SECTION}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "bench" / script), *arguments, "--out", str(out)],
                         capture_output=True, text=True, timeout=timeout)
    assert run.returncode == 0, run.stderr[-3000:]
    written = out.read_text(encoding="utf-8")
    rows = [line for line in written.splitlines() if line.startswith("| ") and "---" not in line][1:]
    return written, rows


def stray_servers(pattern: str) -> str:
    """The command lines of processes still running that match ``pattern`` (pgrep -f)."""
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout


def run_without_store(script: str, directory: Path) -> subprocess.CompletedProcess:
    """Run ``bench/SCRIPT --build DIRECTORY`` on a directory with no store."""
    return subprocess.run([sys.executable, str(REPO / "bench" / script), "--build", str(directory)],
                          capture_output=True, text=True, timeout=60)
