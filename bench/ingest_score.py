"""Score ``kg ingest``'s extractor on the development set and time it per announcement.

    python bench/ingest_score.py [--gold ../shared/ingest-dev/gold.json] [--runs 20] [--no-write]

Prints recall per fact kind, invented facts and review flags (kg.ingest.score), then the time
to read and extract each announcement on one core (median of ``--runs``), and replaces the
section "kg ingest on the development set" of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_file import machine, replace_section

from kg.ingest.extract import extract
from kg.ingest.score import render, score_gold
from kg.ingest.text import read_path

START, END = "<!-- ingest-score:start -->", "<!-- ingest-score:end -->"
DEFAULT_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "ingest-dev" / "gold.json"


def speed(gold: Path, runs: int) -> list[tuple[str, int, float]]:
    """(doc, chars, median seconds to read + extract) for every docNN.txt beside ``gold``."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    out = []
    for path in sorted(gold.parent.glob("doc*.txt")):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            document = read_path(path)
            extract(document)
            times.append(time.perf_counter() - start)
        out.append((path.stem, len(document.text), statistics.median(times)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    report = score_gold(args.gold)
    print(render(report))
    timings = speed(args.gold, args.runs)
    worst = max(seconds for _, _, seconds in timings)
    mean = statistics.mean(seconds for _, _, seconds in timings)
    print(f"\nper announcement, one core: mean {mean * 1000:.2f} ms, max {worst * 1000:.2f} ms")
    if args.no_write:
        return 0
    section = "\n".join([
        START,
        "## kg ingest on the development set (`bench/ingest_score.py`)",
        "",
        f"Date: {datetime.date.today().isoformat()}. Machine: {machine()}.",
        "",
        "The 16 texts of `../shared/ingest-dev/` scored against its gold.json by "
        "`kg.ingest.score` (README \"How to score\"; name spans match after whitespace/quote "
        "normalisation, exactly or by containment of at least 70 %). Invented = facts not on "
        "their line or caught by the generic must-not-emit checks (see the module's docstring). "
        "The rules were written against these 16 texts; expect lower recall on unseen ones.",
        "",
        report.table(),
        "",
        f"Invented facts: **{report.invented}**. Facts carrying review flags: "
        f"{sum(d.flags for d in report.documents)} of {sum(d.facts for d in report.documents)}.",
        "",
        report.per_document(),
        "",
        report.details(),
        "",
        f"Speed (read + extract, one core pinned, median of {args.runs} runs per text): "
        f"mean {mean * 1000:.2f} ms, slowest {worst * 1000:.2f} ms per announcement "
        f"(target < 1 s).",
        "",
        "Re-run: `python bench/ingest_score.py`.",
        END,
    ])
    replace_section(Path(__file__).resolve().parent / "RESULTS.md", section + "\n", START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
