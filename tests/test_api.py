"""The named-query API: /api/queries, /api/queries/<name>, /api/openapi.json and the /api page.

Breadth with Flask's test client; the OpenAPI examples, the comparison with /sparql and the
injection attempts against a real ``kg serve`` on 127.0.0.1 with urllib as the client.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from server_process import running_server

from kg.query.catalogue import ParameterError, catalogue
from kg.store.oxigraph import OxigraphStore
from server import create_app

ID = "https://w3id.org/bg-inclusion/id/"
KYUSTENDIL = ID + "project/BG05M9OP001-2.018-0031"


@pytest.fixture(scope="module")
def client(built):
    return create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built).test_client()


@pytest.fixture(scope="module")
def base_url(built) -> Iterator[str]:
    # no per-client rate limit: this module asks a few hundred questions in a minute, each one a
    # specification of the API, not of the limits (tests/security test those)
    with running_server(["--build", str(built), "--rate-limit", "0"]) as url:
        yield url


@pytest.fixture(scope="module")
def openapi(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def fetch(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def canonical_rows(answer: dict) -> list[tuple]:
    """SPARQL JSON rows as sorted tuples; GROUP_CONCAT parts sorted (their order is undefined)."""
    names = answer["head"]["vars"]

    def cell(term: dict | None):
        if term is None:
            return None
        value = term["value"]
        for separator in (" | ", ", "):
            if separator in value:
                value = separator.join(sorted(value.split(separator)))
        return (term["type"], value, term.get("datatype"), term.get("xml:lang"))

    return sorted((tuple(cell(row.get(name)) for name in names)
                   for row in answer["results"]["bindings"]), key=repr)


def sparql(base: str, text: str) -> dict:
    status, _, body = fetch(base + "/sparql?" + urlencode({"query": text}),
                            "application/sparql-results+json")
    assert status == 200, body[:500]
    return json.loads(body)


# --- the catalogue ---------------------------------------------------------------------------

def test_the_catalogue_lists_every_saved_query_with_both_languages_and_an_example(client):
    body = client.get("/api/queries").get_json()
    entries = {entry["name"]: entry for entry in body["queries"]}
    assert list(entries) == list(catalogue())
    for name, saved in catalogue().items():
        entry = entries[name]
        assert entry["title"] == saved.title and entry["title_bg"] == saved.title_bg
        assert entry["description"] == saved.description
        assert entry["description_bg"] == saved.description_bg
        assert entry["url"] == f"/api/queries/{name}"
        assert entry["example"].startswith(entry["url"])
        assert [parameter["name"] for parameter in entry["parameters"]] == \
            [parameter.name for parameter in saved.parameters]
    assert body["openapi"] == "/api/openapi.json"


def test_the_catalogue_page_shows_titles_descriptions_examples_and_query_page_links(client):
    response = client.get("/api", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    text = html.unescape(page)
    for name, saved in catalogue().items():
        assert f'id="{name}"' in page
        assert saved.title in text and saved.title_bg in text and saved.description in text
        assert saved.description_bg in text
        assert f"GET /api/queries/{name}" in text
    links = re.findall(r'class="open-in-query-page" href="([^"]+)"', page)
    assert len(links) == len(catalogue())
    opened = parse_qs(urlsplit(html.unescape(links[0])).query)
    assert opened["tabTitle"] == [next(iter(catalogue()))]
    assert "VALUES (?institution)" in opened["query"][0]


def test_the_plain_query_page_is_prefilled_from_the_query_parameter(client, monkeypatch):
    monkeypatch.setenv("KG_NO_YASGUI", "1")
    saved = catalogue()["project-budget"]
    page = client.get("/?" + urlencode({"query": saved.text})).get_data(as_text=True)
    box = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and html.unescape(box.group(1)) == saved.text


# --- answers and formats -----------------------------------------------------------------------

def test_json_is_the_default_for_no_accept_for_any_and_for_a_browser(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (None, "*/*", browser):
        response = client.get("/api/queries/project-budget",
                              headers={"Accept": accept} if accept else {})
        assert response.status_code == 200, accept
        assert response.mimetype == "application/sparql-results+json", accept
        assert response.get_json()["head"]["vars"][0] == "project"
        assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize(("accept", "media", "start"), [
    ("text/csv", "text/csv", "project,amount,component"),
    ("text/tab-separated-values", "text/tab-separated-values", "?project\t?amount"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml"),
    ("application/json", "application/json", '{"head"'),
    ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json", '{"head"'),
])
def test_every_sparql_results_format_by_content_negotiation(client, accept, media, start):
    response = client.get("/api/queries/project-budget", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert response.get_data(as_text=True).startswith(start)


def test_format_overrides_accept_and_unknown_formats_are_refused(client):
    response = client.get("/api/queries/project-budget?format=csv",
                          headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "project" and len(rows) > 1
    refused = client.get("/api/queries/project-budget?format=turtle")
    assert refused.status_code == 400 and "format 'turtle'" in refused.get_json()["message"]


def test_an_unacceptable_accept_header_gets_406(client):
    response = client.get("/api/queries/project-budget", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.get_json()["message"]


def test_defaults_apply_and_a_given_value_replaces_them(client):
    default = client.get("/api/queries/project-budget").get_json()
    given = client.get("/api/queries/project-budget?" + urlencode({"project": KYUSTENDIL})).get_json()
    projects = {row["project"]["value"] for row in default["results"]["bindings"]}
    assert projects == {ID + "project/BG05M9OP001-2.056-0025"}
    assert {row["project"]["value"] for row in given["results"]["bindings"]} == {KYUSTENDIL}


def test_allowed_values_are_enforced(client):
    english = client.get("/api/queries/organisations-by-name?text=school&language=en").get_json()
    assert english["results"]["bindings"]
    assert {row["name"]["xml:lang"] for row in english["results"]["bindings"]} == {"en"}
    refused = client.get("/api/queries/organisations-by-name?language=fr")
    assert refused.status_code == 400
    assert refused.get_json()["message"] == "parameter 'language': 'fr' is not one of bg, en"


# --- wrong calls ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("query_string", "reason"), [
    ("project=a&project=b", "parameter 'project' is given 2 times"),
    ("who=x", "project-budget has no parameter who; known: project"),
    ("project=not-an-iri", "parameter 'project': 'not-an-iri' is not an absolute IRI"),
    ("project=", "parameter 'project': '' is not an absolute IRI"),
    ("project=ftp://example.org/x", "is not an absolute IRI"),
    ("format=csv&format=json", "parameter 'format' is given 2 times"),
])
def test_a_wrong_parameter_gets_400_with_the_reason_as_json(client, query_string, reason):
    response = client.get("/api/queries/project-budget?" + query_string)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "bad request" and reason in body["message"]


def test_an_unknown_query_gets_404_as_json(client):
    response = client.get("/api/queries/no-such-query")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert "no saved query 'no-such-query'" in response.get_json()["message"]


def test_the_parameter_checks_follow_the_declared_types():
    from kg.query.catalogue import Parameter

    integer = Parameter("n", "integer")
    assert integer.bind("-12").toPython() == -12
    for wrong in ("1.5", "²", "١٢", "12 ", "0x1f", ""):
        with pytest.raises(ParameterError, match="not an integer"):
            integer.bind(wrong)
    decimal = Parameter("amount", "decimal")
    assert str(decimal.bind("1589270.65")) == "1589270.65"
    for wrong in ("nan", "inf", "1e5", "1,5", "--1"):
        with pytest.raises(ParameterError, match="not a decimal"):
            decimal.bind(wrong)
    day = Parameter("day", "date")
    assert str(day.bind("2022-02-28")) == "2022-02-28"
    for wrong in ("2022-02-30", "2022-2-3", "28.02.2022"):
        with pytest.raises(ParameterError, match="not a date"):
            day.bind(wrong)
    with pytest.raises(ParameterError, match="control characters"):
        Parameter("text", "string").bind("a\nb")
    with pytest.raises(ParameterError, match="at most 2000"):
        Parameter("text", "string").bind("x" * 2001)


def test_no_saved_query_declares_a_reserved_or_unprojected_parameter():
    """pyoxigraph substitutes only projected variables; ``format`` belongs to the API."""
    empty = ox.Store()
    for saved in catalogue().values():
        for parameter in saved.parameters:
            assert parameter.name != "format"
            term = ox.NamedNode("http://example.org/x") if parameter.type == "iri" \
                else ox.Literal(parameter.default or "1")
            empty.query(saved.text, substitutions={ox.Variable(parameter.name): term})


# --- the OpenAPI document --------------------------------------------------------------------

def test_the_openapi_document_validates(openapi):
    validate_openapi(openapi)
    assert openapi["openapi"].startswith("3.1")


def test_every_saved_query_is_an_operation_with_its_typed_parameters(openapi):
    for name, saved in catalogue().items():
        operation = openapi["paths"][f"/api/queries/{name}"]["get"]
        assert operation["summary"] == saved.title
        assert saved.description in operation["description"]
        assert saved.title_bg in operation["description"]
        declared = {parameter["name"]: parameter for parameter in operation["parameters"]
                    if "name" in parameter}
        for parameter in saved.parameters:
            described = declared[parameter.name]
            assert described["in"] == "query"
            assert described["required"] is (parameter.default is None)
            assert described["schema"]["type"] in ("string", "integer")
            assert described["schema"].get("default") == parameter.default
            assert described["example"] == parameter.default
            if parameter.allowed:
                assert described["schema"]["enum"] == list(parameter.allowed)
            if parameter.type == "iri":
                assert described["schema"]["format"] == "iri"
            for text in (parameter.description, parameter.description_bg):
                assert text in described["description"]
        assert {"$ref": "#/components/parameters/format"} in operation["parameters"]
        content = operation["responses"]["200"]["content"]
        assert set(content) >= {"application/sparql-results+json", "text/csv",
                                "application/sparql-results+xml", "text/tab-separated-values"}
        assert operation["responses"]["400"] == {"$ref": "#/components/responses/BadRequest"}


def test_the_openapi_document_is_deterministic(client):
    assert client.get("/api/openapi.json").data == client.get("/api/openapi.json").data


# --- against a real server ----------------------------------------------------------------------

def _example_url(base: str, path: str, operation: dict, openapi: dict) -> str:
    """The call exactly as the operation's parameter examples say."""
    values = {}
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            continue
        if "example" in parameter:
            values[parameter["name"]] = parameter["example"]
        else:
            assert not parameter["required"], f"{path}: required {parameter['name']} has no example"
    return base + path + (f"?{urlencode(values)}" if values else "")


def test_every_operation_answers_200_when_called_as_its_example_says(base_url, openapi):
    schemas = {"components": openapi["components"]}
    for path, item in openapi["paths"].items():
        if "get" not in item:
            continue  # POST /api/ingest: off by default (tests/test_ingest_api.py)
        operation = item["get"]
        url = _example_url(base_url, path, operation, openapi)
        status, content_type, body = fetch(url)
        assert status == 200, (url, body[:300])
        media = content_type.split(";")[0]
        schema = operation["responses"]["200"]["content"][media]["schema"]
        Draft202012Validator({**schema, **schemas}).validate(json.loads(body))
        if path.startswith("/api/queries/"):
            assert json.loads(body)["results"]["bindings"], f"{url} answers no rows"
            status, content_type, body = fetch(url, "text/csv")
            assert status == 200 and content_type.startswith("text/csv")
            assert len(body.decode("utf-8").splitlines()) > 1


def _non_default_calls() -> list[tuple[str, dict[str, str]]]:
    calls = [(name, {}) for name in catalogue()]
    calls += [("actions-by-institution", {"institution": ID + "org/dbt-kyustendil"}),
              ("project-budget", {"project": KYUSTENDIL}),
              ("organisations-by-name", {"text": "school", "language": "en"}),
              ("fact-provenance", {"subject": ID + "org/ou-prof-marin-drinov-kyustendil"})]
    return calls


@pytest.mark.parametrize(("name", "given"), _non_default_calls(),
                         ids=lambda value: value if isinstance(value, str) else "-".join(value))
def test_the_api_answers_the_same_rows_as_sparql_with_the_same_bindings(base_url, name, given):
    saved = catalogue()[name]
    status, _, body = fetch(f"{base_url}/api/queries/{name}?{urlencode(given)}")
    assert status == 200, body[:300]
    through_api = json.loads(body)
    through_sparql = sparql(base_url, saved.text_with_values(saved.bindings(given)))
    assert through_api["head"]["vars"] == through_sparql["head"]["vars"]
    assert through_api["results"]["bindings"], f"{name} {given}: no rows"
    assert canonical_rows(through_api) == canonical_rows(through_sparql)


def test_the_query_page_link_runs_the_same_query_as_the_example(base_url, client):
    for entry in client.get("/api/queries").get_json()["queries"]:
        text = parse_qs(urlsplit(entry["query_page"]).query)["query"][0]
        _, _, body = fetch(base_url + entry["example"])
        assert canonical_rows(json.loads(body)) == canonical_rows(sparql(base_url, text)), entry["name"]


INJECTIONS = ['"> } ; DROP ALL ; SELECT * { ?s ?p ?o } #',
              "x\" ) } UNION { ?organisation ?p ?name } #",
              "') } } LIMIT 1 #",
              "{ ?s ?p ?o } \\\" ' >",
              "%3E } DROP"]


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_an_injection_attempt_in_a_literal_is_bound_as_one_harmless_literal(base_url, attempt):
    status, _, body = fetch(f"{base_url}/api/queries/organisations-by-name?"
                            + urlencode({"text": attempt}))
    assert status == 200, body[:300]
    answer = json.loads(body)
    # the query's shape is unchanged: the same variables, and ?text is exactly the value given
    assert answer["head"]["vars"] == ["text", "language", "organisation", "name", "officialName", "kind"]
    for row in answer["results"]["bindings"]:
        assert row["text"] == {"type": "literal", "value": attempt}
    assert answer["results"]["bindings"] == []  # no organisation is named like that
    status, _, _ = fetch(f"{base_url}/api/queries/organisations-by-name")
    assert status == 200  # and the store still answers


@pytest.mark.parametrize("attempt", [
    ID + "x> } ; DROP ALL ; SELECT * { <a",
    ID + "project/with space",
    ID + "project/a>b",
    ID + 'a"b',
    ID + "a{b}",
    ID + "a\\u003e",
    "javascript:alert(1)",
    ID + "a\nb",
])
def test_an_injection_attempt_in_an_iri_is_refused(base_url, attempt):
    status, content_type, body = fetch(f"{base_url}/api/queries/project-budget?"
                                       + urlencode({"project": attempt}))
    assert status == 400 and content_type.startswith("application/json")
    assert "is not an absolute IRI" in json.loads(body)["message"]

