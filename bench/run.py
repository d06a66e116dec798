"""The benchmark harness: synthetic data at each size, built, then queried on four engines.

    python bench/run.py --sizes 1000,10000,100000        # writes its section of bench/RESULTS.md
    python bench/run.py --smoke                           # CI: 40 contracts, one run, nothing written

For each size: ``kg synth`` and ``kg build`` (wall time and peak RSS of the whole process tree),
the compiled entailments against owlrl (up to --owlrl-max contracts), then the query mix
(bench/query_mix.py) on (a) pyoxigraph in process, (b) ``kg serve``, (c) Oxigraph server loaded
by ``kg publish --to`` (by its bulk loader above --publish-max contracts), (d) rdflib-endpoint
(up to --rdflib-max contracts) — medians of --runs
timed runs after one warm-up, and their ratio to (a) — plus a bounded throughput run (wrk, 16
connections, --throughput-seconds, random contract lookups: bench/wrk_load.py) against (b) and
(c), ``kg serve``'s ready time, and a 1 000 000-row SELECT streamed from (b) while its memory
is sampled. Nothing here asserts a timing; the machine is shared, so the load average is written
beside every table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH)]

import engines  # noqa: E402
import query_mix  # noqa: E402
import wrk_load  # noqa: E402
from measure import LAST_PEAK_PSS, _tree_rss, run_measured  # noqa: E402

START, END = "<!-- bench/run.py: start -->", "<!-- bench/run.py: end -->"


def prepare(size: int, seed: int, work: Path, log: dict, validate: bool = True) -> Path:
    data, build = work / f"data-{size}", work / f"build-{size}"
    marker = data / ".synth"
    if not marker.is_file() or marker.read_text() != f"{size} {seed}":
        command = [sys.executable, "-m", "kg", "synth", "--contracts", str(size), "--seed", str(seed),
                   "--out", str(data)]
        seconds, peak, code = run_measured(command, work / f"synth-{size}.log")
        if code:
            raise RuntimeError(f"kg synth failed: see {work / f'synth-{size}.log'}")
        marker.write_text(f"{size} {seed}")
        log["synth_s"] = seconds
        (build / "store").exists() and subprocess.run(["rm", "-rf", str(build)], check=True)
    if not (build / "store" / "CURRENT").is_file():
        command = [sys.executable, "-m", "kg", "build", "--data", str(data), "--out", str(build)]
        seconds, peak, code = run_measured(command + ([] if validate else ["--no-validate"]),
                                           work / f"build-{size}.log")
        log["build_validated"] = validate
        if code:
            raise RuntimeError(f"kg build failed: see {work / f'build-{size}.log'}")
        log.update(build_s=seconds, build_peak_rss_mb=peak / 2**20,
                   build_peak_pss_mb=LAST_PEAK_PSS[0] / 2**20, build_load=os.getloadavg()[0])
        (build / "measured.json").write_text(json.dumps({key: log[key] for key in (
            "build_s", "build_peak_rss_mb", "build_peak_pss_mb", "build_load", "build_validated")}))
    elif (build / "measured.json").is_file():  # built by an earlier run: its own measurement
        log.update(json.loads((build / "measured.json").read_text()))
    with (build / "kg.nq").open("rb") as lines:
        log["quads"] = sum(1 for _ in lines)
    return build


def reasoning(build: Path, with_owlrl: bool) -> dict:
    command = [sys.executable, str(BENCH / "reasoning.py"), str(build)] + (["--owlrl"] if with_owlrl else [])
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def timed(engine, query: str, accept: str, runs: int) -> float | str:
    try:
        started = time.perf_counter()
        engine.ask(query, accept)
        if time.perf_counter() - started > 10:  # a slow query: one timed run is enough
            runs = 1
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            engine.ask(query, accept)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)
    except Exception as error:  # an engine that fails a query is a result, not a crash
        return f"error: {str(error)[:60]}"


def run_mix(engine, mix: list[tuple[str, str, str]], runs: int) -> dict[str, float | str]:
    return {name: timed(engine, text, accept, runs) for name, text, accept in mix}


def throughput(engine, numbers: list[str], seconds: float, connections: int = 16) -> dict:
    """Answered lookups per second (random contract numbers) measured by wrk with ``connections``
    connections after a short warm-up, and the failed ones (bench/wrk_load.py: the Python
    client this used to be could not outrun Oxigraph server)."""
    with tempfile.TemporaryDirectory(prefix="throughput-") as work:
        bodies = wrk_load.write_bodies([query_mix.lookup_query(number) for number in numbers],
                                       Path(work) / "bodies.txt")
        wrk_load.run_wrk(engine.url, bodies, "post", min(3.0, seconds), connections)
        return wrk_load.run_wrk(engine.url, bodies, "post", seconds, connections)


def million_rows(engine, pid: int) -> dict:
    """The 1 000 000-row SELECT streamed as CSV (the top-level figures) and as SPARQL JSON."""
    figures = streamed_select(engine, pid, query_mix.CSV, b"\n")
    figures["rows"] -= 1  # the CSV header line
    # One binding per row: each starts with the first variable (no self-overlap, so counting
    # across read boundaries is exact).
    figures["json"] = streamed_select(engine, pid, query_mix.JSON, b'{"s":{')
    return figures


def streamed_select(engine, pid: int, accept: str, row_marker: bytes) -> dict:
    """Rows received, seconds, and the server's process-tree RSS before and at its peak
    (sampled every 50 ms) while the answer streams."""
    before = _tree_rss(pid)
    peak, done = [before], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        rows = engine.ask(query_mix.million_rows_query(), accept, count=row_marker)
    finally:
        done.set()
        sampler.join()
    return {"seconds": time.monotonic() - started, "rows": rows, "rss_before_mb": before / 2**20,
            "rss_peak_mb": peak[0] / 2**20}


def run_size(size: int, args: argparse.Namespace) -> dict:
    log: dict = {"contracts": size, "date": dt.date.today().isoformat()}
    build = prepare(size, args.seed, args.work, log, validate=size <= args.validate_max)
    if not args.no_reasoning:
        log["reasoning"] = reasoning(build, size <= args.owlrl_max)
    local = engines.InProcess(build / "store", args.query_timeout)
    numbers = query_mix.contract_numbers(local.store)
    mix = query_mix.mix(numbers[len(numbers) // 2])
    medians: dict[str, dict[str, float | str]] = {}
    log["load_during_queries"] = os.getloadavg()[0]
    medians[local.name] = run_mix(local, mix, args.runs)
    local.close()
    with engines.our_endpoint(build, args.query_timeout) as (ours, ready, pid):
        log["serve_ready_s"] = ready
        medians[ours.name] = run_mix(ours, mix, args.runs)
        log["throughput_seconds"] = args.throughput_seconds
        log["throughput"] = {ours.name: throughput(ours, numbers, args.throughput_seconds)}
        if log["quads"] >= 1_000_000 or args.smoke:
            log["million_rows"] = million_rows(ours, pid)
    # The same server as one copy per core (server/process/prefork.py): throughput only, the medians above
    # are one client's and would not change.
    forked_options = ["--processes", str(os.cpu_count() or 2)]
    with engines.our_endpoint(build, args.query_timeout, forked_options) as (forked, _ready, _pid):
        log["throughput"][forked.name] = throughput(forked, numbers, args.throughput_seconds)
    with engines.oxigraph_server(build, args.work, args.query_timeout,
                                 publish=size <= args.publish_max) as (server, how, load_s):
        log["oxigraph_loaded_by"], log["publish_s"] = how, load_s
        medians[server.engine.name] = run_mix(server.engine, mix, args.runs)
        # Without its time limit: with it, Oxigraph server falls over at this rate (engines.py).
        oxigraph = server.without_time_limit()
        log["throughput"][oxigraph.name] = throughput(oxigraph, numbers, args.throughput_seconds)
        log["throughput_note"] = ("Oxigraph server's throughput is measured without --timeout-s: with it, "
                                  "one thread per query waits out the whole limit, and at this rate the "
                                  "server exhausts its threads and fails within seconds")
    if size <= args.rdflib_max:
        try:
            with engines.rdflib_endpoint(build / "kg.nq", args.rdflib_load_timeout, args.rdflib_memory_gb,
                                         args.query_timeout) as (peer, load_s):
                log["rdflib_load_s"] = load_s
                medians[peer.name] = run_mix(peer, mix, args.runs)
        except RuntimeError as error:
            log["rdflib_error"] = str(error)
    log["medians_ms"] = medians
    return log


def table(log: dict) -> str:
    names = list(log["medians_ms"])
    base = log["medians_ms"][names[0]]
    header = "| query | " + " | ".join(names) + " | " + " | ".join(f"{n[:3]}/(a)" for n in names[1:]) + " |"
    lines = [header, "|" + "---|" * (1 + 2 * len(names) - 1)]
    for query in base:
        cells = [log["medians_ms"][name].get(query, "–") for name in names]
        ratios = [f"{c / base[query]:.1f}×" if isinstance(c, float) and isinstance(base[query], float)
                  and base[query] > 0 else "–" for c in cells[1:]]
        shown = [f"{c:.1f}" if isinstance(c, float) else str(c) for c in cells]
        lines.append(f"| {query} | " + " | ".join(shown) + " | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def args_seconds(log: dict) -> str:
    return f"{log.get('throughput_seconds', 10):g}"


def report(logs: list[dict]) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 2**20
    parts = [START, "## Scale: synthetic contracts through the whole pipeline, four engines (bench/run.py)",
             "", f"Machine: {cpu}, {os.cpu_count()} cores, {memory} GB RAM, shared with other work. "
             "Medians in ms; ratios to (a). Raw figures: results.json in the work directory. A size "
             "not measured by the latest run keeps its table from an earlier one (its date says so).",
             ""]
    for log in logs:
        parts += [heading(log["contracts"], log["quads"]), "",
                  f"- measured {log.get('date', dt.date.today().isoformat())}",
                  f"- build{'' if log.get('build_validated', True) else ' (without SHACL)'}: "
                  f"{log.get('build_s', float('nan')):.0f} s, peak RSS of all processes "
                  f"{log.get('build_peak_rss_mb', float('nan')):.0f} MB (load average "
                  f"{log.get('build_load', float('nan')):.1f}); "
                  f"`kg serve` ready in {log['serve_ready_s']:.2f} s; "
                  f"(c) loaded by `{log.get('oxigraph_loaded_by', 'kg publish --to')}` in "
                  f"{log['publish_s']:.1f} s",
                  f"- load average during the queries: {log['load_during_queries']:.1f}"]
        if "reasoning" in log:
            r = log["reasoning"]
            owlrl = "; owlrl not run at this size"
            if "owlrl_s" in r:
                owlrl = (f"; owlrl {r['owlrl_s']:.1f} s ({r['owlrl_s'] / r['fast_s']:.0f}× slower), "
                         f"same answers: {r['same_answers']}")
            parts.append(f"- reasoning over {r['input_triples']:,} asserted triples: compiled entailments "
                         f"{r['fast_s']:.1f} s → {r['inferred']:,} inferred{owlrl}")
        for name, rate in log["throughput"].items():
            failed = f" ({rate['failed']} failed with HTTP errors)" if rate["failed"] else ""
            parts.append(f"- lookup throughput, wrk with 16 connections, {args_seconds(log)} s: {name} "
                         f"{rate['per_second']:.0f} answered requests/s{failed}")
        if "throughput_note" in log:
            parts.append(f"- note: {log['throughput_note']}")
        if "million_rows" in log:
            m = log["million_rows"]
            for name, figures in (("CSV", m), ("SPARQL JSON", m.get("json"))):
                if figures:
                    parts.append(f"- SELECT … LIMIT 1000000 ({name}) streamed from (b): "
                                 f"{figures['rows']:,} rows in {figures['seconds']:.1f} s; "
                                 f"server RSS {figures['rss_before_mb']:.0f} MB before, "
                                 f"{figures['rss_peak_mb']:.0f} MB peak")
        if "rdflib_error" in log:
            parts.append(f"- rdflib-endpoint: {log['rdflib_error']}")
        parts += ["", table(log), ""]
    parts.append(END)
    return "\n".join(parts)


def heading(contracts: int, quads: int) -> str:
    return f"### {contracts:,} contracts ({quads:,} quads)".replace(",", " ")


def write_section(path: Path, section: str) -> None:
    """Put ``section`` in place of the harness's section of ``path``; the tables of sizes it
    does not hold stay as they were (a run of one size leaves the others' tables: their raw
    figures may be gone with an earlier work directory)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if START in text and END in text:
        tables = {_size_of(part): part for part in _size_tables(text[text.index(START):text.index(END)])}
        tables.update({_size_of(part): part for part in _size_tables(section[:section.index(END)])})
        head = section[:section.find("\n### ") + 1 or section.index(END)]
        section = head + "".join(tables[size] for size in sorted(tables)) + END
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def _size_tables(section: str) -> list[str]:
    """The ``### N contracts …`` parts of a section, each up to the next one."""
    pieces = section.split("\n### ")
    return ["### " + piece.rstrip("\n") + "\n\n" for piece in pieces[1:]]


def _size_of(table: str) -> int:
    """The number of contracts in a ``### N contracts …`` heading."""
    return int(table[4:].split(" contracts", 1)[0].replace(" ", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                        help="builds, stores and results.json (default: kg-bench in the temporary directory)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query-timeout", type=float, default=60.0,
                        help="seconds before a query counts as failed on an engine")
    parser.add_argument("--throughput-seconds", type=float, default=10.0)
    parser.add_argument("--owlrl-max", type=int, default=10_000)
    parser.add_argument("--rdflib-max", type=int, default=10_000,
                        help="rdflib-endpoint up to this size (at 100 000 contracts it needs ~16 GB)")
    parser.add_argument("--rdflib-load-timeout", type=float, default=900.0)
    parser.add_argument("--rdflib-memory-gb", type=float, default=8.0)
    parser.add_argument("--validate-max", type=int, default=1_000_000,
                        help="build larger sizes with --no-validate")
    parser.add_argument("--publish-max", type=int, default=10_000,
                        help="load Oxigraph server with `kg publish --to` up to this size, with its bulk "
                             "loader (`oxigraph load`) above it (GSP uploads of 13 M quads take hours)")
    parser.add_argument("--no-reasoning", action="store_true")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--smoke", action="store_true", help="40 contracts, 1 run, 1 s; writes nothing")
    args = parser.parse_args()
    if args.smoke:
        args.sizes, args.runs, args.throughput_seconds = "40", 1, 1.0
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(text) for text in args.sizes.split(",")]
    previous = args.work / "results.json"  # sizes measured by an earlier run in this directory stay
    logs = [log for log in (json.loads(previous.read_text()) if previous.is_file() and not args.smoke else [])
            if log["contracts"] not in sizes]
    for size in sizes:
        print(f"== {size} contracts", file=sys.stderr, flush=True)
        logs.append(run_size(size, args))
        logs.sort(key=lambda log: log["contracts"])
        (args.work / "results.json").write_text(json.dumps(logs, indent=1, default=str))
        if not args.smoke:  # after every size, so that a long run leaves what it measured
            write_section(args.out, report(logs))
            print(f"wrote {args.out}", file=sys.stderr)
    if args.smoke:
        print(report(logs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
