"""A stopped ``kg serve`` leaves nothing in the temporary directory: multiprocessing's
``pymp-*`` directory of the query workers' fork server is removed on SIGTERM too, in a single
process and in each copy of ``--processes`` (issue 19, point 10)."""

from __future__ import annotations

import tempfile
import urllib.request
from pathlib import Path

import pytest
from server_process import running_server


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_stopped_server_leaves_no_pymp_directory(built, monkeypatch, processes):
    # a short path of its own: the fork server's socket lives in it (AF_UNIX: ~107 bytes)
    scratch = Path(tempfile.mkdtemp(prefix="kg-"))
    monkeypatch.setenv("TMPDIR", str(scratch))
    with running_server(["--build", str(built), "--processes", processes]) as base_url:
        with urllib.request.urlopen(base_url + "/sparql?query=ASK%7B%7D", timeout=30) as answer:
            assert answer.status == 200
        assert list(scratch.glob("pymp-*")), "the fork server's directory is where the test looks"
    assert list(scratch.glob("pymp-*")) == []
    scratch.rmdir()
