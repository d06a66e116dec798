"""Wall time and peak memory of a command and all its child processes (the build's workers).

``/usr/bin/time`` reports the largest single process; the streaming build runs a parent and
two workers at once, so the figure that matters for "≤ 4 GB" is the sum of their resident sets,
sampled here from /proc every 0.2 s.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _tree_rss(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
        pending += _children(current)
    return total


def run_measured(command: list[str], log: Path, env: dict | None = None) -> tuple[float, int, int]:
    """Run ``command``; (seconds, peak summed RSS in bytes, exit code). Output goes to ``log``."""
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.2)
    return time.monotonic() - started, peak, process.returncode
