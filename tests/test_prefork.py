"""``kg serve --processes N``: N copies of the whole server on one port, supervised by a parent
that replaces a copy that dies, passes a new build on to every copy and stops them all."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from server_process import free_port, stop

from kg.publish.generations import flip, load_generation

REPO = Path(__file__).resolve().parent.parent


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def descendants(pid: int) -> set[int]:
    found, pending = set(), [pid]
    while pending:
        for child in children(pending.pop()):
            found.add(child)
            pending.append(child)
    return found


def alive(pid: int) -> bool:
    """Running: not gone and not a zombie (an orphan's zombie waits for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def health(base: str) -> dict:
    """/healthz over a connection of its own (a new connection may land on either copy)."""
    connection = http.client.HTTPConnection(base.split("//")[1], timeout=10)
    try:
        connection.request("GET", "/healthz")
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def wait_for(condition, timeout: float = 60.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@contextmanager
def prefork_server(build_dir: Path, *extra: str,
                   processes: int = 2) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    port = free_port()
    log = build_dir.parent / f"serve-{port}.log"
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO))
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--build", str(build_dir),
                                    "--processes", str(processes), "--host", "127.0.0.1",
                                    "--port", str(port), *extra],
                                   cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        def answering() -> bool:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                return health(base)["status"] == "ok"
            except OSError:
                return False

        wait_for(answering, what="kg serve to answer")
        yield process, base, log
    finally:
        stop(process)


def copies_seen(base: str, wanted: set[int], timeout: float = 30.0) -> set[int]:
    """The copies (pids) that answered /healthz over new connections, until every one of
    ``wanted`` has (a new copy answers once it has opened the store) or ``timeout`` passed."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while not wanted <= seen and time.monotonic() < deadline:
        seen.add(health(base)["process"])
    return seen


@pytest.fixture
def build_dir(built, tmp_path) -> Path:
    directory = tmp_path / "build"
    directory.mkdir()
    shutil.copytree(built / "store", directory / "store")
    shutil.copyfile(built / "kg.nq", directory / "kg.nq")
    return directory


def test_every_copy_answers_on_the_one_port_with_the_whole_application(build_dir):
    with prefork_server(build_dir) as (process, base, _log):
        copies = children(process.pid)
        assert len(copies) == 2
        assert copies_seen(base, copies) == copies  # both accept from the shared socket
        connection = http.client.HTTPConnection(base.split("//")[1], timeout=30)
        connection.request("GET", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
                           headers={"Accept": "application/sparql-results+json"})
        answer = connection.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["boolean"] is True
        status = health(base)
        assert status["worker_restarts"] == 0 and status["quads"] > 0  # each copy: its own workers


def test_a_copy_that_dies_is_replaced_and_the_other_goes_on_answering(build_dir):
    with prefork_server(build_dir) as (process, base, log):
        first, second = sorted(children(process.pid))
        its_workers = descendants(first)
        assert its_workers
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: len(children(process.pid) - {first}) == 2, what="a replacement copy")
        wait_for(lambda: not any(alive(pid) for pid in its_workers), timeout=15,
                 what="the killed copy's query workers to end with it")
        replacement = (children(process.pid) - {first, second}).pop()
        assert copies_seen(base, {second, replacement}) == {second, replacement}
        assert f"process {first} ended (killed by SIGKILL)" in log.read_text()


def test_a_copy_killed_in_the_middle_of_a_query_takes_its_busy_worker_with_it(build_dir):
    with prefork_server(build_dir, "--timeout", "120", "--max-timeout", "120") as (_process, base, _log):
        connection = http.client.HTTPConnection(base.split("//")[1], timeout=60)
        connection.request("GET", "/healthz")  # a kept-alive connection stays with one copy
        copy = json.loads(connection.getresponse().read())["process"]
        workers = descendants(copy)
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

        def ask_forever() -> None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection.request("GET", "/sparql?" + urlencode({"query": endless}))
                connection.getresponse().read()

        threading.Thread(target=ask_forever, daemon=True).start()
        time.sleep(2)  # the query is in a worker now, which the copy would kill at 120 s
        os.kill(copy, signal.SIGKILL)
        wait_for(lambda: not any(alive(pid) for pid in workers), timeout=15,
                 what="the busy worker to end with its copy")


def test_stopping_the_server_stops_every_copy_and_every_query_worker(build_dir):
    with prefork_server(build_dir) as (process, _base, _log):
        tree = descendants(process.pid)
        assert len(tree) >= 2 + 2 * 2  # two copies, each with its two query workers (and helpers)
        process.terminate()
        assert process.wait(timeout=30) == 0
        wait_for(lambda: not any(alive(pid) for pid in tree), timeout=15,
                 what="every process of the server to end")


def test_a_published_build_is_taken_up_by_every_copy(build_dir):
    flip(build_dir, load_generation(build_dir / "kg.nq", build_dir, conforms=True).generation)
    with prefork_server(build_dir) as (process, base, _log):
        nquads = build_dir / "kg-next.nq"
        shutil.copyfile(build_dir / "kg.nq", nquads)
        with nquads.open("a", encoding="utf-8") as handle:
            handle.write('<urn:x-kg-test:s> <urn:x-kg-test:p> "next" '
                         '<https://w3id.org/bg-inclusion/graph/test> .\n')
        following = load_generation(nquads, build_dir, conforms=True).generation
        flip(build_dir, following)
        copies, serving = children(process.pid), {}

        def every_copy_serves_it() -> bool:
            status = health(base)
            serving[status["process"]] = status["source"]
            return all(serving.get(pid) == following for pid in copies)

        wait_for(every_copy_serves_it, what="both copies to serve the new generation")


def _serve_corrupt_store(tmp_path: Path, processes: str) -> subprocess.CompletedProcess:
    build_dir = tmp_path / "build"
    (build_dir / "store").mkdir(parents=True)
    (build_dir / "store" / "CURRENT").write_text("not a store\n")
    return subprocess.run([sys.executable, "-m", "kg", "serve", "--build", str(build_dir), "--processes",
                           processes, "--host", "127.0.0.1", "--port", str(free_port())], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))


def test_a_server_whose_copies_cannot_start_stops_and_says_why(tmp_path):
    done = _serve_corrupt_store(tmp_path, "2")
    assert done.returncode == 1
    assert f"{tmp_path / 'build' / 'store'}: cannot open the store: Corruption" in done.stderr
    assert "processes in a row ended within 5 s of starting; stopping" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_single_process_server_on_a_corrupt_store_says_which_and_why(tmp_path):
    done = _serve_corrupt_store(tmp_path, "1")
    assert done.returncode == 2
    assert f"error: {tmp_path / 'build' / 'store'}: cannot open the store: Corruption" in done.stderr
    assert "rebuild it with `kg build`" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("count", ["0", "-2"])
def test_fewer_than_one_process_is_refused(tmp_path, count):
    done = subprocess.run([sys.executable, "-m", "kg", "serve", "--build", str(tmp_path),
                           "--processes", count], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode != 0
    assert f"--processes must be at least 1, not {count}" in done.stderr
    assert "Traceback" not in done.stderr
