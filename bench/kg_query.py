"""Whole-command wall time of ``kg query`` on the pyoxigraph store, and of the rdflib path it replaced.

    python bench/kg_query.py [--build DIR ...] [--runs 5] [--memory-timeout 600]
                             [--memory-limit-gib 6] [--out bench/RESULTS.md]

For each build (``--build``, repeatable; default the bundled graph in ./build, built if missing)
it runs ``python -m kg query QUERY --build DIR --format csv`` as a child process — start-up,
imports, opening the store, the query and writing the answer — one warm-up and then RUNS timed
runs per query, and reports the median and the spread. The queries: ``ASK {}`` (what the command
costs before any real query), a few saved queries with their defaults bound (as ``kg query NAME``
binds them), and a ``bgi:within*`` path whose end is bound by a VALUES block, the shape rdflib
evaluated for minutes. "In process" is the same query on the same store in this process (query
and CSV serialisation): the command's time less that is its start-up.

The same commands with ``--store memory`` (rdflib parsing ``kg.nq``: the engine ``kg query`` used
before) run under a time limit and an address-space limit (``--memory-timeout``,
``--memory-limit-gib``), at most 3 runs, and a query slower than a minute only once. ``ASK {}``
runs first: if rdflib cannot even load the build within the limits, the other queries are not
run on it, and a probe parses ``kg.nq`` into rdflib under the same limits to say how far it
gets. Answers are written to /dev/null; the page cache is warm after the warm-up run. It
writes its section of bench/RESULTS.md (between its markers; other sections are kept) with the
machine and the date. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO)]

from results_file import machine, replace_section  # noqa: E402

from kg.query.run import answer, open_build_store, resolve, serialize_answer  # noqa: E402

START, END = "<!-- kg-query:start -->", "<!-- kg-query:end -->"
BASELINE = "ASK {}"
WITHIN = """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
SELECT ?place (COUNT(?organisation) AS ?organisations) WHERE {
  VALUES ?region { <https://w3id.org/bg-inclusion/id/place/oblast-kyustendil> }
  ?place bgi:within* ?region .
  ?organisation bgi:place ?place .
} GROUP BY ?place ORDER BY ?place"""
#: (label in the table, the argument of ``kg query``).
QUERIES = [
    ("`ASK {}` (start-up only)", BASELINE),
    ("`bgi:within*` bound by VALUES", WITHIN),
    ("project-budget-totals", "project-budget-totals"),
    ("fact-provenance", "fact-provenance"),
    ("organisations-by-name", "organisations-by-name"),
    ("projects-cofinanced-by-both-programmes", "projects-cofinanced-by-both-programmes"),
]
#: rdflib runs of a query that took longer than this are not repeated.
SLOW_ENOUGH = 60.0


@dataclass
class Timing:
    """The wall seconds of the runs that finished, or why a run did not."""

    seconds: list[float] = field(default_factory=list)
    rows: int | None = None
    failed: str | None = None

    def cell(self) -> str:
        if self.failed:
            return self.failed
        if len(self.seconds) == 1:
            return f"{_duration(self.seconds[0])} (1 run)"
        return (f"{_duration(statistics.median(self.seconds))} "
                f"({_duration(min(self.seconds))}–{_duration(max(self.seconds))})")


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.0f} s"


def command(build: Path, query: str, store: str) -> list[str]:
    return [sys.executable, "-m", "kg", "query", query, "--build", str(build), "--format", "csv",
            "--store", store]


def run_once(argv: list[str], timeout: float | None = None, memory_bytes: int | None = None,
             keep_output: bool = False) -> tuple[float, bytes, str | None]:
    """Wall seconds, the output (if kept) and None, or the reason the run did not finish."""
    def limit_memory() -> None:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PYTHONPATH=path)
    started = time.perf_counter()
    try:
        finished = subprocess.run(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, b"", f"did not finish in {timeout:.0f} s (stopped)"
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        stderr = finished.stderr.decode("utf-8", "replace")
        # rdflib's MemoryError comes back as "kg.nq: cannot load: " (the error has no words).
        if memory_bytes and ("MemoryError" in stderr or "cannot load: \n" in stderr + "\n"):
            return elapsed, b"", (f"out of its {memory_bytes / 2**30:.0f} GiB after "
                                  f"{_duration(elapsed)}")
        reason = (stderr.strip().splitlines() or ["?"])[-1]
        return elapsed, b"", f"failed after {_duration(elapsed)} (exit {finished.returncode}): {reason[:120]}"
    return elapsed, finished.stdout if keep_output else b"", None


#: Parse kg.nq into rdflib as ``kg query --store memory`` does, and say how far it got.
LOAD_PROBE = """
import resource, sys, time
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from rdflib import Dataset
dataset = Dataset(default_union=True)
started = time.perf_counter()
try:
    dataset.parse(sys.argv[1], format="nquads")
    outcome = "loaded"
except MemoryError:
    outcome = "out of memory"
print(outcome, sum(len(graph) for graph in dataset.graphs()), time.perf_counter() - started)
"""


def rdflib_load_probe(nquads: Path, timeout: float, memory_bytes: int) -> str:
    """How many quads rdflib parsed before it ran out of ``memory_bytes`` (or the time)."""
    try:
        finished = subprocess.run([sys.executable, "-c", LOAD_PROBE, str(nquads), str(memory_bytes)],
                                  capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"rdflib did not finish parsing `kg.nq` in {timeout:.0f} s"
    words = finished.stdout.split()
    if finished.returncode != 0 or len(words) < 3:
        return f"the rdflib load probe failed: {finished.stderr.strip()[-200:]}"
    outcome, parsed, seconds = " ".join(words[:-2]), int(words[-2]), float(words[-1])
    return (f"rdflib alone ({outcome}) parsed {parsed:,} quads of `kg.nq` in {_duration(seconds)} "
            f"within {memory_bytes / 2**30:.0f} GiB").replace(",", " ")


def time_command(argv: list[str], runs: int, timeout: float | None = None,
                 memory_bytes: int | None = None, slow_enough: float | None = None) -> Timing:
    """One warm-up run (which counts the rows), then ``runs`` timed runs."""
    elapsed, output, failed = run_once(argv, timeout, memory_bytes, keep_output=True)
    boolean = output in (b"true", b"false")  # an ASK answer in CSV: the bare word, no header
    timing = Timing(rows=None if boolean else max(0, len(output.splitlines()) - 1), failed=failed)
    if failed:
        return timing
    if slow_enough is not None and elapsed > slow_enough:
        timing.seconds.append(elapsed)  # minutes per run: the warm-up is the measurement
        return timing
    for _ in range(runs):
        elapsed, _, failed = run_once(argv, timeout, memory_bytes)
        if failed:
            timing.failed = failed
            return timing
        timing.seconds.append(elapsed)
    return timing


def in_process(build: Path, query: str, runs: int) -> float:
    """Median seconds of the query and its CSV serialisation on an open store."""
    store = open_build_store(build)
    request = resolve(query, {})
    serialize_answer(answer(store, request), "csv")
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        serialize_answer(answer(store, request), "csv")
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def count(build: Path, query: str) -> int:
    row = open_build_store(build).query(query).rows()[0][0]
    return int(row.split('"')[1])


def quads_in(build: Path) -> int:
    return count(build, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")


def contracts_in(build: Path) -> int:
    return count(build, "SELECT (COUNT(DISTINCT ?contract) AS ?n) WHERE "
                        "{ ?contract a <https://w3id.org/bg-inclusion/ontology#GrantContract> }")


def measure(build: Path, runs: int, memory_timeout: float, memory_bytes: int) -> dict:
    results = []
    rdflib_loads = True
    for label, query in QUERIES:
        print(f"{build.name}: {label}", file=sys.stderr, flush=True)
        oxigraph = time_command(command(build, query, "oxigraph"), runs)
        local = in_process(build, query, runs)
        if rdflib_loads:
            memory = time_command(command(build, query, "memory"), min(runs, 3), memory_timeout,
                                  memory_bytes, SLOW_ENOUGH)
            if memory.failed and query == BASELINE:
                rdflib_loads = False
        else:
            memory = Timing(failed="not run (rdflib did not load the build: see `ASK {}`)")
        results.append({"label": label, "oxigraph": oxigraph, "local": local, "memory": memory})
        print(f"  kg query {oxigraph.cell()}, in process {local * 1000:.2f} ms, "
              f"--store memory {memory.cell()}", file=sys.stderr, flush=True)
    probe = None if rdflib_loads else rdflib_load_probe(build / "kg.nq", memory_timeout, memory_bytes)
    if probe:
        print(f"  {probe}", file=sys.stderr, flush=True)
    return {"build": build, "quads": quads_in(build), "contracts": contracts_in(build), "results": results,
            "nquads_bytes": (build / "kg.nq").stat().st_size, "probe": probe}


def section(measured: list[dict], runs: int, memory_timeout: float, memory_gib: float) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    lines = [
        START,
        "## `kg query` (`bench/kg_query.py`)",
        "",
        f"Date: {today}. Machine: {machine('pyoxigraph', 'rdflib')}.",
        "",
        "Whole-command wall time of `python -m kg query QUERY --build DIR --format csv` in a child",
        "process (start-up, imports, opening the store, the query, the answer to /dev/null): one",
        f"warm-up, then the median (min–max) of {runs} runs. `kg query` opens the build's pyoxigraph",
        "store read-only, as `kg serve` does; \"in process\" is the query and its CSV on an open store,",
        "so the difference is the command's start-up. `--store memory` is the rdflib path `kg query`",
        f"took before (parse `kg.nq`, then evaluate): at most 3 runs, under {memory_timeout:.0f} s and",
        f"{memory_gib:.0f} GiB of address space per run, a run slower than a minute not repeated.",
        "The builds: the bundled graph (`kg build`), and `kg synth --contracts 100000` then `kg build`.",
        "Saved queries run with their defaults bound; the `bgi:within*` query is",
        "`VALUES ?region { <…/place/oblast-kyustendil> } ?place bgi:within* ?region . "
        "?organisation bgi:place ?place`",
        "grouped by place.",
    ]
    for build in measured:
        lines += [
            "",
            f"### {build['contracts']:,} grant contracts: {build['quads']:,} quads "
            f"(`kg.nq` {build['nquads_bytes'] / 2**20:,.0f} MiB)".replace(",", " "),
            "",
            "| query | rows | `kg query` | in process | `kg query --store memory` (rdflib) |",
            "|---|---:|---:|---:|---:|",
        ]
        for result in build["results"]:
            rows = "ASK" if result["oxigraph"].rows is None else result["oxigraph"].rows
            lines.append(f"| {result['label']} | {rows} | {result['oxigraph'].cell()} | "
                         f"{result['local'] * 1000:.2f} ms | {result['memory'].cell()} |")
        if build["probe"]:
            lines += ["", f"The rdflib path cannot load this build here: {build['probe']}."]
    lines += ["", f"Re-run: `python bench/kg_query.py --build DIR [--build DIR …] --runs {runs}`.", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="append", default=None,
                        help="a build directory (repeatable; default ./build, built if missing)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--memory-timeout", type=float, default=600.0,
                        help="seconds a --store memory run may take (default 600)")
    parser.add_argument("--memory-limit-gib", type=float, default=6.0,
                        help="address space of a --store memory run, GiB (default 6)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    builds = [Path(name).resolve() for name in (args.build or [str(REPO / "build")])]
    for build in builds:
        if (build / "store" / "CURRENT").is_file():
            continue
        if args.build:
            parser.error(f"{build}: no built store; run `kg build --out {build}` first")
        from kg.common import paths
        from kg.release.build import build as build_graph

        build_graph(paths.data_dir(), build, reason=True, progress=False)
    runs = max(1, args.runs)
    measured = [measure(build, runs, args.memory_timeout, int(args.memory_limit_gib * 2**30))
                for build in builds]
    measured.sort(key=lambda build: build["quads"])
    replace_section(Path(args.out), section(measured, runs, args.memory_timeout, args.memory_limit_gib),
                    START, END)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
