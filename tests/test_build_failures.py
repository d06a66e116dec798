"""A bad record ends the streaming build promptly with its error, whatever goes wrong in the
worker that maps it (issue 19, point 10).

Before, an error the worker could not send back intact (RecordError does not survive pickling:
the pool's result thread died on it) or a worker that died left ``Pool.imap`` waiting forever.
Each case runs the build in a subprocess with a time limit, since the old code hangs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 60

#: Run in the subprocess: the fault is put into the mapping step of one record, and the forked
#: workers inherit it.
SCRIPT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from kg.common.errors import RecordError
    from kg.release import build_stream

    real = build_stream.record_triples

    def faulty(record, labels, language="bg"):
        if record.id == sys.argv[3]:
            if sys.argv[4] == "record-error":
                raise RecordError(record.file, 7, "start", "not a date the mapping understands")
            os._exit(9)  # the worker dies, as under the OOM killer
        return real(record, labels, language)

    build_stream.record_triples = faulty
    build_stream.build_streaming(Path(sys.argv[1]), Path(sys.argv[2]), reason=False, store=False)
""")


def run_build(data: Path, out: Path, record_id: str, fault: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-c", SCRIPT, str(data), str(out), record_id, fault],
                              cwd=REPO, capture_output=True, text=True, timeout=LIMIT_SECONDS,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
    except subprocess.TimeoutExpired:
        pytest.fail(f"the build with a {fault} did not end within {LIMIT_SECONDS} s")


def a_record_id(data: Path) -> str:
    first = sorted((data / "records").glob("*.yaml"))[0]
    line = next(line for line in first.read_text(encoding="utf-8").splitlines()
                if line.lstrip().startswith("- id:"))
    return line.split("- id:", 1)[1].strip()


def test_an_error_in_the_mapping_of_a_record_ends_the_build_with_that_error(data_copy, tmp_path):
    run = run_build(data_copy, tmp_path / "out", a_record_id(data_copy), "record-error")
    assert run.returncode != 0
    assert "start: not a date the mapping understands" in run.stderr


def test_a_worker_that_dies_ends_the_build_with_an_error(data_copy, tmp_path):
    run = run_build(data_copy, tmp_path / "out", a_record_id(data_copy), "dead worker")
    assert run.returncode != 0
    assert "worker" in run.stderr.lower()
