"""The W3C SPARQL 1.1 Protocol test suite, run against a real ``kg serve`` over HTTP.

The manifest (``../shared/w3c-protocol/manifest.ttl``, unchanged from w3c/rdf-tests) describes
each test as HTTP requests (method, path under ``/sparql/``, headers, body with its character
encoding) and the expected response (status class, result format family, boolean). Every
request is sent byte for byte with ``http.client`` to a server that serves data1.nt..data3.nt
as the named graphs ``<http://kasei.us/2009/09/sparql/data/dataN.rdf>``.

The endpoint is read-only, so the tests whose update must succeed are not applicable: each of
them is skipped only after checking that the update was refused with 403. Every query-side
test, and every ``bad_*`` test (updates included), must pass. docs/protocol-tests.md is the
table of the outcomes; the last test checks it against this run (``KG_WRITE_PROTOCOL_DOC=1``
rewrites it).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from server_process import REPO, running_server
from w3c_suites import MF

from kg.common import paths

HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
MANIFEST_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest"
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{n}.rdf"
#: The manifest's paths start with /sparql/; that is one of our two endpoint paths.
MANIFEST_PREFIX, ENDPOINT_PREFIX = "/sparql/", "/sparql/"
DOC = REPO / "docs" / "protocol-tests.md"
# Where conftest's seeds_dir fixture finds the seeds; the suite lies beside them. Parametrizing
# needs the entries at collection time, before any fixture runs.
PROTOCOL_DIR = paths.default_seeds_dir().parent / "w3c-protocol"

RESULTS_JSON = ("application/sparql-results+json", "application/json")
RESULTS_XML = ("application/sparql-results+xml", "application/xml", "text/xml")
RESULTS_TABLE = {"text/csv": ",", "text/tab-separated-values": "\t"}
RDF_MEDIA = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt",
             "application/ld+json": "json-ld", "application/trig": "trig",
             "application/n-quads": "nquads", "text/n3": "n3"}


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    status_classes: frozenset[int]  # 2, 3, 4 for hts:StatusCode2xx …
    expected_format: str | None  # "boolean", "tabular", "RDF"
    expected_boolean: bool | None

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name), "")

    def is_update(self) -> bool:
        """Whether this request asks for a SPARQL Update (direct, form field or URL)."""
        content_type = self.header("content-type").lower()
        names = [name for name, _ in parse_qsl(urlsplit(self.path).query, keep_blank_values=True)]
        if content_type.startswith("application/x-www-form-urlencoded") and self.body:
            names += [name for name, _ in parse_qsl(self.body.decode("latin-1"), keep_blank_values=True)]
        return content_type.startswith("application/sparql-update") or "update" in names


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    authority: str
    requests: tuple[HttpRequest, ...]

    @property
    def not_applicable(self) -> bool:
        """An update that must succeed: a read-only endpoint cannot pass it."""
        return self.requests[0].is_update() and 2 in self.requests[0].status_classes

    @property
    def side(self) -> str:
        return "update" if self.requests[0].is_update() or "update" in self.name else "query"


def _request(graph: Graph, node) -> HttpRequest:
    headers = []
    headers_list = graph.value(node, HT.headers)
    for header in Collection(graph, headers_list) if headers_list else []:
        headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)  # UTF-16: as the header says
    response = graph.value(node, HT.resp)
    classes = frozenset(int(str(status)[len(str(HTS.StatusCode))]) for status in
                        graph.objects(response, MF.expectedStatus))
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith(MANIFEST_PREFIX), path
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=ENDPOINT_PREFIX + path[len(MANIFEST_PREFIX):],
        headers=tuple(headers), body=body, status_classes=classes,
        expected_format=None if expected_format is None else str(expected_format),
        expected_boolean=None if expected_boolean is None else bool(expected_boolean.toPython()))


def load_manifest(path: Path) -> list[Entry]:
    graph = Graph().parse(path, format="turtle", publicID=MANIFEST_BASE)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        requests = tuple(_request(graph, node)
                         for node in Collection(graph, graph.value(action, HT.requests)))
        entries.append(Entry(name=str(test).rpartition("#")[2], title=str(graph.value(test, MF.name)),
                             authority=str(graph.value(action, HT.connectionAuthority)),
                             requests=requests))
    return entries


ENTRIES = load_manifest(PROTOCOL_DIR / "manifest.ttl") if (PROTOCOL_DIR / "manifest.ttl").is_file() else []
#: What this run saw, for the table in docs/protocol-tests.md: name -> (outcome, statuses).
OBSERVED: dict[str, tuple[str, list[int]]] = {}


@pytest.fixture(scope="module")
def protocol_dir(seeds_dir: Path) -> Path:
    directory = seeds_dir.parent / "w3c-protocol"
    if not (directory / "manifest.ttl").is_file():
        pytest.fail(f"the W3C protocol suite is missing at {directory} (CI has ../shared)")
    return directory


@pytest.fixture(scope="module")
def endpoint(protocol_dir: Path, tmp_path_factory) -> Iterator[tuple[str, int]]:
    """``kg serve`` of one N-Quads file holding data1..data3 as their named graphs."""
    dataset = Dataset()
    for n in (1, 2, 3):
        dataset.graph(URIRef(DATA_GRAPH.format(n=n))).parse(protocol_dir / f"data{n}.nt", format="nt")
    data = tmp_path_factory.mktemp("w3c-protocol") / "protocol-data.nq"
    data.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    with running_server([str(data)]) as base_url:
        address = urlsplit(base_url)
        yield address.hostname, address.port


def send(endpoint: tuple[str, int], authority: str, request: HttpRequest
         ) -> tuple[int, str, bytes]:
    """The request byte for byte (Host as the manifest's authority); status, media type, body."""
    connection = http.client.HTTPConnection(*endpoint, timeout=30)
    try:
        headers = {"Host": authority, **dict(request.headers)}
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        body = response.read()
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        return response.status, media_type, body
    finally:
        connection.close()


def boolean_of(media_type: str, body: bytes) -> bool:
    if media_type in RESULTS_JSON:
        document = json.loads(body)
        assert isinstance(document.get("boolean"), bool), document
        return document["boolean"]
    if media_type in RESULTS_XML:
        element = ET.fromstring(body).find(f"{SRX}boolean")
        assert element is not None and element.text in ("true", "false"), body[:300]
        return element.text == "true"
    raise AssertionError(f"a boolean result needs SPARQL results JSON or XML, not {media_type!r}")


def check_table(media_type: str, body: bytes) -> None:
    if media_type in RESULTS_JSON:
        document = json.loads(body)
        assert isinstance(document["head"]["vars"], list)
        assert isinstance(document["results"]["bindings"], list)
    elif media_type in RESULTS_XML:
        root = ET.fromstring(body)
        assert root.tag == f"{SRX}sparql" and root.find(f"{SRX}results") is not None, body[:300]
    elif media_type in RESULTS_TABLE:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8")), delimiter=RESULTS_TABLE[media_type]))
        assert rows and rows[0] and all(rows[0]), body[:300]
    else:
        raise AssertionError(f"tabular results need a SPARQL results format, not {media_type!r}")


def check_rdf(media_type: str, body: bytes) -> None:
    assert media_type in RDF_MEDIA, f"an RDF graph needs an RDF media type, not {media_type!r}"
    rdf_format = RDF_MEDIA[media_type]
    target = Dataset() if rdf_format in ("trig", "nquads") else Graph()
    target.parse(data=body.decode("utf-8"), format=rdf_format)


def check_response(request: HttpRequest, status: int, media_type: str, body: bytes) -> None:
    assert status // 100 in request.status_classes, (
        f"{request.method} {request.path}: {status} {body[:300]!r}; expected "
        + " or ".join(f"{c}xx" for c in sorted(request.status_classes)))
    if status // 100 != 2 or request.expected_format is None:
        return
    if request.expected_format == "boolean":
        value = boolean_of(media_type, body)
        if request.expected_boolean is not None:
            assert value is request.expected_boolean, body[:300]
    elif request.expected_format == "tabular":
        check_table(media_type, body)
    elif request.expected_format == "RDF":
        check_rdf(media_type, body)
    else:
        raise AssertionError(f"unknown mf:expectedFormat {request.expected_format!r}")


@pytest.mark.parametrize("entry", ENTRIES or [pytest.param(None, id="manifest")],
                         ids=lambda entry: entry.name if entry else "manifest")
def test_protocol(entry: Entry | None, protocol_dir: Path, endpoint) -> None:
    assert entry is not None, f"no entries read from {PROTOCOL_DIR / 'manifest.ttl'}"
    if entry.not_applicable:
        first = entry.requests[0]
        status, _, body = send(endpoint, entry.authority, first)
        OBSERVED[entry.name] = ("not applicable", [status])
        assert status == 403, f"an update must be refused with 403, got {status} {body[:300]!r}"
        pytest.skip(f"not applicable: the endpoint is read-only and refuses SPARQL Update with "
                    f"{status} (this test needs the update to succeed)")
    statuses = []
    try:
        for request in entry.requests:
            status, media_type, body = send(endpoint, entry.authority, request)
            statuses.append(status)
            check_response(request, status, media_type, body)
    except AssertionError:
        OBSERVED[entry.name] = ("failed", statuses)
        raise
    OBSERVED[entry.name] = ("passed", statuses)


def test_the_manifest_has_the_34_entries_of_the_suite() -> None:
    names = [entry.name for entry in ENTRIES]
    assert len(names) == len(set(names)) == 34
    assert sum(entry.not_applicable for entry in ENTRIES) == 7
    assert {entry.name for entry in ENTRIES if entry.not_applicable} == {
        name for name in names if name.startswith("update_")}


def _doc_rows(text: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows[cells[1].strip("`")] = (cells[4], cells[5])
    return rows


def _expected_text(request: HttpRequest) -> str:
    text = " or ".join(f"{c}xx" for c in sorted(request.status_classes))
    if request.expected_format:
        text += f", {request.expected_format}"
    if request.expected_boolean is not None:
        text += f" {str(request.expected_boolean).lower()}"
    return text


def render_doc() -> str:
    passed = sum(outcome == "passed" for outcome, _ in OBSERVED.values())
    skipped = sum(outcome == "not applicable" for outcome, _ in OBSERVED.values())
    failed = sum(outcome == "failed" for outcome, _ in OBSERVED.values())
    lines = [
        "# W3C SPARQL 1.1 Protocol tests",
        "",
        "`tests/test_w3c_protocol.py` runs the W3C SPARQL 1.1 Protocol test suite",
        "(`../shared/w3c-protocol/manifest.ttl`, from w3c/rdf-tests) against a real `kg serve`",
        "subprocess on 127.0.0.1, serving `data1.nt`..`data3.nt` as the named graphs",
        "`<http://kasei.us/2009/09/sparql/data/dataN.rdf>`. Each request is sent byte for byte with",
        "`http.client` (the UTF-16 bodies encoded in UTF-16, as their Content-Type says) to",
        "`/sparql/`, and the status class, the format family (boolean, tabular, RDF) and the",
        "boolean are checked.",
        "",
        f"**{passed} passed, {skipped} not applicable, {failed} failed** (of {len(ENTRIES)}).",
        "",
        "The endpoint is read-only: the seven `update_*` tests need an update to succeed, so they are",
        "not applicable. Each is skipped only after the test has checked that the update was refused",
        "with 403 (the follow-up ASK of those tests, which checks the update's effect, is not sent).",
        "The seven tests of malformed updates get their 4xx like any other `bad_*` test.",
        "",
        "Regenerate with `KG_WRITE_PROTOCOL_DOC=1 python -m pytest -q tests/test_w3c_protocol.py`;",
        "without the variable the last test checks this table against the run.",
        "",
        "| # | test | side | expected | outcome | our status |",
        "|---|---|---|---|---|---|",
    ]
    for number, entry in enumerate(ENTRIES, start=1):
        outcome, statuses = OBSERVED.get(entry.name, ("not run", []))
        expected = "; then ".join(_expected_text(request) for request in entry.requests)
        lines.append(f"| {number} | `{entry.name}` | {entry.side} | {expected} | {outcome} | "
                     f"{', '.join(str(status) for status in statuses) or '-'} |")
    return "\n".join(lines) + "\n"


def test_the_documented_table_matches_this_run() -> None:
    if not OBSERVED:
        pytest.skip("no protocol test ran in this session")
    if os.environ.get("KG_WRITE_PROTOCOL_DOC") == "1":
        if len(OBSERVED) < len(ENTRIES):
            pytest.fail("run the whole module to write the table")
        DOC.write_text(render_doc(), encoding="utf-8")
    documented = _doc_rows(DOC.read_text(encoding="utf-8"))
    assert list(documented) == [entry.name for entry in ENTRIES]
    for name, (outcome, statuses) in OBSERVED.items():
        assert documented[name] == (outcome, ", ".join(str(status) for status in statuses)), name
