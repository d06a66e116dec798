"""The text index (kg.store.text_index) and search: /api/search, the /search page, the index
beside each build and each published generation.

Ranking, transliteration, case folding, prefixes and the kind filter on the bundled build;
bad input gets 400; after a publish the server searches the new generation's index only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from kg.publish.generations import flip, load_generation, prune, stores_dir
from kg.store import text_index
from kg.store.oxigraph import OxigraphStore
from kg.store.text_index import SearchQueryError, fold, index_path, latin, parse_query
from server import create_app
from server.workers.worker import StoreSource

ID = "https://w3id.org/bg-inclusion/id/"
KYUSTENDIL = ID + "place/kyustendil"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def app(built):
    return create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def hits(client, **params) -> list[dict]:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()["hits"]


# --- folding and parsing ---------------------------------------------------------------------------

def test_fold_lowers_cyrillic_and_drops_marks_and_quotes_but_keeps_short_i():
    assert fold("КЮСТЕНДИЛ") == "кюстендил"
    assert fold("тя ѝ даде") == "тя и даде"          # ѝ (U+045D) is и with a grave
    assert fold("Ёлка") == "елка"
    assert fold("район") == "район"                  # й is a letter of its own
    assert fold("„Равни възможности“ — «2020»") == "равни възможности 2020"
    assert fold("Café  Zürich") == "cafe zurich"


def test_latin_is_the_official_transliteration_of_the_folded_text():
    assert latin("Кюстендил") == latin("KYUSTENDIL") == "kyustendil"
    assert latin("България") == "balgaria"  # ъ is a, as the Act writes it


def test_the_last_word_and_starred_words_are_prefixes():
    terms = parse_query("Кюст* обл")
    assert terms.words == ("кюст", "обл") and terms.prefix == (True, True)
    assert parse_query("община ").prefix == (False,)  # a space after it: the word is complete
    assert parse_query("Кюстендил").latin == ("kyustendil",)


@pytest.mark.parametrize("text", ["", "   ", "!!! ---", "a" * 201, "a\x00b",
                                  " ".join(["дума"] * 13)])
def test_a_query_without_words_or_over_the_limits_is_refused(text):
    with pytest.raises(SearchQueryError):
        parse_query(text)


def test_without_fts5_the_index_says_so(monkeypatch):
    class NoFts:
        def __init__(self, *_args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            return False

        def execute(self, _sql):
            raise text_index.sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(text_index.sqlite3, "connect", NoFts)
    with pytest.raises(text_index.SearchUnavailableError, match="FTS5"):
        text_index.check_fts5()


# --- the bundled build -----------------------------------------------------------------------------

def test_the_build_writes_the_index_beside_its_store(built):
    assert index_path(built / "store") == built / "store.search.sqlite"
    assert (built / "store.search.sqlite").is_file()


def test_an_exact_name_ranks_above_names_that_only_contain_it(client):
    found = hits(client, q="Кюстендил", limit=20)
    assert found[0]["iri"] == KYUSTENDIL or found[0]["label"] == "Кюстендил"
    assert KYUSTENDIL in [hit["iri"] for hit in found[:2]]
    flags = [hit["exact"] for hit in found]
    assert flags[0] and flags == sorted(flags, reverse=True), flags  # every exact hit first
    partial = next(i for i, hit in enumerate(found) if hit["label"] == "Община Кюстендил")
    exact = next(i for i, hit in enumerate(found) if hit["iri"] == KYUSTENDIL)
    assert exact < partial


@pytest.mark.parametrize("text", ["Kyustendil", "kyustendil", "KYUSTENDIL", "кюстендил",
                                  "КЮСТЕНДИЛ", "Кюстендил ", "kyust", "Кюст*", "„Кюстендил“"])
def test_latin_and_any_case_and_prefixes_find_kyustendil(client, text):
    found = hits(client, q=text, limit=10)
    assert KYUSTENDIL in [hit["iri"] for hit in found], [hit["label"] for hit in found]


def test_a_hit_has_its_kind_its_linked_data_link_a_snippet_and_a_score(client):
    hit = next(hit for hit in hits(client, q="Kyustendil") if hit["iri"] == KYUSTENDIL)
    assert hit["kind"] == "Place" and "Town" in hit["kinds"]
    assert hit["href"] == "/id/place/kyustendil" and client.get(hit["href"]).status_code == 200
    assert "[Кюстендил]" in hit["snippet"] and hit["score"] > 0


def test_activity_texts_are_found_and_the_kind_filter_keeps_one_class_and_its_subclasses(client):
    activities = hits(client, q="обучение", kind="Activity", limit=50)
    assert activities and all("Activity" in hit["kinds"] for hit in activities)
    assert {hit["kind"] for hit in activities} == {"Activity"}  # not every prov:Activity (projects)
    organisations = hits(client, q="Kyustendil", kind="Organisation", limit=100)
    kinds = {hit["kind"] for hit in organisations}
    assert "Organisation" in kinds and len(kinds) > 2, kinds  # Kindergarten, Municipality, …
    assert all("Organisation" in hit["kinds"] for hit in organisations)
    projects = hits(client, q="Kyustendil", kind="Project")
    assert projects and all(hit["kind"] == "Project" for hit in projects)
    assert hits(client, q="Kyustendil", kind="NoSuchClass") == []


def test_every_word_must_match(client):
    both = hits(client, q="Община Кюстендил ", limit=100)
    assert both[0]["exact"] and both[0]["label"] == "Община Кюстендил"
    assert all("[" in hit["snippet"] for hit in both)
    assert len(both) < len(hits(client, q="Кюстендил ", limit=100))
    assert hits(client, q="Кюстендил Зъбзъбзъб") == []


@pytest.mark.parametrize("query", [
    {}, {"q": ""}, {"q": "   "}, {"q": "!!"}, {"q": "a" * 201}, {"q": "a", "limit": "0"},
    {"q": "a", "limit": "101"}, {"q": "a", "limit": "ten"}, {"q": "a", "limit": "-1"},
    {"q": "a", "kind": "<x>"}, {"q": "a", "kind": "1abc"}, {"q": "a", "other": "1"},
    {"q": ["a", "b"]}, {"q": "a\x01"},
])
def test_bad_input_gets_400_with_the_reason_as_json(client, query):
    response = client.get("/api/search", query_string=query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] and body["message"]


def test_the_answer_matches_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    validate_openapi(document)
    operation = document["paths"]["/api/search"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"q", "limit", "kind"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    answer = client.get("/api/search?q=Kyustendil&limit=5").get_json()
    Draft202012Validator(schema).validate(answer)


def test_the_search_page_works_without_javascript(client):
    page = client.get("/search", query_string={"q": "Kyustendil"}).get_data(as_text=True)
    assert '<a href="/id/place/kyustendil">Кюстендил</a>' in page
    assert "<mark>Кюстендил</mark>" in page
    assert client.get("/search", query_string={"q": "x" * 300}).status_code == 400
    empty = client.get("/search")
    assert empty.status_code == 200 and 'name="q"' in empty.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/id/place/kyustendil", "/api", "/search"])
def test_every_page_has_the_search_box(client, path):
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<form id="search-form" class="search" role="search" method="get" action="/search">' in page
    assert '<script src="/static/search-box.js" defer></script>' in page


def test_search_is_rate_limited_like_every_route(built):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built,
                     config={"KG_RATE_LIMIT": 1, "KG_RATE_BURST": 2})
    client = app.test_client()
    statuses = [client.get("/api/search?q=Kyustendil").status_code for _ in range(5)]
    assert statuses[0] == 200 and 429 in statuses


def test_without_an_index_search_is_503_and_says_why(built, tmp_path):
    shutil.copytree(built / "store", tmp_path / "store")
    app = create_app(OxigraphStore.open_read_only(tmp_path / "store"), build_dir=tmp_path)
    response = app.test_client().get("/api/search?q=Kyustendil")
    assert response.status_code == 503 and "kg build" in response.get_json()["message"]


# --- generations ---------------------------------------------------------------------------------

def _release_with_label(built: Path, target: Path, label: str) -> Path:
    """The bundled kg.nq with one more name on Kyustendil, in its source graph."""
    graph = "https://w3id.org/bg-inclusion/graph/nuts-2021-bg"
    extra = f'<{KYUSTENDIL}> <{LABEL}> "{label}"@bg <{graph}> .\n'
    target.write_text(built.joinpath("kg.nq").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return target


def test_a_search_after_a_publish_reads_the_new_generation_and_not_the_old(built, tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    old = load_generation(_release_with_label(built, tmp_path / "old.nq", "Старослива"), build, True)
    new = load_generation(_release_with_label(built, tmp_path / "new.nq", "Новослива"), build, True)
    stores = stores_dir(build)
    assert index_path(stores / old.generation).is_file() and index_path(stores / new.generation).is_file()
    flip(build, old.generation)
    app = create_app(OxigraphStore.open_read_only(stores / old.generation), build_dir=build)
    client = app.test_client()
    assert [hit["iri"] for hit in hits(client, q="Starosliva")] == [KYUSTENDIL]
    assert hits(client, q="Новослива") == []

    flip(build, new.generation)
    app.config["KG_STORE"].reload(StoreSource("oxigraph-dir", path=str(stores / new.generation),
                                              label=new.generation), expected_quads=new.quads)
    answer = client.get("/api/search?q=Novosliva").get_json()
    assert answer["generation"] == new.generation
    assert [hit["iri"] for hit in answer["hits"]] == [KYUSTENDIL]
    assert hits(client, q="Старослива") == []

    third = load_generation(_release_with_label(built, tmp_path / "third.nq", "Третаслива"), build, True)
    flip(build, third.generation)
    assert prune(build, keep=2) == [old.generation]
    assert not index_path(stores / old.generation).exists()  # pruned with its store


def _rows(index: Path) -> list[list]:
    import sqlite3

    connection = sqlite3.connect(index)
    try:
        return [connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("entry", "name_key", "meta")] + [connection.execute(
                    "SELECT rowid, name, text, name_latin, text_latin FROM fts ORDER BY rowid").fetchall()]
    finally:
        connection.close()


def test_the_index_of_a_sorted_release_is_streamed_and_an_unsorted_one_gives_the_same(built, tmp_path):
    """A release's kg.nq is sorted, so the index is written resource by resource (2.8 GB less at
    100 000 contracts); the same quads in another order take the in-memory path to the same index."""
    lines = (built / "kg.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    last = next(line.split(" ", 1)[0] for line in reversed(lines)
                if line.startswith("<https://w3id.org/bg-inclusion/id/") and "rdf-syntax-ns#type>" in line)
    block = [line for line in lines if line.split(" ", 1)[0] == last]  # the last resource's quads
    shuffled = tmp_path / "shuffled.nq"  # that resource first: out of order, each still in one block
    shuffled.write_text("".join(block + [line for line in lines if line not in block]), encoding="utf-8")
    with pytest.raises(text_index._UnsortedError):  # so the in-memory path is the one tried below
        list(text_index._grouped_entries(text_index._relevant_quads(shuffled)))
    streamed = text_index.write_index(built / "kg.nq", tmp_path / "sorted.sqlite")
    in_memory = text_index.write_index(shuffled, tmp_path / "unsorted.sqlite")
    assert streamed == in_memory > 0
    assert _rows(tmp_path / "sorted.sqlite") == _rows(tmp_path / "unsorted.sqlite")
