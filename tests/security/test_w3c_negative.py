"""The W3C SPARQL 1.1 Protocol negative tests (``bad_*``: malformed requests that must get 4xx)
and the update tests (refused with 403 here), as attack cases: each request byte for byte from
the W3C manifest, the status class it expects, and nothing lost — the served data's triple
count and content hash, read over HTTP, unchanged after every case."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import Dataset, URIRef
from server_process import running_server
from test_w3c_protocol import DATA_GRAPH, ENTRIES, check_response, send

NEGATIVE = [entry for entry in ENTRIES if entry.name.startswith("bad_") or entry.not_applicable]
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def endpoint(protocol_dir: Path, tmp_path_factory) -> Iterator[tuple[str, int]]:
    dataset = Dataset()
    for n in (1, 2, 3):
        dataset.graph(URIRef(DATA_GRAPH.format(n=n))).parse(protocol_dir / f"data{n}.nt", format="nt")
    data = tmp_path_factory.mktemp("w3c-negative") / "protocol-data.nq"
    data.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    with running_server([str(data)]) as base_url:
        address = urlsplit(base_url)
        yield address.hostname, address.port


@pytest.fixture(scope="module")
def protocol_dir(seeds_dir: Path) -> Path:
    return seeds_dir.parent / "w3c-protocol"


def served_fingerprint(endpoint: tuple[str, int]) -> tuple[int, str]:
    from test_w3c_protocol import HttpRequest

    request = HttpRequest("GET", "/sparql?" + urlencode({"query": ALL_QUADS}),
                          (("Accept", "application/sparql-results+json"),), None, frozenset({2}), None, None)
    status, _, body = send(endpoint, "localhost", request)
    assert status == 200
    rows = sorted(json.dumps(row, sort_keys=True) for row in json.loads(body)["results"]["bindings"])
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_the_negative_and_update_cases_are_all_here():
    assert len(NEGATIVE) >= 15


@pytest.mark.parametrize("entry", NEGATIVE, ids=lambda entry: entry.name)
def test_w3c_negative(entry, endpoint):
    before = served_fingerprint(endpoint)
    for request in entry.requests[:1] if entry.not_applicable else entry.requests:
        status, media_type, body = send(endpoint, entry.authority, request)
        if entry.not_applicable:
            assert status == 403 and b"read-only" in body, body[:300]
        else:
            check_response(request, status, media_type, body)
            assert status // 100 == 4 and b"Traceback" not in body
    assert served_fingerprint(endpoint) == before
