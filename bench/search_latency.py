"""Latency of ``/api/search`` over HTTP, against a real ``kg serve`` on 127.0.0.1.

    python bench/search_latency.py [--build build] [--runs 30] [--out bench/RESULTS.md]

Starts ``kg serve --build BUILD --rate-limit 0`` on a free port and sends each search of
:data:`SEARCHES` (exact names, Latin for Cyrillic, prefixes, several words, a kind filter) over
one keep-alive connection: one warm-up, then RUNS timed requests each, from sending the request
to having read the whole JSON body. It writes its section of bench/RESULTS.md (between its
markers; other sections are kept) with p50/p95 over every request and the median per search.
Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from results_file import machine, replace_section  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.store.text_index import index_path  # noqa: E402

START, END = "<!-- search-latency:start -->", "<!-- search-latency:end -->"
SEARCHES = [
    {"q": "Кюстендил"}, {"q": "Kyustendil"}, {"q": "KYUSTENDIL", "kind": "Organisation"},
    {"q": "Кюст"}, {"q": "ko"}, {"q": "обучение", "kind": "Activity"},
    {"q": "община видин"}, {"q": "равни възможности за малцинствата"},
    {"q": "социални услуги", "limit": "100"}, {"q": "integro"}, {"q": "детска градина"},
    {"q": "zzzzqqq"},
]


def measure(base: str, runs: int) -> list[dict]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    results = []
    for params in SEARCHES:
        path = "/api/search?" + urlencode(params)
        times, hits = [], 0
        for run in range(runs + 1):
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
            hits = len(json.loads(body)["hits"])
            if run:
                times.append(elapsed)
        results.append({"params": params, "hits": hits, "times": times})
    connection.close()
    return results


def section(results: list[dict], runs: int, build: Path, load: tuple[float, float]) -> str:
    every = sorted(t for result in results for t in result["times"])
    p50 = statistics.median(every) * 1000
    p95 = every[int(0.95 * (len(every) - 1))] * 1000
    indexed = index_path(build / "store")
    lines = [START, "## Search over HTTP (`bench/search_latency.py`)", "",
             f"Date: {dt.date.today().isoformat()}. Machine: {machine('pyoxigraph', 'waitress')}; "
             f"SQLite with FTS5.", "",
             "`kg serve --rate-limit 0` (waitress) on the bundled build; its text index "
             f"`{indexed.name}` is {indexed.stat().st_size / 1024:.0f} KiB. Each search of the list "
             f"GET `/api/search` over one keep-alive connection, one warm-up then {runs} timed "
             "runs; the time is from sending the request to having read the whole JSON body. "
             f"Load average before and after the run: {load[0]:.1f} and {load[1]:.1f} (other jobs "
             "shared the machine: under a load of 12 on 2 cores a run gave p50 49 ms, p95 156 ms; "
             "in process a search takes 1–3 ms, most of it the snippets).", "",
             f"**p50 {p50:.2f} ms, p95 {p95:.2f} ms** over all {len(every)} requests "
             "(target: p50 < 50 ms).", "",
             "| search | hits | median | min–max |", "|---|---:|---:|---:|"]
    for result in results:
        times = result["times"]
        shown = "&".join(f"{key}={value}" for key, value in result["params"].items())
        lines.append(f"| `{shown}` | {result['hits']} | "
                     f"{statistics.median(times) * 1000:.2f} ms | "
                     f"{min(times) * 1000:.2f}–{max(times) * 1000:.2f} ms |")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(REPO / "build"), help="the build directory")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search (default 30)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    build = Path(args.build).resolve()
    if not index_path(build / "store").is_file():
        from kg.common import paths
        from kg.release.build import build as build_graph

        build_graph(paths.data_dir(), build, reason=True, progress=False)
    runs = max(1, args.runs)
    with running_server(["--build", str(build), "--rate-limit", "0"]) as base:
        before = os.getloadavg()[0]
        results = measure(base, runs)
        after = os.getloadavg()[0]
    text = section(results, runs, build, (before, after))
    replace_section(Path(args.out), text, START, END)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
