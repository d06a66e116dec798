"""Issue 22's figures at scale, over HTTP: every saved query, search and a cache hit.

    python bench/scale_http.py --build DIR [--build DIR2 ...] [--runs 11] [--out bench/RESULTS.md]

For each build (10 000 and 100 000 synthetic contracts, say), against a real ``kg serve`` on
127.0.0.1, over one keep-alive connection, from sending the request to having read the whole
body:

* every saved query (queries/*.rq) as the query page sends it (its parameters unbound, so its
  widest form), POSTed to ``/sparql`` with ``Prefer: truncate`` (an answer over the row cap is cut
  and marked, not refused: the figure is the engine's, decision 0019), one warm-up then RUNS timed
  runs; the server's result cache off (``--cache-memory 0``), its time limit raised to 60 s so the
  ``-raw`` queries (the aggregates' reference, decision 0023) finish at 100 000 contracts;
* ``/api/search`` for each search of bench/search_latency.py (SQLite FTS5, decision 0021);
* a result-cache hit (bench/cache_hit.py, its own server with the cache on, decision 0022).

It writes one section of RESULTS.md between its markers, with a table per build and one of the
growth from the first build to the last; nothing here asserts a timing.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import cache_hit  # noqa: E402
import search_latency  # noqa: E402
from results_file import builds_parser, measure_and_write, measured_line, timing_cell  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.query.catalogue import catalogue  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

START, END = "<!-- scale-http:start -->", "<!-- scale-http:end -->"
JSON_RESULTS = "application/sparql-results+json"
#: The saved queries that read the materialised aggregates (decision 0023): the analytic ones
#: whose target is a p50 under 200 ms at 100 000 contracts.
#: A query whose first run takes longer than this is timed once (marked "once" in the table).
SLOW_SECONDS = 5.0
AGGREGATE_QUERIES = ("amounts-by", "counts-by", "project-budget-totals")
#: For the third column, a value of each parameter taken from the graph measured, so that a
#: per-project question is timed on a project that has what it asks about (the defaults name the
#: bundled Kyustendil resources, which a synthetic graph may not hold: a fast empty answer says
#: little). Each probe returns one value, the first in IRI order among the richest candidates;
#: a probe that is another parameter's name takes that parameter's value.
PROBES = {
    "project": """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT ?value WHERE { ?amendment bgi:amends/bgi:fundsProject ?value .
          ?p bgi:participationIn ?value ; bgi:role <https://w3id.org/bg-inclusion/id/concept/roles/partner> }
        GROUP BY ?value ORDER BY DESC(COUNT(DISTINCT ?p)) ?value LIMIT 1""",
    "subject": "project",  # the same project: whose provenance is asked
    "plan": """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT ?value WHERE { ?value a bgi:ActionPlan } ORDER BY ?value LIMIT 1""",
    "institution": """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT ?value WHERE { ?item bgi:responsibleParty ?value }
        GROUP BY ?value ORDER BY DESC(COUNT(?item)) ?value LIMIT 1""",
    "registryId": """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT (STR(?id) AS ?value) WHERE { ?o bgi:registryId ?id } ORDER BY ?id LIMIT 1""",
    "region": """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT ?value WHERE { ?district a bgi:District ; bgi:nutsRegion ?value }
        ORDER BY ?value LIMIT 1""",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _post(connection: http.client.HTTPConnection, text: str) -> tuple[float, int, bytes, bool]:
    started = time.perf_counter()
    connection.request("POST", "/sparql", body=text.encode("utf-8"), headers={
        "Content-Type": "application/sparql-query", "Accept": JSON_RESULTS, "Prefer": "truncate"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    return elapsed, response.status, body, response.getheader("KG-Result-Truncated") is not None


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[float, int, bytes, bool]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept": JSON_RESULTS, "Prefer": "truncate"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    return elapsed, response.status, body, response.getheader("KG-Result-Truncated") is not None


def _timed(name: str, call, runs: int) -> dict:
    """One warm-up of ``call`` then ``runs`` timed ones: rows, whether cut, p50 and p95 in ms."""
    first, status, body, cut = call()
    if status != 200:
        return {"name": name, "error": f"HTTP {status}: {body[:120]!r} after {first:.1f} s"}
    document = json.loads(body)
    rows = len(document["results"]["bindings"]) if "results" in document else 1
    if first > SLOW_SECONDS:  # one run says enough, and RUNS more would take minutes
        return {"name": name, "rows": rows, "cut": cut, "p50": first * 1000, "p95": first * 1000,
                "once": True}
    times = []
    for _ in range(runs):
        elapsed, status, body, _cut = call()
        if status != 200:
            raise RuntimeError(f"{name}: HTTP {status} on a repeat: {body[:200]!r}")
        times.append(elapsed * 1000)
    return {"name": name, "rows": rows, "cut": cut, "p50": statistics.median(times),
            "p95": percentile(times, 0.95)}


def probed_values(build: Path) -> dict[str, str]:
    """PROBES run on the build's store: parameter name -> a value from the graph."""
    local = OxigraphStore.open_read_only(build / "store")
    try:
        values = {}
        for name, probe in PROBES.items():
            if probe in values:  # another parameter's value
                values[name] = values[probe]
                continue
            rows = local.query(probe).rows()
            if rows and rows[0][0]:
                term = rows[0][0]
                values[name] = term[1:-1] if term.startswith("<") else term.split('"')[1]
        return values
    finally:
        del local


def saved_queries(base: str, runs: int, values: dict[str, str]) -> list[dict]:
    """Each saved query three times: its text unbound to /sparql, its API call with the defaults
    bound (``/api/queries/NAME``: what a researcher's first click asks), and its API call with
    ``values`` from the graph for the parameters PROBES knows (the others keep their defaults)."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=300)
    results = []
    try:
        for name, saved in sorted(catalogue().items()):
            result = _timed(name, lambda text=saved.text: _post(connection, text), runs)
            result["api"] = _timed(name, lambda name=name: _get(connection, f"/api/queries/{name}"), runs)
            chosen = {parameter.name: values[parameter.name] for parameter in saved.parameters
                      if parameter.name in values}
            if chosen:
                path = f"/api/queries/{name}?{urlencode(chosen)}"
                result["probed"] = _timed(name, lambda path=path: _get(connection, path), runs)
                result["probed"]["values"] = chosen
            results.append(result)
            print(f"{name:45} p50 {result.get('p50', float('nan')):9.2f} ms unbound, "
                  f"{result['api'].get('p50', float('nan')):9.2f} ms API, "
                  f"{result.get('probed', {}).get('p50', float('nan')):9.2f} ms probed",
                  file=sys.stderr)
    finally:
        connection.close()
    return results


def searches(base: str, runs: int) -> dict:
    measured = search_latency.measure(base, runs)
    times = [elapsed * 1000 for result in measured for elapsed in result["times"]]
    return {"requests": len(times), "p50": statistics.median(times), "p95": percentile(times, 0.95)}


def contracts_of(build: Path) -> int:
    local = OxigraphStore.open_read_only(build / "store")
    try:
        row = local.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a "
                          "<https://w3id.org/bg-inclusion/ontology#GrantContract> }").rows()[0][0]
        return int(row.split('"')[1])
    finally:
        del local


def measure(build: Path, runs: int, search_runs: int, cache_runs: int) -> dict:
    figures: dict = {"build": build, "contracts": contracts_of(build), "values": probed_values(build)}
    measured = build / "measured.json"  # bench/run.py's record of how long the build took
    if measured.is_file():
        figures["build_measured"] = json.loads(measured.read_text())
    with running_server(["--build", str(build), "--rate-limit", "0", "--client-concurrency", "0",
                         "--cache-memory", "0", "--timeout", "60", "--max-timeout", "60"],
                        timeout=120) as base:
        figures["queries"] = saved_queries(base, runs, figures["values"])
        figures["search"] = searches(base, search_runs)
    hits = cache_hit.measure(build, cache_runs)
    figures["cache"] = {"p50": max(hit["p50"] for hit in hits), "cases": hits}
    return figures


def _rows(figures: dict) -> str:
    return "" if "error" in figures else f"{figures['rows']}{' (cut)' if figures['cut'] else ''}, "


def section(results: list[dict], runs: int) -> str:
    lines = [START, "## Issue 22 at scale, over HTTP (`bench/scale_http.py`)", "",
             measured_line("pyoxigraph", "waitress"),
             f"- saved queries: POST /sparql with `Prefer: truncate` (cut at the row cap of 10 000 rows, "
             f"marked), parameters unbound; one warm-up, then {runs} runs; result cache off; "
             "the queries that read the materialised aggregates are in **bold**", ""]
    header = "| saved query | " + " | ".join(
        f"{result['contracts']:,} contracts: /sparql, unbound: rows, p50 / p95 | API call, defaults "
        "bound: rows, p50 / p95 | API call, values from the graph: rows, p50 / p95"
        for result in results) + " |"
    lines += [header, "|---|" + "---:|---:|---:|" * len(results)]
    names = [result["name"] for result in results[0]["queries"]]
    for name in names:
        cells = []
        for result in results:
            found = next(query for query in result["queries"] if query["name"] == name)
            for figures in (found, found["api"]):
                cells.append(_rows(figures) + timing_cell(figures))
            probed = found.get("probed")
            cells.append(_rows(probed) + timing_cell(probed) if probed else "(defaults only)")
        label = f"**{name}**" if name in AGGREGATE_QUERIES else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    search = [cell for result in results for cell in (
        f"{result['search']['p50']:.2f} ms / {result['search']['p95']:.2f} ms", "", "")]
    lines.append("| /api/search (p50 / p95 over every search) | " + " | ".join(search) + " |")
    hits = [cell for result in results for cell in (f"{result['cache']['p50']:.2f} ms", "", "")]
    lines.append("| result-cache hit (p50, the slowest of its three cases) | " + " | ".join(hits) + " |")
    for result in results:
        chosen = ", ".join(f"`{name}` = {value}" for name, value in sorted(result["values"].items()))
        lines += ["", f"Values from the graph at {result['contracts']:,} contracts (bench/scale_http.py "
                  f"PROBES): {chosen or 'none found'}."]
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["contracts"] / first["contracts"]
        lines += ["", f"Growth from {first['contracts']:,} to {last['contracts']:,} contracts "
                  f"({growth:g}× the data), p50:", ""]
        lines += ["| saved query | /sparql, unbound | API call, defaults bound | API call, values "
                  "from the graph |", "|---|---:|---:|---:|"]
        for name in names:
            a = next(query for query in first["queries"] if query["name"] == name)
            b = next(query for query in last["queries"] if query["name"] == name)
            factors = [f"{y['p50'] / x['p50']:.1f}×" if x and y and "error" not in x and "error" not in y
                       else "—" for x, y in ((a, b), (a["api"], b["api"]),
                                             (a.get("probed"), b.get("probed")))]
            lines.append(f"| {name} | {factors[0]} | {factors[1]} | {factors[2]} |")
        lines.append(f"| /api/search | {last['search']['p50'] / first['search']['p50']:.1f}× | | |")
    lines += ["", "Re-run: `python bench/scale_http.py --build DIR-10000 --build DIR-100000`.", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = builds_parser(__doc__.split("\n\n")[0], "timed runs per saved query",
                           REPO / "bench" / "RESULTS.md")
    parser.add_argument("--search-runs", type=int, default=20, help="timed runs per search")
    parser.add_argument("--cache-runs", type=int, default=300, help="timed cache hits per case")
    return measure_and_write(
        parser, argv, lambda build, args: measure(build, args.runs, args.search_runs, args.cache_runs),
        section, START, END)


if __name__ == "__main__":
    sys.exit(main())
