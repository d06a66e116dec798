"""Answers longer than the read-ahead stream from the endpoint chunk by chunk (decision 0011).

The application runs behind waitress on a real socket, with a read-ahead (``max_bytes``) and a
chunk size of 1 KiB, so any answer of the bundled graph over a few rows is streamed in many
chunks. What must hold: a streamed answer arrives complete and well-formed in every format; the
row cap still cuts it and says so in the body; a client that goes away frees its worker; the
time limit still stops a query that is already streaming, by cutting the body.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading
import time
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import waitress

from kg.store.oxigraph import OxigraphStore
from server import create_app
from server.workers.guarded_store import GuardedStore
from server.workers.limits import QueryLimits
from server.workers.worker import STOP, Chunker, _StopEngineError

MAX_ROWS = 12_000  # the bundled graph's default graph has ~13 400 triples: the cap is reachable
LIMITS = QueryLimits(timeout=3.0, max_timeout=10.0, max_rows=MAX_ROWS, max_bytes=1024,
                     chunk_bytes=1024, workers=2)
TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
PAD = "x" * 4000  # wide rows: pyoxigraph writes its output in blocks of 8 KiB
# About 15 rows a second on the bundled graph (each row scans the graph): it streams for minutes.
TRICKLE = ('SELECT ?s ?o ?pad WHERE { ?s ?p ?o . FILTER NOT EXISTS { ?x ?y ?z '
           f'FILTER(CONCAT(STR(?z), "#") = STR(?o)) }} BIND("{PAD}" AS ?pad) }}')
# Fast, and 12 000 rows x 4 kB: more than the socket and waitress buffers hold.
FLOOD = f'SELECT ?s ?pad WHERE {{ ?s ?p ?o BIND("{PAD}" AS ?pad) }}'
RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "tsv": ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                 "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                 "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


@dataclass
class Endpoint:
    base: str
    store: GuardedStore

    @property
    def port(self) -> int:
        return urllib.parse.urlsplit(self.base).port or 80

    def restarts(self) -> int:
        with urllib.request.urlopen(self.base + "/healthz", timeout=5) as response:
            return json.load(response)["worker_restarts"]


@pytest.fixture(scope="module")
def endpoint(built: Path) -> Iterator[Endpoint]:
    """The application behind waitress on 127.0.0.1, with 1 KiB read-ahead and chunks."""
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built, config={
        "KG_LIMITS": LIMITS, "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True, name="waitress-under-test")
    thread.start()
    yield Endpoint(f"http://127.0.0.1:{server.effective_port}", app.config["KG_STORE"])
    server.close()
    app.config["KG_STORE"].close()


@pytest.fixture(scope="module")
def local(built: Path) -> OxigraphStore:
    """The same store opened in the test process: what the answers must equal."""
    return OxigraphStore.open_read_only(built / "store")


def fetch(endpoint: Endpoint, query: str, fmt: str, truncate: bool = False,
          **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    """GET ``query`` in ``fmt``; ``truncate``: ask for a cut answer rather than an error."""
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=60)
    parameters = {"query": query, "format": fmt, **({"truncate": "1"} if truncate else {})}
    connection.request("GET", "/sparql?" + urllib.parse.urlencode(parameters), headers=headers)
    response = connection.getresponse()
    body = response.read()  # http.client raises IncompleteRead on a cut chunked body
    connection.close()
    return response, body


def sorted_terms(rows) -> list[tuple[str, ...]]:
    return sorted(tuple(str(term) for term in row) for row in rows)


# --- complete and well-formed --------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(RESULT_FORMATS))
def test_a_select_longer_than_one_chunk_streams_complete_and_parses(endpoint, local, fmt):
    response, body = fetch(endpoint, TRIPLES, fmt)
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Length") is None
    assert response.getheader("KG-Result-Streamed") == f"max-rows={MAX_ROWS}"
    assert response.getheader("KG-Result-Truncated") is None
    solutions = ox.parse_query_results(body, format=RESULT_FORMATS[fmt])
    got = [tuple(solution[name] for name in ("s", "p", "o")) for solution in solutions]
    assert len(got) == 10_000
    assert sorted_terms(got) == sorted(local.query(TRIPLES).rows())


def test_streamed_sparql_json_is_one_json_document(endpoint, local):
    _, body = fetch(endpoint, TRIPLES, "json")
    document = json.loads(body)
    assert document["head"] == {"vars": ["s", "p", "o"]}
    expected = json.loads(local.query(TRIPLES).serialize("json"))["results"]["bindings"]
    key = lambda binding: json.dumps(binding, sort_keys=True)  # noqa: E731
    assert sorted(map(key, document["results"]["bindings"])) == sorted(map(key, expected))


def test_streamed_csv_has_one_header_and_every_row(endpoint, local):
    _, body = fetch(endpoint, TRIPLES, "csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    expected = list(csv.reader(io.StringIO(local.query(TRIPLES).serialize("csv").decode("utf-8"),
                                           newline="")))
    assert rows[0] == ["s", "p", "o"] and rows.count(["s", "p", "o"]) == 1
    assert sorted(rows[1:]) == sorted(expected[1:])


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_a_construct_longer_than_one_chunk_streams_complete_in_every_rdf_format(endpoint, local, fmt):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5000"
    response, body = fetch(endpoint, query, fmt)
    assert response.status == 200 and response.getheader("KG-Result-Streamed")
    got = sorted_terms((quad.subject, quad.predicate, quad.object)
                       for quad in ox.parse(body, format=GRAPH_FORMATS[fmt]))
    assert got == sorted(local.query(query).rows())


def test_a_compressed_stream_is_complete_too(endpoint, local):
    response, body = fetch(endpoint, TRIPLES, "tsv", **{"Accept-Encoding": "deflate"})
    assert response.getheader("Content-Encoding") == "deflate"
    solutions = ox.parse_query_results(zlib.decompress(body), format=ox.QueryResultsFormat.TSV)
    assert len(list(solutions)) == 10_000


def test_a_small_answer_is_still_sent_whole_with_its_length(endpoint):
    response, body = fetch(endpoint, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", "json")
    assert response.getheader("Content-Length") == str(len(body))
    assert response.getheader("KG-Result-Streamed") is None
    assert len(json.loads(body)["results"]["bindings"]) == 2


# --- the row cap ---------------------------------------------------------------------------


def test_the_row_cap_cuts_a_streamed_json_answer_and_says_so_at_its_end(endpoint):
    response, body = fetch(endpoint, ALL_TRIPLES, "json", truncate=True)
    document = json.loads(body)
    assert len(document["results"]["bindings"]) == MAX_ROWS
    assert document["truncated"] == f"rows={MAX_ROWS}"
    assert body.endswith(f',"truncated":"rows={MAX_ROWS}"}}'.encode())
    # the headers left before the cut was known; the response says where to look
    assert response.getheader("KG-Result-Truncated") is None
    assert response.getheader("KG-Result-Streamed") == f"max-rows={MAX_ROWS}"


@pytest.mark.parametrize(("fmt", "parse"), [
    ("xml", lambda body: ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)),
    ("tsv", lambda body: ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)),
    ("csv", lambda body: csv.reader(io.StringIO(body.decode("utf-8"), newline=""))),
])
def test_the_row_cap_cuts_streamed_tables_at_exactly_max_rows(endpoint, fmt, parse):
    _, body = fetch(endpoint, ALL_TRIPLES, fmt, truncate=True)
    rows = list(parse(body))
    assert len(rows) == MAX_ROWS + (1 if fmt == "csv" else 0)  # CSV: plus its header line
    if fmt == "xml":
        assert body.rstrip().endswith(f"<!-- truncated: rows={MAX_ROWS} (the answer was cut at "
                                      "this limit) -->".encode())


def test_the_row_cap_cuts_a_streamed_graph_with_a_closing_comment(endpoint):
    _, body = fetch(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", "turtle", truncate=True)
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) == MAX_ROWS
    assert body.endswith(f"# truncated: rows={MAX_ROWS} (the answer was cut at this limit)\n".encode())


@pytest.mark.parametrize("fmt", ["json", "csv", "turtle"])
def test_without_opt_in_a_streamed_answer_the_cap_cuts_never_ends(endpoint, fmt):
    """The status (200) left before the cap was reached: the body ends without its end (no
    closing chunk), so the client's read fails rather than returning a short answer."""
    query = "CONSTRUCT WHERE { ?s ?p ?o }" if fmt == "turtle" else ALL_TRIPLES
    restarts = endpoint.restarts()
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=60)
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query, "format": fmt}))
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises(http.client.IncompleteRead) as raised:
        response.read()
    connection.close()
    assert b"truncated" not in raised.value.partial[-200:]
    assert endpoint.restarts() == restarts  # the worker had finished: it is reused
    response, _ = fetch(endpoint, "ASK { ?s ?p ?o }", "json")
    assert response.status == 200


def test_without_opt_in_urllib_cannot_read_a_streamed_cut_answer(endpoint):
    url = endpoint.base + "/sparql?" + urllib.parse.urlencode({"query": ALL_TRIPLES, "format": "json"})
    with urllib.request.urlopen(url, timeout=60) as response, \
            pytest.raises(http.client.IncompleteRead):
        response.read()


# --- workers are freed: clients that leave, HEAD, the time limit --------------------------


def start_and_leave(endpoint: Endpoint, query: str, method: str = "GET") -> None:
    """Send ``query`` (10 s allowed), read the start of the streamed answer, close the socket."""
    path = "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv", "timeout": "10"})
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as client:
        client.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        start = client.recv(4096)
        assert start.startswith(b"HTTP/1.1 200"), start[:200]
        if method == "GET":
            assert b"Transfer-Encoding: chunked" in start


def test_clients_that_disconnect_midway_leave_no_busy_worker(endpoint):
    restarts = endpoint.restarts()
    for _ in range(LIMITS.workers):  # as many abandoned streams as there are workers
        start_and_leave(endpoint, TRICKLE)
    time.sleep(0.5)
    started = time.monotonic()
    # Each abandoned stream would hold its worker for 10 s; this query may wait 3 s at most.
    response, body = fetch(endpoint, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "json")
    assert response.status == 200, body
    assert time.monotonic() - started < LIMITS.timeout
    assert endpoint.restarts() == restarts  # told to stop, not killed


def test_a_head_request_on_a_streamed_answer_frees_its_worker(endpoint):
    for _ in range(LIMITS.workers):
        start_and_leave(endpoint, TRICKLE, method="HEAD")
    response, body = fetch(endpoint, "ASK { ?s ?p ?o }", "json")
    assert response.status == 200 and json.loads(body)["boolean"] is True


def test_closing_a_streamed_answer_early_gives_its_worker_back_without_a_restart(endpoint):
    store = endpoint.store
    restarts = store.status()["worker_restarts"]
    for _ in range(3 * LIMITS.workers):
        result = store.query(ALL_TRIPLES)
        assert result.streamed
        chunks = result.chunks("csv")
        assert next(chunks).startswith(b"s,p,o")
        chunks.close()
    assert store.status()["worker_restarts"] == restarts
    assert store.query("ASK {}").rows() == [("true",)]


def test_a_client_that_stops_reading_cannot_hold_a_worker_past_the_time_limit(endpoint):
    restarts = endpoint.restarts()
    path = "/sparql?" + urllib.parse.urlencode({"query": FLOOD, "format": "json", "timeout": "2"})
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.settimeout(10)
        client.connect(("127.0.0.1", endpoint.port))
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert client.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(2 + 1.5)  # not reading: the server's buffers fill and its writer blocks
        assert endpoint.restarts() == restarts + 1  # killed at the deadline all the same
        response, _ = fetch(endpoint, "ASK { ?s ?p ?o }", "json")
        assert response.status == 200


def test_the_time_limit_cuts_a_query_that_is_already_streaming(endpoint):
    restarts = endpoint.restarts()
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    started = time.monotonic()
    connection.request("GET", "/sparql?" + urllib.parse.urlencode(
        {"query": TRICKLE, "format": "csv", "timeout": "2"}))
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises(http.client.IncompleteRead):  # no closing chunk: the client can tell
        response.read()
    assert time.monotonic() - started < 2 + 1.5
    assert endpoint.restarts() == restarts + 1  # the worker was killed and replaced
    response, _ = fetch(endpoint, "ASK { ?s ?p ?o }", "json")
    assert response.status == 200


# --- the worker's chunker: row cap and chunk edges, whatever the engine's write sizes ------


class FakePipe:
    """The worker's end of the pipe: records what is sent; ``stop`` makes the server say STOP."""

    def __init__(self, stop: bool = False) -> None:
        self.sent: list[tuple] = []
        self.stop = stop

    def send(self, message: tuple) -> None:
        self.sent.append(message)

    def poll(self) -> bool:
        return self.stop

    def recv(self) -> str:
        return STOP


def chunked(lines: list[bytes], write_size: int, max_rows: int, chunk_bytes: int,
            stop: bool = False) -> list[tuple]:
    """What the worker sends for a TSV answer (header + ``lines``) written in ``write_size`` pieces."""
    pipe = FakePipe(stop)
    chunker = Chunker(pipe, "bindings", ["x"], max_rows, chunk_bytes)
    data = b"?x\n" + b"".join(lines)
    try:
        for start in range(0, len(data), write_size):
            chunker.write(data[start:start + write_size])
    except _StopEngineError as stopped:
        if stopped.stopped:
            return pipe.sent
    chunker.finish()
    return pipe.sent


def payloads(sent: list[tuple]) -> bytes:
    return b"".join(message[3] if message[0] == "ok" else message[1] for message in sent)


ROWS = [f'"row {number}"\n'.encode() for number in range(100)]


@pytest.mark.parametrize("write_size", [1, 7, 64, 10_000])
def test_an_answer_of_exactly_max_rows_is_whole_and_not_marked(write_size):
    sent = chunked(ROWS, write_size, max_rows=100, chunk_bytes=10_000)
    assert sent == [("ok", "bindings", ["x"], b"".join(ROWS), True, None)]


@pytest.mark.parametrize("write_size", [1, 7, 64, 10_000])
def test_one_row_more_than_max_rows_is_cut_at_max_rows_and_marked(write_size):
    sent = chunked(ROWS[:41], write_size, max_rows=40, chunk_bytes=10_000)
    assert payloads(sent) == b"".join(ROWS[:40])
    assert sent[-1][-2:] == (True, "rows=40")


@pytest.mark.parametrize("write_size", [1, 7, 64])  # pyoxigraph writes blocks of 4-8 KiB
def test_chunks_hold_whole_lines_and_only_the_last_is_marked_last(write_size):
    sent = chunked(ROWS, write_size, max_rows=1000, chunk_bytes=50)
    assert len(sent) > 5 and sent[0][0] == "ok" and all(m[0] == "more" for m in sent[1:])
    assert [message[-2] for message in sent] == [False] * (len(sent) - 1) + [True]
    assert all((message[3] if message[0] == "ok" else message[1]).endswith(b"\n")
               for message in sent[:-1])
    assert payloads(sent) == b"".join(ROWS)


def test_a_stop_from_the_server_ends_the_answer_after_the_chunk_in_flight():
    sent = chunked(ROWS, 64, max_rows=1000, chunk_bytes=50, stop=True)
    assert len(sent) == 1 and sent[0][0] == "ok" and sent[0][-2] is False
