"""OPTIONAL groups row by row (decision 0026): each saved query that the rewrite changes, timed
as written and rewritten, on pyoxigraph in process, at each build's scale.

    python bench/lateral_optionals.py --build DIR [--build DIR2 ...] [--runs 5] [--out bench/RESULTS.md]

Each saved query whose text :func:`kg.store.lateral.lateral_optionals` changes is run with its
parameters written in (decision 0025) — the values taken from the build's graph as
bench/scale_http.py takes them (PROBES), else the defaults — and its answer serialised as SPARQL
JSON by pyoxigraph (what a worker sends). One warm-up, then RUNS timed runs of each form,
alternating, p50 reported; a query slower than 2 s is run 3 times. The two forms' solutions
before grouping (:func:`kg.store.lateral.solutions_query`) are compared as multisets: a SAMPLE
over two labels may pick either, so the final rows may differ where both are right. It writes one
section of RESULTS.md between its markers; nothing here asserts a timing.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import pyoxigraph as ox  # noqa: E402
from answers import canonical_cell  # noqa: E402
from results_file import builds_parser, measure_and_write, measured_line  # noqa: E402
from scale_http import contracts_of, probed_values  # noqa: E402

from kg.query.catalogue import catalogue  # noqa: E402
from kg.store.lateral import lateral_optionals, solutions_query  # noqa: E402

START = "<!-- lateral-optionals:start -->"
END = "<!-- lateral-optionals:end -->"
SLOW_SECONDS = 2.0


def _timed(store: ox.Store, text: str) -> tuple[float, int]:
    """Seconds to run ``text`` and serialise its answer, and the answer's size in bytes."""
    started = time.perf_counter()
    body = store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - started, len(body)


def _rows(store: ox.Store, text: str) -> Counter:
    result = store.query(text)
    names = [variable.value for variable in result.variables]
    return Counter(tuple(canonical_cell(str(row[name]) if row[name] is not None else None)
                         for name in names) for row in result)


def measure(build: Path, runs: int) -> dict:
    store = ox.Store.read_only(str(build / "store"))
    values = probed_values(build)
    queries = []
    for name, saved in sorted(catalogue().items()):
        given = {parameter.name: values[parameter.name] for parameter in saved.parameters
                 if parameter.name in values}
        bindings = saved.bindings(given)
        text, rest = saved.bound_query(bindings)
        rewritten = lateral_optionals(text)
        if rest or rewritten == text:
            continue
        first, _ = _timed(store, text)
        _timed(store, rewritten)
        count = 3 if first > SLOW_SECONDS else runs
        before, after = [], []
        for _ in range(count):
            before.append(_timed(store, text)[0])
            after.append(_timed(store, rewritten)[0])
        same = _rows(store, solutions_query(text)) == _rows(store, solutions_query(rewritten))
        queries.append({"name": name, "before": statistics.median(before) * 1000,
                        "after": statistics.median(after) * 1000, "runs": count, "same": same,
                        "rows": sum(_rows(store, rewritten).values()),
                        "optionals": rewritten.count("LATERAL {")})
        print(f"{build.name}: {queries[-1]}", flush=True)
    return {"contracts": contracts_of(build), "queries": queries}


def section(results: list[dict], runs: int) -> str:
    lines = [START, "## OPTIONAL row by row (`bench/lateral_optionals.py`, decision 0026)", "",
             measured_line("pyoxigraph"),
             f"- pyoxigraph in process, the answer serialised as SPARQL JSON; p50 of {runs} runs of "
             f"each form, alternating (3 for a query over {SLOW_SECONDS:.0f} s); parameters "
             "written in, with values from the graph (bench/scale_http.py PROBES)", "",
             "| query | OPTIONALs made LATERAL | " + " | ".join(
                 f"{result['contracts']:,} contracts: as written → rewritten (rows; same?)"
                 for result in results) + " |",
             "|---|---:|" + "---:|" * len(results)]
    names = sorted({query["name"] for result in results for query in result["queries"]})
    for name in names:
        cells, optionals = [], ""
        for result in results:
            query = next((q for q in result["queries"] if q["name"] == name), None)
            if query is None:
                cells.append("—")
                continue
            optionals = str(query["optionals"])
            cells.append(f"{query['before']:.1f} → {query['after']:.1f} ms ({query['rows']:,}; "
                         f"{'same' if query['same'] else '**different**'} solutions)")
        lines.append(f"| {name} | {optionals} | " + " | ".join(cells) + " |")
    lines += ["", "Re-run: `python bench/lateral_optionals.py --build DIR-10000 --build DIR-100000`.",
              END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = builds_parser(__doc__.split("\n\n")[0], "timed runs of each form", REPO / "bench" / "RESULTS.md")
    parser.set_defaults(runs=5)
    return measure_and_write(parser, argv, lambda build, args: measure(build, args.runs), section,
                             START, END)


if __name__ == "__main__":
    sys.exit(main())
