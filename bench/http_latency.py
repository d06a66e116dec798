"""Median latency of every saved query over HTTP, against a real ``kg serve`` on 127.0.0.1.

    python bench/http_latency.py [--build build] [--runs 15] [--out bench/RESULTS.md]

Starts ``kg serve --build BUILD`` (waitress, the read-only pyoxigraph store) on a free port, sends
each saved query (queries/*.rq, the text as the query page sends it: parameters unbound) as a
direct POST asking for SPARQL JSON over one keep-alive connection, one warm-up and then RUNS
timed requests each, and times the same query in process (query + JSON serialisation) for
comparison. It writes its section of bench/RESULTS.md (between its markers; other sections are
kept) with the machine (CPU model, cores, RAM) and the date. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from results_file import machine, replace_section  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.common.formats import by_key  # noqa: E402
from kg.query.catalogue import catalogue  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

START, END = "<!-- http-latency:start -->", "<!-- http-latency:end -->"
JSON_RESULTS = by_key("json").media_type


def timed_http(connection: http.client.HTTPConnection, text: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    connection.request("POST", "/sparql", body=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {body[:300]!r}")
    return elapsed, body


def timed_local(store: OxigraphStore, text: str) -> float:
    started = time.perf_counter()
    store.query(text).serialize("json")
    return time.perf_counter() - started


def rows_in(body: bytes) -> int:
    document = json.loads(body)
    return len(document["results"]["bindings"]) if "results" in document else 1


def triples_in(build: Path) -> int:
    row = OxigraphStore.open_read_only(build / "store").query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows()[0][0]
    return int(row.split('"')[1])


def measure(build: Path, runs: int) -> list[dict]:
    queries = {"(baseline) ASK {}": "ASK {}"}
    queries.update({name: saved.text for name, saved in catalogue().items()})
    results = []
    # --cache-memory 0: the query's own time, not a repeat's cache hit (decision 0022)
    with running_server(["--build", str(build), "--cache-memory", "0"]) as base_url:
        store = OxigraphStore.open_read_only(build / "store")
        address = urlsplit(base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        try:
            for name, text in queries.items():
                _, body = timed_http(connection, text)  # warm-up
                timed_local(store, text)
                over_http = [timed_http(connection, text)[0] for _ in range(runs)]
                local = [timed_local(store, text) for _ in range(runs)]
                results.append({"name": name, "rows": rows_in(body), "bytes": len(body),
                                "http": statistics.median(over_http), "min": min(over_http),
                                "max": max(over_http), "local": statistics.median(local)})
                print(f"{name:45} {results[-1]['http'] * 1000:8.2f} ms over HTTP "
                      f"({results[-1]['local'] * 1000:.2f} ms in process)", file=sys.stderr)
        finally:
            connection.close()
    return results


def section(results: list[dict], runs: int, triples: int) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    lines = [
        START,
        "## Saved queries over HTTP (`bench/http_latency.py`)",
        "",
        f"Date: {today}. Machine: {machine('pyoxigraph')}.",
        "",
        "`kg serve` (waitress, 8 threads, the read-only pyoxigraph store of the bundled build,",
        f"{triples} quads) on 127.0.0.1; each query POSTed directly (`application/sparql-query`,",
        f"SPARQL JSON results) over one keep-alive connection, one warm-up then {runs} timed runs;",
        "the time is from sending the request to having read the whole body. \"In process\" is the",
        "same query on the same store in the benchmark's process, with the JSON serialisation. Saved",
        "queries are sent as the query page sends them, with their parameters unbound.",
        "",
        "| query | rows | response | median in process | median over HTTP | HTTP min–max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(f"| {result['name']} | {result['rows']} | {result['bytes'] / 1024:.1f} KiB | "
                     f"{result['local'] * 1000:.2f} ms | {result['http'] * 1000:.2f} ms | "
                     f"{result['min'] * 1000:.2f}–{result['max'] * 1000:.2f} ms |")
    lines += ["", f"Re-run: `python bench/http_latency.py --runs {runs}`.", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(REPO / "build"), help="the build directory")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query (default 15)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    build = Path(args.build).resolve()
    if not (build / "store" / "CURRENT").is_file():
        from kg.common import paths
        from kg.release.build import build as build_graph

        build_graph(paths.data_dir(), build, reason=True, progress=False)
    results = measure(build, max(1, args.runs))
    replace_section(Path(args.out), section(results, max(1, args.runs), triples_in(build)), START, END)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
