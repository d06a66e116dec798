"""A bounded load test of a real ``kg serve`` on 127.0.0.1 with wrk (Debian package ``wrk``).

    python bench/load_test.py [--build build] [--duration 10] [--connections 8] [--out bench/RESULTS.md]

Starts ``kg serve --build BUILD`` on a free port (default limits, except the per-client rate
limit, which would turn most of one host's requests into 429s: it is off, as in the 8-client
test), runs ``wrk --latency`` for a fixed duration (it stops by itself) with the given number of
connections on two saved queries' GET URLs, and records requests/s, p50/p99 latency, non-2xx
responses and the resident memory of the server and its query workers before and after. It
writes its section of bench/RESULTS.md between its markers. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from results_file import machine, replace_section  # noqa: E402
from server_process import running_server  # noqa: E402

from kg.common import limits  # noqa: E402
from kg.query.catalogue import catalogue  # noqa: E402

START, END = "<!-- load-test:start -->", "<!-- load-test:end -->"
QUERIES = ("project-budget-totals", "disagreements")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def server_pid(port: int) -> int:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and str(port).encode() in args:
            return int(cmdline.parent.name)
    raise RuntimeError(f"no kg serve process on port {port}")


def rss_mib(root: int) -> tuple[float, int]:
    """Resident memory (MiB) of ``root`` and all its descendants, and how many processes."""
    tree, pending, total, count = _children(), [root], 0, 0
    while pending:
        pid = pending.pop()
        pending.extend(tree.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    count += 1
        except OSError:
            continue
    return total / 1024, count


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: int, connections: int) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    done = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "15s",
                           "--latency", url], capture_output=True, text=True, timeout=duration + 60,
                          check=True)
    out = done.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50": _milliseconds(re.search(r"\s50%\s+(\S+)", out).group(1)),
            "p99": _milliseconds(re.search(r"\s99%\s+(\S+)", out).group(1)),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else "none"}


def measure(build: Path, duration: int, connections: int) -> list[dict]:
    results = []
    # --cache-memory 0: every request reaches a worker, as before the result cache (decision 0022)
    with running_server(["--build", str(build), "--rate-limit", "0", "--cache-memory", "0"]) as base_url:
        pid = server_pid(int(base_url.rsplit(":", 1)[1]))
        for name in QUERIES:
            url = base_url + "/sparql?" + urlencode({"query": catalogue()[name].text})
            before, processes = rss_mib(pid)
            figures = run_wrk(url, duration, connections)
            after, _ = rss_mib(pid)
            results.append({"query": name, "rss_before": before, "rss_after": after,
                            "processes": processes, **figures})
    return results


def section(results: list[dict], duration: int, connections: int) -> str:
    lines = [START, "## Load test (`bench/load_test.py`, wrk)", "",
             f"Date: {dt.date.today().isoformat()}. Machine: {machine('pyoxigraph')}.", "",
             f"`wrk -t2 -c{connections} -d{duration}s --latency` against `kg serve` on 127.0.0.1 (the "
             f"bundled build; default limits: {limits.QUERY_WORKERS} query worker processes, "
             f"{limits.QUERY_TIMEOUT_SECONDS:g} s time limit, {limits.MAX_ROWS} rows; the "
             "per-client rate limit off, since every connection comes from one address). RSS is the "
             "server plus its query workers (and their fork server), before and after the run.", "",
             "| query (GET /sparql) | requests | requests/s | p50 | p99 | non-2xx | socket errors "
             "| RSS before → after (processes) |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for row in results:
        lines.append(f"| {row['query']} | {row['requests']} | {row['requests_per_second']:.1f} | "
                     f"{row['p50']:.2f} ms | {row['p99']:.2f} ms | {row['non_2xx']} | "
                     f"{row['socket_errors']} | "
                     f"{row['rss_before']:.0f} → {row['rss_after']:.0f} MiB ({row['processes']}) |")
    lines += ["", f"Re-run: `python bench/load_test.py --duration {duration} --connections {connections}`.",
              END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(REPO / "build"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per query (default 10)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    results = measure(Path(args.build), args.duration, args.connections)
    text = section(results, args.duration, args.connections)
    replace_section(Path(args.out), text, START, END)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
