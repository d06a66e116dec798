"""HTML views of hostile data: every literal and IRI escaped, no ``javascript:`` link, invisible
and direction-changing characters shown, safety headers on every page; JSON errors, no debug."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.oxigraph import OxigraphStore
from server import create_app

ID = "https://w3id.org/bg-inclusion/id/project/evil"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HOSTILE = f"""
<{ID}> <{LABEL}> "<script>alert('label')</script>"@bg .
<{ID}> <http://purl.org/dc/terms/description> "safe\u202etxt.exe" .
<{ID}> <http://purl.org/dc/terms/title> "zero\u200bwidth" .
<{ID}> <http://xmlns.com/foaf/0.1/page> <javascript:alert(1)> .
<{ID}> <http://purl.org/dc/terms/alternative> "\\"><img src=x onerror=alert(1)>" .
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("hostile")) / "hostile.nt"
    path.write_text(HOSTILE, encoding="utf-8")
    app = create_app(OxigraphStore.from_files([path]), build_dir=path.parent)
    yield app.test_client()
    app.config["KG_STORE"].close()


def page(client) -> str:
    response = client.get("/id/project/evil", headers={"Accept": "text/html"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_script_in_a_literal_is_shown_as_text(client):
    html = page(client)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in html


def test_a_javascript_iri_is_never_a_link(client):
    html = page(client)
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert(1)" in html  # shown, as text


def test_markup_in_a_literal_cannot_open_a_tag(client):
    html = page(client)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_bidi_and_zero_width_characters_are_shown(client):
    html = page(client)
    assert "\u202e" not in html and "\u200b" not in html
    assert "⟨U+202E⟩" in html and "⟨U+200B⟩" in html


def test_every_response_has_nosniff_csp_and_no_framing(client):
    for path in ("/id/project/evil", "/ontology", "/sparql?query=ASK%7B%7D", "/nowhere"):
        headers = client.get(path, headers={"Accept": "text/html"}).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"


def test_the_query_page_scripts_carry_this_responses_nonce(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.get_data(as_text=True)
    assert html.count("<script nonce=") == html.count("<script>") + html.count("<script nonce=")
    assert f'nonce="{nonce}"' in html


def test_an_unexpected_error_is_json_without_a_traceback(tmp_path):
    path = tmp_path / "small.nt"
    path.write_text(HOSTILE.splitlines()[1] + "\n", encoding="utf-8")
    app = create_app(OxigraphStore.from_files([path]), build_dir=tmp_path)
    client = app.test_client()

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom-for-test")
    assert response.status_code == 500 and response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body
    assert app.debug is False
    app.config["KG_STORE"].close()
