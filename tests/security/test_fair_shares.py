"""Fair shares between clients and a memory cap per query worker, against a real ``kg serve``
on 127.0.0.1 (docs/decisions/0018-fair-shares-and-memory.md, issue 19 points 1-3).

Each client is its own loopback address (127.0.0.2, 127.0.0.3, …: the whole 127/8 answers on
Linux), as separate users would be; every run is bounded in time."""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import quote, urlencode, urlsplit

import pytest
from server_process import running_server

from server.http.request_limits import ClientLimiter, ServerBusyError
from server.workers.limits import ASKER, Asker, QueryTimeoutError

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: A cartesian product the engine must sort and deduplicate whole: memory grows until the cap.
GREEDY = ("SELECT DISTINCT ?a ?b ?c ?d ?e WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } "
          "ORDER BY ?a ?b ?c ?d ?e")
SUBJECT = ("SELECT ?s WHERE { ?s a ?c FILTER(STRSTARTS(STR(?s), 'https://w3id.org/bg-inclusion/id/')) } "
           "LIMIT 1")


def get(base_url: str, path: str, client: int = 2, timeout: float = 30,
        accept: str = "application/json", forwarded_for: str | None = None
        ) -> tuple[int, dict, bytes, float]:
    """GET ``path`` from 127.0.0.``client`` (through a proxy for ``forwarded_for``); status,
    headers, body and seconds taken."""
    address = urlsplit(base_url)
    started = time.monotonic()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout,
                                            source_address=(f"127.0.0.{client}", 0))
    try:
        headers = {"Accept": accept}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.headers), body, time.monotonic() - started
    finally:
        connection.close()


def sparql(query: str, **extra: str) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


def lookups(base_url: str) -> list[tuple[str, str]]:
    """The cheap requests of an ordinary client: a Linked Data page, a saved query, the ontology."""
    status, _, body, _ = get(base_url, sparql(SUBJECT), client=9,
                             accept="application/sparql-results+json")
    assert status == 200, body
    subject = json.loads(body)["results"]["bindings"][0]["s"]["value"]
    page = "/id/" + quote(subject.removeprefix("https://w3id.org/bg-inclusion/id/"))
    return [(page, "text/turtle"), ("/api/queries/project-budget", "application/json"),
            ("/ontology.ttl", "text/turtle")]


def flood(base_url: str, client: int, until: float, statuses: list[int], lock: threading.Lock,
          timeout: str) -> None:
    """One heavy client's connection: slow queries back to back until ``until``."""
    while time.monotonic() < until:
        try:
            status = get(base_url, sparql(SLOW, timeout=timeout), client=client, timeout=30)[0]
        except OSError:  # the server stopped at the end of a failed test
            return
        with lock:
            statuses.append(status)


def test_the_thread_shares_refuse_a_clients_extra_requests_and_heavy_ones_beyond_the_lane():
    """Per client at most ``concurrency`` requests in flight (then seconds to wait: 429); all
    ``/sparql`` requests together at most ``heavy_concurrency`` (then ServerBusyError: 503),
    while cheap requests still enter."""
    limiter = ClientLimiter(rate=0, burst=100, concurrency=2, heavy_concurrency=3)
    assert limiter.enter("a", heavy=True) is None and limiter.enter("a", heavy=True) is None
    assert limiter.enter("a") == 1.0  # its share is full, whatever the request
    assert limiter.enter("b", heavy=True) is None
    with pytest.raises(ServerBusyError):
        limiter.enter("c", heavy=True)
    assert limiter.enter("c") is None  # the cheap lane still has threads
    limiter.leave("a", heavy=True)
    assert limiter.enter("c", heavy=True) is None


def test_the_pool_keeps_a_worker_for_cheap_requests_and_one_per_client(guarded_app):
    """The worker pool itself (two workers, time limit 2 s): while one client's ``/sparql``
    query runs, a second ``/sparql`` query — from the same client or another — waits for the
    heavy lane's one worker, and a cheap request (a Linked Data page's query) answers at once
    from the worker kept for it."""
    store = guarded_app.config["KG_STORE"]
    outcomes: dict[str, object] = {}

    def ask(name: str, asker: Asker, query: str, timeout: float | None = None) -> None:
        ASKER.set(asker)
        started = time.monotonic()
        try:
            store.query(query, timeout=timeout).rows()
            outcomes[name] = ("ok", time.monotonic() - started)
        except QueryTimeoutError as error:
            outcomes[name] = (str(error), time.monotonic() - started)

    runner = threading.Thread(target=ask, args=("first", Asker("a", heavy=True), SLOW))
    runner.start()
    time.sleep(0.3)
    # the waiters may wait 3 s: the first query's worker is killed at 2 s and replaced
    others = [threading.Thread(target=ask, args=("same client", Asker("a", heavy=False), "ASK {}", 3)),
              threading.Thread(target=ask, args=("other heavy", Asker("b", heavy=True), "ASK {}", 3)),
              threading.Thread(target=ask, args=("cheap", Asker("c", heavy=False), "ASK {}"))]
    for thread in others:
        thread.start()
    for thread in [runner, *others]:
        thread.join(timeout=10)
    assert outcomes["cheap"][0] == "ok" and outcomes["cheap"][1] < 1.0, outcomes
    assert "stopped" in str(outcomes["first"][0]), outcomes  # its own time limit
    # both waited for their share while the first query held it: answered only once it ended
    for name in ("same client", "other heavy"):
        assert outcomes[name][0] == "ok" and outcomes[name][1] > 1.0, outcomes


@pytest.mark.slow
def test_two_heavy_clients_at_their_limits_leave_a_third_clients_lookups_prompt(built):
    """Point 1: slow queries with the longest time limit from two clients (four connections
    each, their whole in-flight share) do not take the query workers from a third client's
    Linked Data pages, saved queries and ontology: no 503, p99 under 1 s."""
    with running_server(["--build", str(built), "--rate-limit", "0", "--timeout", "2",
                         "--max-timeout", "6"]) as base_url:
        paths = lookups(base_url)
        heavy: list[int] = []
        lock = threading.Lock()
        until = time.monotonic() + 8
        floods = [threading.Thread(target=flood, args=(base_url, client, until, heavy, lock, "6"))
                  for client in (2, 3) for _ in range(4)]
        for thread in floods:
            thread.start()
        time.sleep(1)  # both heavy clients in the workers' queue
        light: list[tuple[int, float]] = []
        while time.monotonic() < until - 0.5:
            for path, accept in paths:
                status, _, body, seconds = get(base_url, path, client=4, timeout=15, accept=accept)
                light.append((status, seconds))
                assert status == 200, (path, status, body[:300])
        for thread in floods:
            thread.join(timeout=30)
        seconds = sorted(entry[1] for entry in light)
        p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
        assert len(light) >= 10, light
        assert p99 < 1.0, (p99, seconds[-5:])
        assert 503 in heavy  # the heavy clients did reach their limits (queued, then stopped)


@pytest.mark.slow
def test_one_clients_twenty_slow_requests_get_429_beyond_its_share(built):
    """Point 2: the per-client cap is below the thread count, so a client's extra requests are
    refused at once instead of queueing ahead of everyone else's; another client's lookup and
    ``/healthz`` answer promptly meanwhile."""
    with running_server(["--build", str(built), "--rate-limit", "0", "--timeout", "3"]) as base_url:
        paths = lookups(base_url)
        statuses: list[int] = []
        lock = threading.Lock()

        def one() -> None:
            status = get(base_url, sparql(SLOW), client=2, timeout=30)[0]
            with lock:
                statuses.append(status)

        crowd = [threading.Thread(target=one) for _ in range(20)]
        for thread in crowd:
            thread.start()
        time.sleep(0.5)
        status, _, _, lookup_seconds = get(base_url, paths[0][0], client=3, accept=paths[0][1])
        health_status, _, _, health_seconds = get(base_url, "/healthz", client=3)
        for thread in crowd:
            thread.join(timeout=30)
        assert status == 200 and lookup_seconds < 1.0, lookup_seconds
        assert health_status == 200 and health_seconds < 1.0, health_seconds
        assert statuses.count(429) >= 20 - 4, statuses  # at most its 4 in flight
        assert set(statuses) <= {429, 503}, statuses


@pytest.mark.slow
def test_behind_the_trusted_proxy_the_shares_are_per_forwarded_address(built):
    """Behind ``--trusted-proxy`` every request comes from the proxy's address; the shares
    follow the client's address it forwards, so one forwarded client's crowd of slow queries
    gets 429 beyond its share while another's lookup answers promptly."""
    with running_server(["--build", str(built), "--rate-limit", "0", "--timeout", "1",
                         "--trusted-proxy", "127.0.0.1"]) as base_url:
        paths = lookups(base_url)
        statuses: list[int] = []
        lock = threading.Lock()

        def one() -> None:
            status = get(base_url, sparql(SLOW), client=1, forwarded_for="203.0.113.7")[0]
            with lock:
                statuses.append(status)

        crowd = [threading.Thread(target=one) for _ in range(8)]
        for thread in crowd:
            thread.start()
        time.sleep(0.3)
        status, _, _, seconds = get(base_url, paths[0][0], client=1, accept=paths[0][1],
                                    forwarded_for="198.51.100.9")
        for thread in crowd:
            thread.join(timeout=30)
        assert status == 200 and seconds < 1.0, seconds
        assert statuses.count(429) >= 8 - 4 and set(statuses) <= {429, 503}, statuses


@pytest.mark.slow
def test_a_client_cannot_raise_its_time_limit_unless_the_operator_allows_it(built):
    """A ``timeout=`` above ``--max-timeout`` is capped, and by default that is the default
    limit itself (10 s): a client cannot hold a worker longer than anyone else."""
    with running_server(["--build", str(built)]) as base_url:
        status, _, body, seconds = get(base_url, sparql(SLOW, timeout="60"), timeout=20)
        assert status == 503 and "time limit of 10 s" in json.loads(body)["message"]
        assert seconds < 11.0


def test_a_query_that_needs_more_memory_than_its_worker_may_have_is_a_clear_503(built):
    """Point 3: the worker runs under an address-space cap; the query that breaks it gets a JSON
    503 naming the cap, its worker is replaced, and the server answers as before."""
    with running_server(["--build", str(built), "--worker-memory", "1024", "--timeout", "60",
                         "--max-timeout", "60"]) as base_url:
        status, headers, body, seconds = get(base_url, sparql(GREEDY),
                                             accept="application/sparql-results+json", timeout=90)
        assert status == 503, body[:300]
        assert seconds < 30  # the cap, not the time limit, stopped it
        assert headers["Content-Type"].startswith("application/json")
        assert "needed more than 1024 MiB" in json.loads(body)["message"]
        health = json.loads(get(base_url, "/healthz")[2])
        assert health["status"] == "ok" and health["worker_restarts"] == 1
        status, _, body, _ = get(base_url, sparql("ASK { ?s ?p ?o }"),
                                 accept="application/sparql-results+json")
        assert status == 200 and json.loads(body)["boolean"] is True
