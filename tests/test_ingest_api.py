"""POST /api/ingest: off by default (404 as JSON); when an operator turns it on, a draft as
JSON for text/plain or text/html, and nothing written anywhere."""

from __future__ import annotations

import pytest

from kg.common import paths
from kg.store.oxigraph import OxigraphStore
from server import create_app

TEXT = ("Община Джебел изпълнява проект „Патронажна грижа + в община Джебел“, договор "
        "BG05M9OP001-6.002-0199-C01. Стойността на проекта е 118 003.24 лв.\n")


@pytest.fixture(scope="module")
def store(built):
    return OxigraphStore.open_read_only(built / "store")


def _client(store, built, **config):
    return create_app(store, build_dir=built, config=config).test_client()


def test_ingest_is_off_by_default(store, built):
    response = _client(store, built).post("/api/ingest", data=TEXT.encode(),
                                          content_type="text/plain; charset=utf-8")
    assert response.status_code == 404
    assert response.is_json and "allow-ingest" in response.get_json()["message"]


def test_when_on_it_returns_a_draft_and_writes_nothing(store, built, tmp_path):
    before = {path: path.stat().st_mtime_ns for path in paths.data_dir().rglob("*")}
    client = _client(store, built, KG_ALLOW_INGEST=True)
    response = client.post("/api/ingest", data=TEXT.encode(), content_type="text/plain")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    ids = {record["id"] for record in body["records"]}
    assert "contract/BG05M9OP001-6.002-0199-C01" in ids
    assert all(record["curation"] == "draft" for record in body["records"])
    assert "curation: draft" in body["yaml"] and body["source"]["sha256"]
    after = {path: path.stat().st_mtime_ns for path in paths.data_dir().rglob("*")}
    assert before == after


def test_when_on_html_is_read_and_bad_input_is_a_json_error(store, built):
    client = _client(store, built, KG_ALLOW_INGEST=True)
    html = f"<html><body><p>{TEXT}</p></body></html>".encode()
    response = client.post("/api/ingest", data=html, content_type="text/html")
    assert response.status_code == 200
    assert "<p>" not in response.get_json()["yaml"]
    for data, media, status in [(b"\x00\x01binary", "text/plain", 400), (b"", "text/plain", 400),
                                (TEXT.encode(), "application/json", 415)]:
        response = client.post("/api/ingest", data=data, content_type=media)
        assert response.status_code == status and response.is_json


def test_the_openapi_document_describes_ingest(store, built):
    document = _client(store, built).get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/ingest"]["post"]
    assert set(operation["requestBody"]["content"]) == {"text/plain", "text/html"}
    assert "404" in operation["responses"]
