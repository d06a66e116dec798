"""Linked Data pages at scale, over HTTP: how long a reader waits for a resource's page.

    python bench/ld_pages.py --build DIR [--build DIR2 ...] [--runs 11] [--out bench/RESULTS.md]

For each build, against a real ``kg serve`` on 127.0.0.1 (result cache off, rate limits off),
over one keep-alive connection: the HTML page (``Accept: text/html``) of a project, a programme,
an organisation, a district and a NUTS region, each chosen in the build's graph as the one with
the most links of its kind (the busiest page: a programme is the object of every contract under
it), and the Turtle of the same project; then the programme's page from a server with the result
cache on (its warm-up request makes the page, the timed ones are hits). One warm-up, then RUNS
timed runs; p50 and p95 from
sending the request to having read the whole body. It writes one section of RESULTS.md between
its markers; nothing here asserts a timing.
"""

from __future__ import annotations

import http.client
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from results_file import builds_parser, measure_and_write, measured_line, timing_cell  # noqa: E402
from scale_http import contracts_of, percentile  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.store.oxigraph import OxigraphStore  # noqa: E402

START, END = "<!-- ld-pages:start -->", "<!-- ld-pages:end -->"
BGI = "https://w3id.org/bg-inclusion/ontology#"
ID = "https://w3id.org/bg-inclusion/id/"
#: Page kind -> a query for the busiest resource of that kind (one row, ?value).
PICKS = {
    "project": f"""SELECT ?value WHERE {{ ?value a <{BGI}Project> . ?x ?p ?value }}
        GROUP BY ?value ORDER BY DESC(COUNT(?x)) ?value LIMIT 1""",
    "programme": f"""SELECT ?value WHERE {{ ?c <{BGI}underProgramme> ?value }}
        GROUP BY ?value ORDER BY DESC(COUNT(?c)) ?value LIMIT 1""",
    "organisation": f"""SELECT ?value WHERE {{ ?value a <{BGI}Organisation> . ?x ?p ?value }}
        GROUP BY ?value ORDER BY DESC(COUNT(?x)) ?value LIMIT 1""",
    "district": f"""SELECT ?value WHERE {{ ?value a <{BGI}District> . ?x <{BGI}within> ?value }}
        GROUP BY ?value ORDER BY DESC(COUNT(?x)) ?value LIMIT 1""",
    "NUTS region": f"""SELECT ?value WHERE {{ ?value a <{BGI}NutsRegion> . ?x ?p ?value }}
        GROUP BY ?value ORDER BY DESC(COUNT(?x)) ?value LIMIT 1""",
}


def picks(build: Path) -> dict[str, str]:
    """PICKS on the build's store: page kind -> the resource's IRI."""
    local = OxigraphStore.open_read_only(build / "store")
    try:
        chosen = {}
        for kind, query in PICKS.items():
            rows = local.query(query).rows()
            if rows and rows[0][0]:
                chosen[kind] = rows[0][0][1:-1]
        return chosen
    finally:
        del local


def _timed(connection: http.client.HTTPConnection, path: str, accept: str, runs: int) -> dict:
    times, size, status = [], 0, 0
    for run in range(runs + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        status, size = response.status, len(body)
        if status != 200:
            return {"error": f"HTTP {status}"}
        if run:
            times.append(elapsed)
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95), "bytes": size}


def measure(build: Path, runs: int) -> dict:
    chosen = picks(build)
    figures: dict = {"build": build, "contracts": contracts_of(build), "pages": []}
    with running_server(["--build", str(build), "--rate-limit", "0", "--client-concurrency", "0",
                         "--cache-memory", "0"], timeout=120) as base:
        address = urlsplit(base)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=300)
        try:
            for kind, iri in chosen.items():
                path = "/id/" + iri[len(ID):]
                result = _timed(connection, path, "text/html", runs)
                figures["pages"].append({"kind": kind, "path": path, **result})
                print(f"{kind:14} {path:70} {result}", file=sys.stderr)
            if "project" in chosen:
                path = "/id/" + chosen["project"][len(ID):]
                result = _timed(connection, path, "text/turtle", runs)
                figures["pages"].append({"kind": "project, as Turtle", "path": path, **result})
        finally:
            connection.close()
    if "programme" in chosen:  # the slowest page, again with the result cache on (decision 0022)
        path = "/id/" + chosen["programme"][len(ID):]
        with running_server(["--build", str(build), "--rate-limit", "0", "--client-concurrency", "0"],
                            timeout=120) as base:
            address = urlsplit(base)
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=300)
            try:
                result = _timed(connection, path, "text/html", runs)
            finally:
                connection.close()
        figures["pages"].append({"kind": "programme, kept in the result cache", "path": path, **result})
    return figures


def _cell(page: dict | None) -> str:
    return "—" if page is None else timing_cell(page, size=True)


def section(results: list[dict], runs: int) -> str:
    lines = [START, "## Linked Data pages at scale, over HTTP (`bench/ld_pages.py`)", "",
             measured_line("pyoxigraph", "waitress"),
             f"- `kg serve` (result cache and rate limits off), one keep-alive connection, one warm-up "
             f"then {runs} runs; the busiest resource of each kind in the build (bench/ld_pages.py "
             "PICKS)", "",
             "| page | " + " | ".join(f"{result['contracts']:,} contracts: p50 / p95 (size)"
                                     for result in results) + " |",
             "|---|" + "---:|" * len(results)]
    kinds = [page["kind"] for page in results[-1]["pages"]]
    for kind in kinds:
        cells = [_cell(next((page for page in result["pages"] if page["kind"] == kind), None))
                 for result in results]
        path = next(page["path"] for page in results[-1]["pages"] if page["kind"] == kind)
        lines.append(f"| {kind} (`{path}` at the largest) | " + " | ".join(cells) + " |")
    lines += ["", "Re-run: `python bench/ld_pages.py --build DIR-10000 --build DIR-100000`.", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = builds_parser(__doc__.split("\n\n")[0], "timed runs per page", REPO / "bench" / "RESULTS.md")
    return measure_and_write(parser, argv, lambda build, args: measure(build, args.runs), section,
                             START, END)


if __name__ == "__main__":
    sys.exit(main())
