"""The W3C SPARQL 1.1 syntax suite through the real guard: every query sent to ``/sparql`` of the
application ``kg serve`` makes (create_app over the bundled build, its query workers included).

* every positive syntax query that does not use SERVICE is accepted: answered 200, or — for the
  few the engine itself does not support, named below — 400 with the engine's own message,
  never the SERVICE refusal and never a 5xx;
* every positive query that uses SERVICE (syntax-fed) is refused as SERVICE (400);
* every negative syntax query gets 400;
* the update suite, sent as a query: a valid update is refused as an update (403), an invalid
  one gets 400 or 403 — never a 2xx or a 5xx;
* and, without the server, the lexer's reading of every text of the suite (the evaluation
  tests' queries too): SERVICE only where the manifest says federation, updates only in ``.ru``.

The suite lies beside the seeds (``../shared/w3c-sparql11/``, its README says how to use it);
the manifests are read at collection time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Graph
from rdflib.namespace import RDF
from w3c_suites import MF
from w3c_suites import SPARQL11 as SUITE

from kg.common.query_text import starts_as_update, uses_service

DIRECTORIES = ("syntax-query", "syntax-fed", "syntax-update-1")
#: Positive syntax tests pyoxigraph's parser rejects: ``og:audio\\:title`` (a ``\\:`` escape in
#: a prefixed name, which the SPARQL 1.1 grammar's PN_LOCAL_ESC does not list). The engine's
#: limit, answered 400 with its message.
ENGINE_DOES_NOT_PARSE = frozenset({"qname-escape-01.rq"})
#: Positive syntax tests the engine parses but cannot evaluate: a function it does not know.
ENGINE_CANNOT_EVALUATE = frozenset({"syntax-select-expr-04.rq"})


@dataclass(frozen=True)
class SyntaxTest:
    directory: str
    name: str
    positive: bool
    update: bool

    @property
    def text(self) -> str:
        return (SUITE / self.directory / self.name).read_text(encoding="utf-8")

    def __str__(self) -> str:
        return f"{self.directory}/{self.name}"


def _entries() -> list[SyntaxTest]:
    if not SUITE.is_dir():
        return []
    entries = []
    for directory in DIRECTORIES:
        manifest = Graph().parse(SUITE / directory / "manifest.ttl",
                                 publicID=f"http://example.org/{directory}/manifest.ttl")
        for test, kind in manifest.subject_objects(RDF.type):
            kind_name = str(kind).rpartition("#")[2]
            if "SyntaxTest" not in kind_name:
                continue
            action = str(manifest.value(test, MF.action))
            entries.append(SyntaxTest(directory, action.rpartition("/")[2],
                                      kind_name.startswith("Positive"), "Update" in kind_name))
    return sorted(entries, key=str)


ENTRIES = _entries()
needs_suite = pytest.mark.skipif(not ENTRIES, reason=f"the W3C SPARQL 1.1 suite is not at {SUITE}")


def _ask(client, text: str):
    return client.post("/sparql", data=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-query",
                                "Accept": "application/sparql-results+json, application/n-triples",
                                # a valid query may have more rows than the cap: this checks the
                                # guard and the engine, not the row cap (asked to cut, not refuse)
                                "Prefer": "truncate"})


@pytest.fixture(scope="module")
def client(guarded_app):
    return guarded_app.test_client()


@needs_suite
def test_the_whole_syntax_suite_is_here():
    assert len([entry for entry in ENTRIES if not entry.update]) >= 90
    assert len([entry for entry in ENTRIES if entry.update]) >= 50
    assert {entry.name for entry in ENTRIES} >= ENGINE_DOES_NOT_PARSE | ENGINE_CANNOT_EVALUATE


@needs_suite
@pytest.mark.parametrize("entry", [entry for entry in ENTRIES if not entry.update], ids=str)
def test_w3c_syntax_query(entry, client):
    response = _ask(client, entry.text)
    body = response.get_data(as_text=True)
    uses_service = entry.directory == "syntax-fed"
    if not entry.positive:
        assert response.status_code == 400, body
    elif uses_service:
        assert response.status_code == 400 and "SERVICE (federated query)" in body, body
    elif entry.name in ENGINE_DOES_NOT_PARSE:
        assert response.status_code == 400 and "SPARQL syntax error" in body, body
    elif entry.name in ENGINE_CANNOT_EVALUATE:
        assert response.status_code == 400 and "query engine cannot evaluate" in body, body
    else:
        assert response.status_code == 200, body
    assert uses_service or "SERVICE (federated query)" not in body


@needs_suite
@pytest.mark.parametrize("entry", [entry for entry in ENTRIES if entry.update], ids=str)
def test_w3c_syntax_update_sent_as_a_query(entry, client):
    response = _ask(client, entry.text)
    body = response.get_data(as_text=True)
    if entry.positive:
        assert response.status_code == 403 and "read-only" in body, body
    else:
        assert response.status_code in (400, 403), body
    assert "SERVICE (federated query)" not in body


@needs_suite
def test_the_lexer_reads_every_text_of_the_suite_as_its_manifest_means_it():
    """All of it, evaluation tests included (about 350 texts): SERVICE only in the three
    federation queries, an update exactly in the ``.ru`` files (valid or not)."""
    texts = sorted(SUITE.rglob("*.r[qu]"))
    assert len(texts) >= 300
    with_service = [text.relative_to(SUITE).as_posix() for text in texts
                    if uses_service(text.read_text(encoding="utf-8"))]
    assert with_service == [f"syntax-fed/syntax-service-0{number}.rq" for number in (1, 2, 3)]
    misread = [text.name for text in texts
               if starts_as_update(text.read_text(encoding="utf-8")) != (text.suffix == ".ru")]
    assert misread == []
