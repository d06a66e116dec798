"""Latency of a result-cache hit over HTTP, against a real ``kg serve`` on 127.0.0.1.

    python bench/cache_hit.py [--build build] [--runs 500] [--out bench/RESULTS.md]

Starts ``kg serve --build BUILD --rate-limit 0`` (waitress, the read-only pyoxigraph store) on a
free port and, over one keep-alive connection, asks each query once (the miss that fills the
cache) and then RUNS times (the hits; each must say ``KG-Cache: hit``); the time is from sending
the request to having read the whole body. The queries: ``ASK {}``, a saved query through the
API (``/api/queries/NAME``) and the same saved query's text with its defaults (as the query page
offers it: the same answer as the API call) POSTed to ``/sparql``. It writes
its section of bench/RESULTS.md (between its markers; other sections are kept). Nothing here
asserts a timing (docs/decisions/0022-result-cache-by-generation.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from results_file import machine, replace_section  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.common.formats import by_key  # noqa: E402
from kg.query.catalogue import catalogue  # noqa: E402

START, END = "<!-- cache-hit:start -->", "<!-- cache-hit:end -->"
JSON_RESULTS = by_key("json").media_type
SAVED = "project-budget-totals"


def _request(connection: http.client.HTTPConnection, method: str, path: str,
             body: bytes | None) -> tuple[float, int, str, bytes]:
    headers = {"Accept": JSON_RESULTS}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return time.perf_counter() - started, response.status, response.getheader("KG-Cache") or "", data


def measure(build: Path, runs: int) -> list[dict]:
    text = catalogue()[SAVED].text_with_defaults()  # what the API call with no parameters answers
    cases = [("`ASK {}`, GET /sparql", "GET", "/sparql?query=" + quote("ASK {}"), None),
             (f"`{SAVED}`, GET /api/queries/{SAVED}", "GET", f"/api/queries/{SAVED}", None),
             (f"`{SAVED}`'s text, POST /sparql", "POST", "/sparql", text.encode("utf-8"))]
    results = []
    with running_server(["--build", str(build), "--rate-limit", "0"]) as base_url:
        address = urlsplit(base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        try:
            for name, method, path, body in cases:
                miss, status, state, first = _request(connection, method, path, body)
                if status != 200 or state != "miss":
                    raise RuntimeError(f"{name}: HTTP {status}, KG-Cache {state!r}: {first[:200]!r}")
                times = []
                for _ in range(runs):
                    elapsed, status, state, data = _request(connection, method, path, body)
                    if status != 200 or state != "hit" or data != first:
                        raise RuntimeError(f"{name}: HTTP {status}, KG-Cache {state!r} on a repeat")
                    times.append(elapsed * 1000)
                times.sort()
                results.append({"name": name, "bytes": len(first), "miss": miss * 1000,
                                "p50": statistics.median(times),
                                "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1]})
        finally:
            connection.close()
    return results


def section(results: list[dict], runs: int, note: str = "") -> str:
    lines = [START, "## Result cache hits over HTTP (`bench/cache_hit.py`)", "",
             f"Date: {dt.date.today().isoformat()}. Machine: {machine('pyoxigraph', 'waitress')}.", "",
             "`kg serve --rate-limit 0` on the bundled build (one process, defaults otherwise) on "
             "127.0.0.1; one keep-alive connection, SPARQL JSON; each query asked once (the miss "
             f"that fills the cache), then {runs} times, every repeat checked to say `KG-Cache: hit` "
             "and to carry the same bytes. Time: from sending the request to having read the "
             "whole body. Target (issue 22): hit p50 ≤ 2 ms.", "",
             "| query | response | miss | hit p50 | hit p95 | hit max |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in results:
        size = f"{row['bytes']:,}".replace(",", " ")
        lines.append(f"| {row['name']} | {size} B | {row['miss']:.2f} ms | "
                     f"{row['p50']:.2f} ms | {row['p95']:.2f} ms | {row['max']:.2f} ms |")
    lines += [""] + ([note, ""] if note else []) + [END, ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--note", default="", help="a sentence under the table (e.g. the load)")
    args = parser.parse_args()
    results = measure(Path(args.build), args.runs)
    text = section(results, args.runs, args.note)
    print(text)
    if args.out:
        replace_section(Path(args.out), text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
