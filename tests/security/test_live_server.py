"""The limits on a real ``kg serve`` over HTTP: a query stopped at its time limit, concurrent
clients, rate limits, and a new build swapped in while clients query (or refused, keeping the
old one). Timings here are bounds the issue sets (limit + 0.5 s), not benchmarks."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import tools
from server_process import running_server

from kg.publish.generations import flip, load_generation, stores_dir

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MARKED = ("SELECT ?n ?m WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } } "
          "OPTIONAL { <urn:x-kg-test:marker> <urn:x-kg-test:build> ?m } }")


def ask(base_url: str, query: str, timeout: float = 30, **extra: str) -> tuple[int, dict, dict]:
    url = base_url + "/sparql?" + urlencode({"query": query, **extra})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def health(base_url: str) -> dict:
    with urllib.request.urlopen(base_url + "/healthz", timeout=10) as response:
        return json.loads(response.read())


def test_a_slow_query_gets_503_within_the_limit_and_the_server_stays_healthy(built):
    with running_server(["--build", str(built), "--timeout", "1"]) as base_url:
        started = time.monotonic()
        status, headers, body = ask(base_url, SLOW)
        elapsed = time.monotonic() - started
        assert status == 503 and "time limit of 1 s" in body["message"]
        assert headers.get("Retry-After") == "5"
        assert elapsed < 1.5
        assert ask(base_url, "ASK { ?s ?p ?o }")[2]["boolean"] is True
        assert health(base_url)["worker_restarts"] == 1


@pytest.mark.slow
def test_eight_clients_for_ten_seconds_get_no_errors(built):
    queries = ["ASK { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
               "SELECT ?s WHERE { ?s a ?c } LIMIT 20"]
    outcomes: list[int] = []
    lock = threading.Lock()

    def client(number: int, until: float) -> None:
        """One client on its own address (127.0.0.2 …), as eight users would be: default limits."""
        address = urlsplit(base_url)
        while time.monotonic() < until:
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30,
                                                    source_address=(f"127.0.0.{number + 2}", 0))
            connection.request("GET", "/sparql?" + urlencode({"query": queries[number % len(queries)]}))
            status = connection.getresponse().status
            connection.close()
            with lock:
                outcomes.append(status)

    # No think time: the clients ask as fast as the server answers, so the per-client rate limit
    # (tested below) is off here; every other limit is at its default.
    with running_server(["--build", str(built), "--rate-limit", "0"]) as base_url:
        until = time.monotonic() + 10
        threads = [threading.Thread(target=client, args=(n, until)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert outcomes and set(outcomes) == {200}, {s: outcomes.count(s) for s in set(outcomes)}
        assert ask(base_url, "ASK { ?s ?p ?o }")[2]["boolean"] is True


def test_a_client_over_its_rate_gets_429_with_retry_after(built):
    with running_server(["--build", str(built), "--rate-limit", "1"]) as base_url:
        statuses = [ask(base_url, "ASK {}") for _ in range(150)]
        refused = [entry for entry in statuses if entry[0] == 429]
        assert refused, "no request was refused"
        _, headers, body = refused[0]
        assert int(headers["Retry-After"]) >= 1 and "too many requests" in body["message"]
        assert health(base_url)["status"] == "ok"  # /healthz is never rate limited


def _generation_with_marker(built: Path, build_dir: Path, marker: str) -> str:
    nquads = build_dir / f"kg-{marker}.nq"
    shutil.copyfile(built / "kg.nq", nquads)
    with nquads.open("a", encoding="utf-8") as handle:
        handle.write(f'<urn:x-kg-test:marker> <urn:x-kg-test:build> "{marker}" '
                     f"<https://w3id.org/bg-inclusion/graph/test-{marker}> .\n")
    return load_generation(nquads, build_dir, conforms=True).generation


def _wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def test_a_new_build_is_swapped_in_atomically_and_a_bad_one_is_refused(built, tmp_path):
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    shutil.copyfile(built / "kg.nq", build_dir / "kg.nq")
    flip(build_dir, _generation_with_marker(built, build_dir, "A"))
    with running_server(["--build", str(build_dir), "--rate-limit", "0"]) as base_url:
        answers: set[tuple] = set()
        errors: list[int] = []
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                status, _, body = ask(base_url, MARKED)
                if status != 200:
                    errors.append((status, body.get("message")))
                    continue
                row = body["results"]["bindings"][0]
                answers.add((row["n"]["value"], row.get("m", {}).get("value")))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        second = _generation_with_marker(built, build_dir, "B")
        flip(build_dir, second)
        _wait_for(lambda: health(base_url)["source"] == second)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert {marker for _, marker in answers} == {"A", "B"}  # both builds answered …
        assert len(answers) == 2  # … and each answer came wholly from one of them
        served = health(base_url)["source"]

        half_written = stores_dir(build_dir) / "9998-halfdone"
        shutil.copytree(stores_dir(build_dir) / served, half_written)  # a store, no manifest
        flip(build_dir, half_written.name)
        _wait_for(lambda: health(base_url)["last_reload"].get("source") == half_written.name)
        assert "half-written" in health(base_url)["last_reload"]["error"]

        bad = load_generation(build_dir / "kg.nq", build_dir, conforms=False, violations=3).generation
        flip(build_dir, bad)
        _wait_for(lambda: health(base_url)["last_reload"].get("source") == bad)
        assert "does not conform" in health(base_url)["last_reload"]["error"]

        broken = stores_dir(build_dir) / "9999-broken"
        broken.mkdir()
        (broken / "CURRENT").write_text("garbage\n")
        (stores_dir(build_dir) / "9999-broken.manifest.json").write_text(json.dumps(
            {"generation": "9999-broken", "quads": 1, "sha256": "0", "conforms": True, "violations": 0}))
        flip(build_dir, broken.name)
        _wait_for(lambda: health(base_url)["last_reload"].get("source") == broken.name)
        status = health(base_url)
        assert status["last_reload"]["ok"] is False and status["source"] == served
        assert ask(base_url, MARKED)[2]["results"]["bindings"][0]["m"]["value"] == "B"


def test_kg_publish_validates_flips_the_pointer_and_kg_serve_serves_it(built, tmp_path):
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    shutil.copyfile(built / "kg.nq", build_dir / "kg.nq")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-m", "kg", "publish", "--build", str(build_dir)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "published 0001-" in done.stdout
    with running_server(["--build", str(build_dir)]) as base_url:
        assert health(base_url)["source"].endswith(done.stdout.split()[1])


def test_query_workers_have_no_network(canary):
    probe = ("import socket, sys\nfrom server.workers.worker import drop_network\n"
             "isolated = drop_network()\n"
             "try:\n    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2)\n"
             "    print('connected', isolated)\nexcept OSError:\n    print('refused', isolated)\n")
    port = canary.server.server_port
    done = subprocess.run([sys.executable, "-c", probe, str(port)], capture_output=True, text=True,
                          timeout=30, cwd=Path(__file__).resolve().parents[2])
    if "False" in done.stdout:
        tools.unavailable("needs a kernel that lets the query workers unshare a network namespace "
                          "(as root, or with unprivileged user namespaces allowed)")
    assert done.stdout.strip() == "refused True", done.stdout + done.stderr
    assert canary.requests == []
