"""Wall time and peak memory of a command and all its child processes (the build's workers).

``/usr/bin/time`` reports the largest single process; the streaming build runs a parent and
two workers at once, so the figure that matters for "≤ 4 GB" is the sum over the process tree,
sampled here from /proc every 0.2 s. Two sums: of the resident sets (RSS), which counts a page
shared by a parent and its forked child (copy-on-write) once per process, and of the
proportional sets (PSS, /proc/PID/smaps_rollup), which shares each page out among the processes
that map it, so it adds up to the memory the tree really holds. The build forks its text
indexer from a parent of ~1 GB: the RSS sum counts that gigabyte twice.
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


def _field_kib(path: str, name: str) -> int:
    """The value (kB) of the line ``name`` in a /proc status-like file; 0 if gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:  # the process ended meanwhile
        pass
    return 0


def _tree_sum(pid: int, path: str, name: str) -> int:
    """``name`` of ``pid`` and its descendants, summed (bytes)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += _field_kib(path.format(current), name) * 1024
        pending += _children(current)
    return total


def _tree_rss(pid: int) -> int:
    return _tree_sum(pid, "/proc/{}/status", "VmRSS:")


def _tree_pss(pid: int) -> int:
    """The proportional set sizes of ``pid`` and its descendants, summed (bytes)."""
    return _tree_sum(pid, "/proc/{}/smaps_rollup", "Pss:")


#: The peak summed PSS of the last :func:`run_measured` (bytes).
LAST_PEAK_PSS = [0]


def run_measured(command: list[str], log: Path, env: dict | None = None) -> tuple[float, int, int]:
    """Run ``command``; (seconds, peak summed RSS in bytes, exit code). Output goes to ``log``;
    the peak summed PSS is left in :data:`LAST_PEAK_PSS`."""
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        peak = peak_pss = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            peak_pss = max(peak_pss, _tree_pss(process.pid))
            time.sleep(0.2)
    LAST_PEAK_PSS[0] = peak_pss
    return time.monotonic() - started, peak, process.returncode
