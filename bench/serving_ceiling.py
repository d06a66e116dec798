"""How close can an endpoint built on Flask, waitress and pyoxigraph come to Oxigraph server?

    python bench/serving_ceiling.py --build DIR [--rounds 3] [--seconds 10] [--processes 2]
                                    [--serve "KG SERVE OPTIONS"]... [--out bench/RESULTS.md]

Issue 6 asks for lookup throughput of at least a third of Oxigraph server's. This measures, on
one built store and in alternating rounds (the machine's speed drifts between phases), the
harness's throughput run (bench/run.py: wrk with 16 connections, lookups by contract number, a fixed
duration) against these servers of the same store, each warmed up for 3 s before each of its runs:

* Oxigraph server, ``oxigraph serve-read-only`` on the build's store (no time limit: with one it
  falls over at this rate, see engines.OxigraphServer);
* ``kg serve`` with each ``--serve`` set of options (default: none, and ``--processes N``, one
  copy of the server per core on one socket, server/process/prefork.py), per-client limits off as in the
  harness;
* the bare ceiling (bench/bare_ceiling_server.py): Flask, waitress and pyoxigraph in the same
  ``--processes`` processes, with no limit or check at all. No endpoint on this stack that
  keeps the public endpoint's guards can answer faster than this.

It writes its section of RESULTS.md between its markers; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import engines  # noqa: E402
import query_mix  # noqa: E402
from results_file import machine, replace_section  # noqa: E402
from run import throughput  # noqa: E402
from server_process import free_port  # noqa: E402

from kg.store.oxigraph import OxigraphStore  # noqa: E402

START, END = "<!-- serving-ceiling:start -->", "<!-- serving-ceiling:end -->"
OXIGRAPH = "Oxigraph server"


@contextmanager
def started(command: list[str], url: str, name: str) -> Iterator[engines.HttpEngine]:
    """``command`` in a session of its own until ``url`` answers; the whole group stopped after."""
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        engines.wait_until_answers(url, process, 120)
        yield engines.HttpEngine(name, url, 60)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bare_ceiling(store: Path, processes: int, http: str = "waitress"):
    port = free_port()
    return started([sys.executable, str(REPO / "bench" / "bare_ceiling_server.py"), str(store),
                    str(port), str(processes), http], f"http://127.0.0.1:{port}/sparql",
                   f"bare Flask + {http} + pyoxigraph × {processes}")


def oxigraph(store: Path):
    port = free_port()
    return started(["oxigraph", "serve-read-only", "--location", str(store), "--bind",
                    f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}/query", OXIGRAPH)


@contextmanager
def ours(build: Path, options: str) -> Iterator[engines.HttpEngine]:
    with engines.our_endpoint(build, 30, options.split()) as (engine, _ready, _pid):
        yield engines.HttpEngine(" ".join(["kg serve", *options.split()]), engine.url, 60)


def measure(build: Path, rounds: int, seconds: float, processes: int,
            serve_options: list[str]) -> tuple[dict[str, list[float]], int]:
    """Answered lookups per second of each server in each round, and the number of contracts."""
    store = build / "store"
    local = OxigraphStore.open_read_only(store)
    numbers = query_mix.contract_numbers(local)
    contracts = int(local.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/bg-inclusion/ontology#GrantContract> }"
    ).rows()[0][0].split('"')[1])
    del local
    with ExitStack() as running:
        servers = [running.enter_context(oxigraph(store)),
                   *(running.enter_context(ours(build, options)) for options in serve_options),
                   running.enter_context(bare_ceiling(store, processes))]
        rates: dict[str, list[float]] = {server.name: [] for server in servers}
        # each throughput run warms its server up first (bench/run.py)
        for _ in range(rounds):
            for server in servers:
                rates[server.name].append(throughput(server, numbers, seconds)["per_second"])
    return rates, contracts


def section(rates: dict[str, list[float]], build: Path, contracts: int, rounds: int,
            seconds: float) -> str:
    base = statistics.median(rates[OXIGRAPH])
    lines = [START, "## How close a Flask endpoint comes to Oxigraph server (`bench/serving_ceiling.py`)", "",
             f"- measured {dt.date.today().isoformat()} on {machine('pyoxigraph', 'flask', 'waitress')}",
             f"- store: `{build.name}/store` ({contracts:,} contracts); {rounds} alternating rounds of "
             f"{seconds:g} s, wrk with 16 connections, lookups by contract number; load average "
             f"{os.getloadavg()[0]:.1f} at the end", "",
             "| server | answered lookups/s, each round | median | share of Oxigraph server's median |",
             "|---|---|---|---|"]
    for name, values in rates.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {', '.join(f'{value:.0f}' for value in values)} | {median:.0f} | "
                     f"{median / base:.0%} |")
    return "\n".join([*lines, "", END]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, required=True, help="a build directory with its store")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--serve", action="append", metavar="OPTIONS",
                        help="kg serve options of one server to measure (repeatable; default: none, "
                             "and --processes N)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    if not (args.build / "store").is_dir():
        parser.error(f"{args.build / 'store'}: no store; run `kg build` first")
    serve_options = args.serve or ["", f"--processes {args.processes}"]
    rates, contracts = measure(args.build.resolve(), args.rounds, args.seconds, args.processes, serve_options)
    text = section(rates, args.build.resolve(), contracts, args.rounds, args.seconds)
    print(text)
    replace_section(Path(args.out), text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
