"""The attack suite: each case is a request, the status and message it must get, and proof that
nothing was lost (the store's quad count and content hash unchanged) and nothing was fetched
(the canary server, named wherever a URL can go, receives zero requests).

The application is the real one over the real guarded store (worker processes), exercised with
Flask's test client; tests/security/test_live_server.py repeats the essentials over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from conftest import fingerprint

CANARY = "CANARY_URL"  # replaced by the canary server's URL when the case runs
DIRECT = {"Content-Type": "application/sparql-query"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
UPDATE = {"Content-Type": "application/sparql-update"}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass(frozen=True)
class Attack:
    name: str
    method: str
    path: str
    status: int
    message: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    header: tuple[str, str] | None = None  # a response header that must be there (name, part)


def get(query: str, **extra: str) -> str:
    return "/sparql?" + urlencode({"query": query, **extra})


def service_cases() -> list[Attack]:
    where = "{ ?s ?p ?o }"
    spellings = {
        "plain": f"SELECT * WHERE {{ SERVICE <{CANARY}> {where} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{CANARY}> {where} }}",
        "variable": f"SELECT * WHERE {{ VALUES ?u {{ <{CANARY}> }} SERVICE ?u {where} }}",
        "lower-case": f"select * where {{ service <{CANARY}> {where} }}",
        "mixed-case": f"SELECT * WHERE {{ SeRvIcE sIlEnT <{CANARY}> {where} }}",
        "in-optional": f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{CANARY}> {where} }} }}",
        "in-sub-query": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{CANARY}> {where} }} }} }}",
        "in-minus": f"SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE <{CANARY}> {where} }} }}",
        "in-union": f"SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ SERVICE <{CANARY}> {where} }} }}",
        "in-filter-exists": f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{CANARY}> {where} }} }}",
        "comments-between": f"SELECT * WHERE {{ SERVICE # a comment\n SILENT #another\n <{CANARY}> "
                            f"{where} }}",
        "unicode-escape": f"SELECT * WHERE {{ \\u0053ERVICE <{CANARY}> {where} }}",
        "no-space-prefixed-name": f"PREFIX c: <{CANARY}>\nSELECT * WHERE {{ SERVICEc:x {where} }}",
        "ask": f"ASK {{ SERVICE <{CANARY}> {where} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{CANARY}> {where} }}",
        "describe": f"DESCRIBE ?s WHERE {{ SERVICE <{CANARY}> {where} }}",
    }
    cases = [Attack(f"service-{name}", "GET", get(query), 400, "SERVICE")
             for name, query in spellings.items()]
    plain = spellings["plain"].encode()
    cases += [Attack("service-post-direct", "POST", "/sparql", 400, "SERVICE", plain, DIRECT),
              Attack("service-post-form", "POST", "/sparql", 400, "SERVICE",
                     urlencode({"query": spellings["silent"]}).encode(), FORM)]
    return cases


def update_cases() -> list[Attack]:
    insert = "INSERT DATA { GRAPH <urn:x-kg-test:g> { <urn:x-kg-test:s> <urn:x-kg-test:p> 1 } }"
    read_only = "read-only"
    return [
        Attack("update-direct", "POST", "/sparql", 403, read_only, insert.encode(), UPDATE),
        Attack("update-url-parameter", "GET", "/sparql?" + urlencode({"update": insert}), 403, read_only),
        Attack("update-form", "POST", "/sparql", 403, read_only, urlencode({"update": insert}).encode(),
               FORM),
        Attack("update-as-query", "GET", get(insert), 403, read_only),
        Attack("load-as-query", "GET", get(f"LOAD <{CANARY}>"), 403, read_only),
        Attack("load-into-graph-form", "POST", "/sparql", 403, read_only,
               urlencode({"update": f"LOAD SILENT <{CANARY}> INTO GRAPH <urn:x:g>"}).encode(), FORM),
        Attack("drop-all-as-query", "GET", get("DROP ALL"), 403, read_only),
        Attack("clear-default-direct", "POST", "/sparql", 403, read_only, b"CLEAR DEFAULT", UPDATE),
        Attack("delete-where-as-query", "GET", get("DELETE WHERE { ?s ?p ?o }"), 403, read_only),
        Attack("using-graph-uri", "GET", "/sparql?" + urlencode(
            {"query": "SELECT * {}", "using-graph-uri": CANARY}), 403, read_only),
        Attack("put-method", "PUT", "/sparql", 405, "not allowed", insert.encode(), UPDATE),
        Attack("delete-method", "DELETE", "/sparql", 405, "not allowed"),
    ]


def limit_cases() -> list[Attack]:
    deep_brackets = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    deep_groups = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    nots = "SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }"
    return [
        Attack("query-too-long", "POST", "/sparql", 400, "characters long",
               ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_001).encode(), DIRECT),
        Attack("nested-brackets", "POST", "/sparql", 400, "levels deep", deep_brackets.encode(), DIRECT),
        Attack("nested-groups", "POST", "/sparql", 400, "levels deep", deep_groups.encode(), DIRECT),
        Attack("nested-groups-form", "POST", "/sparql", 400, "levels deep",
               urlencode({"query": deep_groups}).encode(), FORM),
        Attack("chained-not", "POST", "/sparql", 400, "prefix operators", nots.encode(), DIRECT),
        Attack("body-too-large", "POST", "/sparql", 413, "limit is",
               b"SELECT * WHERE { ?s ?p ?o }" + b" " * (1024 * 1024 + 1), DIRECT),
        Attack("url-too-long", "GET", get("SELECT * WHERE { ?s ?p ?o } #" + "x" * 9000), 414, "use POST"),
        Attack("body-not-utf8", "POST", "/sparql", 400, "UTF-8", b"SELECT * WHERE { ?s ?p \xff\xfe }",
               DIRECT),
        Attack("url-escape-not-utf8", "GET", "/sparql?query=SELECT%20*%20%7B%7D%20%23%FF%FE", 400, "UTF-8"),
        Attack("form-escape-not-utf8", "POST", "/sparql", 400, "UTF-8", b"query=ASK%20%7B%7D%20%23%C3%28",
               FORM),
        Attack("charset-latin1", "POST", "/sparql", 415, "UTF-8", b"ASK {}",
               {"Content-Type": "application/sparql-query; charset=latin1"}),
        Attack("format-with-crlf", "GET", get("ASK {}", format="json\r\nSet-Cookie: x=1"), 400,
               "unknown format"),
        Attack("format-unknown", "GET", get("ASK {}", format="<script>"), 400, "unknown format"),
        Attack("formats-conflict", "GET", "/sparql?" + urlencode(
            [("query", "ASK {}"), ("format", "json"), ("output", "xml")]), 400, "conflicting"),
        Attack("accept-nothing-offered", "GET", get("ASK {}"), 406, "acceptable", None,
               {"Accept": "image/png"}),
        Attack("timeout-not-a-number", "GET", get("ASK {}", timeout="soon"), 400, "number of seconds"),
        Attack("timeout-negative", "GET", get("ASK {}", timeout="-1"), 400, "positive"),
        Attack("two-queries", "GET", "/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")]),
               400, "exactly one"),
        Attack("empty-query", "GET", get("  "), 400, "empty"),
        Attack("unsupported-content-type", "POST", "/sparql", 415, "Content-Type", b"ASK {}",
               {"Content-Type": "text/html"}),
        Attack("post-without-content-type", "POST", "/sparql", 415, "Content-Type", b"ASK {}"),
        Attack("syntax-error", "GET", get("SELECT * WHERE { ?s ?p }"), 400, "syntax error"),
        Attack("slow-query-stopped", "GET", get(SLOW), 503, "time limit", None, {},
               ("Retry-After", "5")),
        Attack("client-timeout-honoured", "GET", get(SLOW, timeout="0.5"), 503, "0.5 s"),
        Attack("client-timeout-capped", "GET", get(SLOW, timeout="1000"), 503, "3 s"),
        Attack("rows-over-the-cap-refused", "GET", get("SELECT * WHERE { ?s ?p ?o }"), 422,
               "more than 50 rows", None, {"Accept": "application/sparql-results+json"},
               ("Vary", "Prefer")),
        Attack("graph-over-the-cap-refused", "GET", get("CONSTRUCT WHERE { ?s ?p ?o }"), 422,
               "truncate=1", None, {"Accept": "text/turtle"}),
        Attack("truncate-malformed", "GET", get("ASK {}", truncate="yes please"), 400,
               "'truncate' must be 1 or 0"),
        Attack("truncate-repeated", "GET", get("ASK {}") + "&truncate=1&truncate=1", 400,
               "'truncate' parameter once"),
        Attack("rows-truncated", "GET", get("SELECT * WHERE { ?s ?p ?o }", truncate="1"), 200,
               '"truncated":"rows=50"', None, {"Accept": "application/sparql-results+json"},
               ("KG-Result-Truncated", "rows=50")),
        Attack("rows-truncated-by-preference", "GET", get("SELECT * WHERE { ?s ?p ?o }"), 200,
               '"truncated":"rows=50"', None, {"Accept": "application/sparql-results+json",
                                               "Prefer": "respond-async, truncate"},
               ("Preference-Applied", "truncate")),
        Attack("graph-truncated", "GET", get("CONSTRUCT WHERE { ?s ?p ?o }", truncate="true"), 200,
               "# truncated: rows=50", None, {"Accept": "text/turtle"}, ("KG-Result-Truncated", "rows=50")),
        Attack("csv-truncated-header-only", "GET", get("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", truncate="1"),
               200, "s,p,o", None, {"Accept": "text/csv"}, ("KG-Result-Truncated", "rows=50")),
    ]


def dataset_cases() -> list[Attack]:
    json_results = {"Accept": "application/sparql-results+json"}
    return [
        Attack("from-url-not-fetched", "GET", get(f"SELECT * FROM <{CANARY}> WHERE {{ ?s ?p ?o }}"),
               200, '"bindings":[]', None, json_results),
        Attack("from-named-url-not-fetched", "GET", get(
            f"SELECT * FROM NAMED <{CANARY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
            200, '"bindings":[]', None, json_results),
        Attack("from-local-file-not-read", "GET",
               get("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
               200, '"bindings":[]', None, json_results),
        Attack("default-graph-uri-not-fetched", "GET", "/sparql?" + urlencode(
            {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": CANARY}),
            200, '"bindings":[]', None, json_results),
        Attack("named-graph-uri-file-not-read", "GET", "/sparql?" + urlencode(
            {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "file:///etc/passwd"}),
            200, '"bindings":[]', None, json_results),
    ]


def page_cases() -> list[Attack]:
    return [
        Attack("resource-path-with-script", "GET", "/id/" + quote("<script>alert(1)</script>"), 400,
               "not a valid resource path"),
        Attack("resource-path-with-quote", "GET", "/id/" + quote('x" onmouseover="alert(1)'), 400,
               "not a valid resource path"),
        Attack("ontology-extension-with-script", "GET", "/ontology." + quote("<svg onload=alert(1)>"),
               404, "no ontology format"),
        Attack("dump-path-traversal", "GET", "/dumps/" + quote("../../etc/passwd", safe=""), 404,
               "not found"),
        Attack("unknown-route-json-error", "GET", "/wp-admin/install.php", 404, '"error": "not found"'),
        Attack("named-query-unknown", "GET", "/api/queries/" + quote("<script>"), 404, "no saved query"),
        Attack("html-page-has-csp", "GET", "/ontology", 200, "<html", None, {"Accept": "text/html"},
               ("Content-Security-Policy", "script-src 'self' 'nonce-")),
        Attack("html-page-has-nosniff", "GET", "/ontology", 200, "<html", None, {"Accept": "text/html"},
               ("X-Content-Type-Options", "nosniff")),
        Attack("error-has-nosniff", "GET", get("SELECT"), 400, "syntax error", None, {},
               ("X-Content-Type-Options", "nosniff")),
    ]


ATTACKS = service_cases() + update_cases() + limit_cases() + dataset_cases() + page_cases()


def test_the_suite_has_at_least_60_distinct_cases():
    assert len(ATTACKS) >= 60
    assert len({attack.name for attack in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.name)
def test_attack(attack: Attack, guarded_app, canary, store_dir, original):
    client = guarded_app.test_client()
    path = attack.path.replace(CANARY, quote(canary.url, safe="")).replace(
        quote(CANARY, safe=""), quote(canary.url, safe=""))
    body = attack.body.replace(CANARY.encode(), canary.url.encode()) if attack.body else None
    if body and attack.headers.get("Content-Type") == FORM["Content-Type"]:
        body = attack.body.replace(CANARY.encode(), quote(canary.url, safe="").encode())
    response = client.open(path, method=attack.method, data=body, headers=attack.headers)
    text = response.get_data(as_text=False).decode("utf-8", errors="replace")
    assert response.status_code == attack.status, text[:500]
    assert attack.message in text, text[:500]
    assert "Traceback" not in text
    if response.status_code >= 400:
        assert response.mimetype in ("application/json", "text/plain")
    if attack.header:
        name, part = attack.header
        assert part in response.headers.get(name, ""), dict(response.headers)
    assert canary.requests == []
    assert fingerprint(store_dir) == original
    assert client.get("/healthz").status_code == 200
