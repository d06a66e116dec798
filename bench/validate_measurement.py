"""Wall time and peak memory of one ``kg validate`` run, and the machine it ran on.

Each scale is validated by ``python -m kg validate FILE --timeout T`` in a child process (the real
command, with its own parsing and its forked validator worker), so the figures are what a user of
the command would see; the wall time and the peak RSS come from ``os.wait4`` (the largest resident
set of the command or of any process it waited for, i.e. the worker, whose count includes the pages
it shares with its parent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Measurement:
    """One engine at one scale: the figures and the verdict that make one row of the table."""

    engine: str
    scale: int
    quads: int
    seconds: float
    peak_rss_mib: float
    exit_code: int
    conforms: bool | None
    counts: dict[str, int]
    timeout: float

    @property
    def timed_out(self) -> bool:
        """Whether ``kg validate`` gave up at its timeout (its exit code 3), so there is no verdict."""
        return self.exit_code == 3


def run_validate(path: Path, timeout: float, scale: int, quads: int, engine: str = "sparql") -> Measurement:
    """``python -m kg validate PATH --engine E --format json --timeout T`` in a child; wall time
    and peak RSS.

    ``os.wait4`` gives the child's resource use including the processes it waited for (its
    forked validator worker), so the peak RSS is that of the largest of the two.
    """
    command = [sys.executable, "-m", "kg", "validate", str(path), "--engine", engine,
               "--format", "json", "--timeout", f"{timeout:g}"]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=REPO)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read().decode("utf-8"), stderr.read().decode("utf-8", "replace")
    conforms, counts = None, {}
    if child.returncode in (0, 1):
        document = json.loads(output)
        conforms, counts = document["conforms"], document["counts"]
    elif child.returncode != 3:
        raise RuntimeError(f"kg validate failed (exit {child.returncode}): {errors[-2000:]}")
    return Measurement(engine, scale, quads, seconds, usage.ru_maxrss / 1024, child.returncode, conforms,
                       counts, timeout)
