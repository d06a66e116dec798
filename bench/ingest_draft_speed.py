"""Time the whole of ``kg ingest`` per announcement: read + extract + draft + match, one core.

    python bench/ingest_draft_speed.py [--dev ../shared/ingest-dev] [--runs 20] [--no-write]

The corpus of data/ is read once (its organisations, programmes, procedures and places are what
the drafts are matched against; ``kg ingest`` reads it once per run, whatever the number of
files) and timed apart. Each text is then drafted ``--runs`` times; the median per text is
reported, and the section "kg ingest: drafts per announcement" of bench/RESULTS.md is replaced.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from results_file import machine, replace_section

from kg.common import paths
from kg.ingest.run import Context, draft_document, timed_draft
from kg.ingest.text import read_path

START, END = "<!-- ingest-draft:start -->", "<!-- ingest-draft:end -->"
DEFAULT_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "ingest-dev"


def whole_command(text: Path) -> float:
    """Seconds of ``python -m kg ingest TEXT --out TMP --force`` in a new process, best of 3."""
    root = Path(__file__).resolve().parent.parent
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg", "ingest", str(text), "--out", out, "--force"],
                           cwd=root, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    start = time.perf_counter()
    context = Context.of_data(paths.data_dir())
    corpus_seconds = time.perf_counter() - start
    rows = []
    for path in sorted(args.dev.glob("doc*.txt")):
        result = draft_document(read_path(path), context)
        flagged = sum(1 for record in result.records if record.get("to_review") or any(
            isinstance(value, dict) and "review" in value for value in record.values()))
        times = [timed_draft(path, context) for _ in range(args.runs)]
        rows.append((path.stem, len(result.records), flagged, statistics.median(times)))
    process = whole_command(sorted(args.dev.glob("doc*.txt"))[0])
    mean = statistics.mean(seconds for *_, seconds in rows)
    worst = max(seconds for *_, seconds in rows)
    table = ["| doc | draft records | with review reasons | ms |", "|---|---:|---:|---:|"]
    table += [f"| {doc[3:]} | {records} | {flagged} | {seconds * 1000:.1f} |"
              for doc, records, flagged, seconds in rows]
    print("\n".join(table))
    print(f"\nread+extract+draft+match per announcement, one core: mean {mean * 1000:.2f} ms, "
          f"max {worst * 1000:.2f} ms; reading the corpus once: {corpus_seconds * 1000:.0f} ms")
    if args.no_write:
        return 0
    section = "\n".join([
        START,
        "### kg ingest: drafts per announcement (`bench/ingest_draft_speed.py`)",
        "",
        f"Date: {datetime.date.today().isoformat()}. Machine: {machine('rapidfuzz')}.",
        "",
        "The whole of `kg ingest` but the writing of files, per text of `../shared/ingest-dev/`: "
        "read, extract, draft records, and match organisations, programmes, procedures and "
        "places against the corpus of data/ (registry id, normalised names, rapidfuzz); one "
        f"core pinned, median of {args.runs} runs per text.",
        "",
        *table,
        "",
        f"Per announcement: mean **{mean * 1000:.2f} ms**, slowest **{worst * 1000:.2f} ms** "
        f"(target < 1 s). Reading and indexing the corpus of data/ for matching, once per "
        f"`kg ingest` run: {corpus_seconds * 1000:.0f} ms. The whole command on one text, "
        f"as a user runs it (a new Python process: imports, corpus, draft, files written; best "
        f"of 3): {process:.2f} s.",
        "",
        "Re-run: `python bench/ingest_draft_speed.py`.",
        END,
    ])
    results = Path(__file__).resolve().parent / "RESULTS.md"
    text = results.read_text(encoding="utf-8")
    if START not in text and "<!-- ingest-score:end -->" in text:  # beside the ingest section
        text = text.replace("<!-- ingest-score:end -->",
                            f"<!-- ingest-score:end -->\n\n{START}\n{END}", 1)
        results.write_text(text, encoding="utf-8")
    replace_section(results, section + "\n", START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
