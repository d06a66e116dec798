"""Lookups per second measured by wrk, the external load generator every throughput figure uses.

The harness's first throughput client was Python: 8 threads under one interpreter lock, which
could not ask faster than about 3 200 lookups/s, so it reported Oxigraph server at a tenth of
its rate and our share of it three to five times too high (issue 22). wrk (Debian package
``wrk``, written in C) outruns every server measured here on 2 cores, so a server's figure is
the server's. Requests come from files made here: one URL-encoded form body (a SPARQL query,
POST) or one path (GET) per line, each request drawing one at random (bench/wrk/lookups.lua).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

LUA = Path(__file__).parent / "wrk" / "lookups.lua"


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk): throughput is measured "
                         "only with an external load generator")
    return found


def write_bodies(texts: list[str], path: Path) -> Path:
    """One URL-encoded form body (``query=…``) per SPARQL text, one per line."""
    path.write_text("".join(urllib.parse.urlencode({"query": text}) + "\n" for text in texts),
                    encoding="ascii")
    return path


def write_paths(paths: list[str], path: Path) -> Path:
    path.write_text("".join(line + "\n" for line in paths), encoding="ascii")
    return path


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, requests: Path, kind: str, seconds: float, connections: int = 16,
            threads: int = 2) -> dict:
    """wrk's figures for ``seconds`` of requests from ``requests`` (``kind`` "post" or "get")
    against ``url``: answered per second (2xx only), failed (other statuses and socket errors),
    p50 and p99 latency in ms."""
    # wrk takes whole seconds: a shorter run (the tests' smoke runs) is one second
    done = subprocess.run([require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                           "--timeout", "10s", "--latency", "-s", str(LUA), url, "--", str(requests), kind],
                          capture_output=True, text=True, timeout=seconds + 60, check=True)
    out = done.stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    duration = float(re.search(r"requests in ([\d.]+)(m?s)", out).group(1))
    return {"per_second": (total - failed) / duration, "failed": failed,
            "p50": _milliseconds(re.search(r"\s50%\s+(\S+)", out).group(1)),
            "p99": _milliseconds(re.search(r"\s99%\s+(\S+)", out).group(1))}
