"""Lookups per second of every server of one store, measured in the same run by the same wrk.

    python bench/wrk_peers.py --build DIR [--build DIR2 ...] [--rounds 3] [--seconds 10]
                              [--connections 16] [--threads 2] [--out bench/RESULTS.md]

Issue 22 found the old harness wrong: its Python client (8 threads under one interpreter lock)
could not ask faster than about 3 200 lookups/s, so it reported Oxigraph server at a tenth of
what Oxigraph answers, and our share of it three to five times too high. Here the load comes
from wrk (Debian package ``wrk``), an external load generator written in C that none of the
servers can outrun on 2 cores, and every server answers the same requests:

* a lookup by contract number (the saved query ``contract-by-number``), the number drawn at random
  for each request from every contract of the store: its SPARQL text with the number written in,
  POSTed as a form (bench/wrk/lookups.lua), to every SPARQL endpoint; and the same lookup as its
  API call (``GET /api/queries/contract-by-number?number=…``, the same script) to
  ``kg serve``, where it takes the lookup lane (decision 0024: no query worker);
* to each server in turn, in alternating rounds (the machine's speed drifts between phases),
  after a warm-up of 3 s each; all servers run the whole time, idle but for their turn.

The servers, all on the build's own store:

* Oxigraph server (``oxigraph serve-read-only``, Rust);
* ``kg serve``, one copy and ``--processes 2``: the public endpoint with all its checks, time
  limit and row cap; per-client limits off (every request comes from one address) and the result
  cache off (``--cache-memory 0``: every lookup reaches the engine);
* ``kg serve``'s application on Granian (a Rust HTTP server; bench/granian_kg_server.py): the
  trial issue 22 asks for, the same settings, both ways in;
* the bare ceiling (bench/bare_ceiling_server.py): Flask and pyoxigraph in the same process,
  no check or limit at all, on waitress (as ``kg serve``) and on Granian, one copy per core.

Before the rounds, each server's answers to the same 20 lookups are compared with Oxigraph
server's (the same bindings): a server that answers something else is not measured. It writes
its section of RESULTS.md between its markers; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import query_mix  # noqa: E402
import wrk_load  # noqa: E402
from rdflib import Literal  # noqa: E402
from results_file import machine, replace_section  # noqa: E402
from server_process import free_port  # noqa: E402
from serving_ceiling import bare_ceiling, ours, oxigraph, started  # noqa: E402

from kg.query.catalogue import catalogue  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

START, END = "<!-- wrk-peers:start -->", "<!-- wrk-peers:end -->"
OXIGRAPH = "Oxigraph server"
#: The saved lookup (decision 0024) every server answers: its text with the number written in
#: for the SPARQL endpoints, its API call with the number as a parameter for the lookup lane.
LOOKUP = "contract-by-number"
#: kg serve as the benchmark runs it: per-client limits off (wrk is one address), no result cache,
#: threads enough that 16 connections never meet the /sparql share (threads less 4, decision 0018).
OURS = ["--rate-limit", "0", "--client-concurrency", "0", "--cache-memory", "0", "--threads", "24"]


@dataclass
class Measured:
    """One server's rounds: answered lookups/s, latency percentiles (ms), failures."""

    name: str
    url: str
    kind: str = "post"  # a SPARQL query POSTed as a form, or "get": the saved query's API call
    rates: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    failed: int = 0


def contract_numbers(store: Path) -> list[str]:
    """Every contract number of the store (at most 200 000)."""
    local = OxigraphStore.open_read_only(store)
    try:
        return query_mix.contract_numbers(local, limit=200_000)
    finally:
        del local


def lookup_text(number: str) -> str:
    """The saved lookup's text with ``number`` written in place of its parameter (as a client
    of a SPARQL endpoint would send it): a constant in the pattern, projected as ``?number``."""
    text = catalogue()[LOOKUP].text
    where = text.index("WHERE")
    term = Literal(number).n3().replace("\\", "\\\\")
    head = re.sub(r"\?number\b", f"({term} AS ?number)", text[:where], count=1)
    return head + re.sub(r"\?number\b", term, text[where:])


def api_path(number: str) -> str:
    return f"/api/queries/{LOOKUP}?" + urllib.parse.urlencode({"number": number})


def write_requests(numbers: list[str], work: Path) -> dict[str, Path]:
    """One file per kind of request: URL-encoded form bodies, and API paths, one per line."""
    return {"post": wrk_load.write_bodies([lookup_text(number) for number in numbers], work / "bodies.txt"),
            "get": wrk_load.write_paths([api_path(number) for number in numbers], work / "paths.txt")}


def _bindings(server: Measured, number: str) -> list[dict]:
    if server.kind == "get":
        base = urllib.parse.urlsplit(server.url)
        request = urllib.request.Request(f"{base.scheme}://{base.netloc}{api_path(number)}",
                                         headers={"Accept": "application/sparql-results+json"})
    else:
        body = urllib.parse.urlencode({"query": lookup_text(number)}).encode()
        request = urllib.request.Request(server.url, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return sorted(({name: value["value"] for name, value in row.items()} for row in rows),
                  key=lambda row: sorted(row.items()))


def same_answers(servers: list[Measured], numbers: list[str]) -> None:
    """Raise unless every server answers 20 lookups as Oxigraph server does (and finds rows)."""
    sample = random.Random(22).sample(numbers, min(20, len(numbers)))
    reference = {number: _bindings(servers[0], number) for number in sample}
    if not any(reference.values()):
        raise SystemExit(f"{OXIGRAPH} found none of 20 contracts: not a store of contracts")
    for server in servers[1:]:
        for number in sample:
            if _bindings(server, number) != reference[number]:
                raise SystemExit(f"{server.name} answers the lookup of {number!r} otherwise than "
                                 f"{OXIGRAPH}: not measured")


def run_wrk(server: Measured, requests: dict[str, Path], seconds: float, connections: int,
            threads: int) -> dict:
    """wrk's figures for ``seconds`` of lookups against ``server`` (bench/wrk_load.py)."""
    return wrk_load.run_wrk(server.url, requests[server.kind], server.kind, seconds, connections, threads)


def granian_kg(build: Path, processes: int):
    """``kg serve``'s application on Granian (bench/granian_kg_server.py): the trial of issue 22."""
    port = free_port()
    return started([sys.executable, str(REPO / "bench" / "granian_kg_server.py"), str(build), str(port),
                    str(processes), "24"], f"http://127.0.0.1:{port}/sparql", "granian trial")


@contextmanager
def servers_of(build: Path, processes: int, granian: bool) -> Iterator[list[Measured]]:
    """Every server of the build's store, started, in the order of the table."""
    store = build / "store"
    with ExitStack() as running:
        ours_one = running.enter_context(ours(build, " ".join(OURS)))
        ours_copies = running.enter_context(ours(build, " ".join([*OURS, "--processes", str(processes)])))
        measured = [Measured(OXIGRAPH, running.enter_context(oxigraph(store)).url),
                    Measured("kg serve (1 copy), POST /sparql", ours_one.url),
                    Measured(f"kg serve --processes {processes}, POST /sparql", ours_copies.url)]
        lanes = [("kg serve (1 copy)", ours_one), (f"kg serve --processes {processes}", ours_copies)]
        if granian:
            trial = running.enter_context(granian_kg(build, processes))
            measured.append(Measured(f"kg serve's application on Granian × {processes}, POST /sparql",
                                     trial.url))
            lanes.append((f"kg serve's application on Granian × {processes}", trial))
        for name, engine in lanes:
            base = engine.url.rsplit("/sparql", 1)[0]
            measured.append(Measured(f"{name}, the lookup lane: GET /api/queries/{LOOKUP}",
                                     f"{base}/api/queries/{LOOKUP}", "get"))
        measured.append(Measured(f"bare Flask + pyoxigraph on waitress × {processes}",
                                 running.enter_context(bare_ceiling(store, processes)).url))
        if granian:
            measured.append(Measured(f"bare Flask + pyoxigraph on Granian × {processes}",
                                     running.enter_context(bare_ceiling(store, processes, "granian")).url))
        yield measured


def measure(build: Path, rounds: int, seconds: float, connections: int, threads: int,
            processes: int, granian: bool) -> tuple[list[Measured], int]:
    numbers = contract_numbers(build / "store")
    with tempfile.TemporaryDirectory(prefix="wrk-peers-") as work:
        requests = write_requests(numbers, Path(work))
        with servers_of(build, processes, granian) as servers:
            same_answers(servers, numbers)
            for server in servers:  # caches warm, first connections made
                run_wrk(server, requests, 3, connections, threads)
            for _ in range(rounds):
                for server in servers:
                    figures = run_wrk(server, requests, seconds, connections, threads)
                    server.rates.append(figures["per_second"])
                    server.p50.append(figures["p50"])
                    server.p99.append(figures["p99"])
                    server.failed += figures["failed"]
    return servers, len(numbers)


def table(build: Path, servers: list[Measured], contracts: int) -> list[str]:
    base = statistics.median(servers[0].rates)
    lines = [f"### `{build.name}`: {contracts:,} contracts", "",
             "| server | answered lookups/s, each round | median | share of Oxigraph server's "
             "| p50 | p99 | failed |", "|---|---|---:|---:|---:|---:|---:|"]
    for server in servers:
        median = statistics.median(server.rates)
        lines.append(f"| {server.name} | {', '.join(f'{rate:.0f}' for rate in server.rates)} | "
                     f"{median:.0f} | {median / base:.1%} | {statistics.median(server.p50):.2f} ms | "
                     f"{statistics.median(server.p99):.2f} ms | {server.failed} |")
    return [*lines, ""]


def section(results: list[tuple[Path, list[Measured], int]], rounds: int, seconds: float,
            connections: int, threads: int) -> str:
    lines = [START, "## Lookups per second, every server in one run (`bench/wrk_peers.py`, wrk)", "",
             f"- measured {dt.date.today().isoformat()} on "
             f"{machine('pyoxigraph', 'oxigraph', 'flask', 'waitress', 'granian')}",
             f"- `wrk -t{threads} -c{connections} -d{seconds:g}s` with bench/wrk/lookups.lua: a lookup by "
             "contract number, the number drawn at random from every contract of the store for each "
             f"request; {rounds} alternating rounds after a 3 s warm-up each; wrk runs on the same 2 "
             f"cores as the server; load average {os.getloadavg()[0]:.1f} at the end",
             "- `kg serve` with its checks, time limit and row cap; per-client limits and the result "
             "cache off (`" + " ".join(OURS) + "`); every server's answers to 20 lookups were "
             "compared with Oxigraph server's first (the same bindings)", ""]
    for build, servers, contracts in results:
        lines += table(build, servers, contracts)
    return "\n".join([*lines, END]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, action="append", required=True,
                        help="a build directory with its store (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-granian", action="store_true", help="leave out the bare server on Granian")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    wrk_load.require_wrk()
    for build in args.build:
        if not (build / "store").is_dir():
            parser.error(f"{build / 'store'}: no store; run `kg build` first")
    granian = not args.no_granian
    if granian:
        try:
            import granian as _granian  # noqa: F401
        except ImportError:
            parser.error("granian is not installed (pip install '.[bench]'), or pass --no-granian")
    results = []
    for build in args.build:
        servers, contracts = measure(build.resolve(), args.rounds, args.seconds, args.connections,
                                     args.threads, args.processes, granian)
        results.append((build.resolve(), servers, contracts))
    text = section(results, args.rounds, args.seconds, args.connections, args.threads)
    print(text)
    replace_section(Path(args.out), text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
