"""The stores: pyoxigraph on disk (the default) and rdflib in memory give the same answers."""

from __future__ import annotations

import pytest
from answers import canonical_rows

from kg.common.errors import KgError
from kg.query.catalogue import catalogue
from kg.query.run import run_saved_on_store
from kg.store.opening import open_store
from kg.store.oxigraph import OxigraphStore
from kg.store.rdflib_memory import RdflibStore
from kg.store.results import QuerySyntaxError


@pytest.fixture(scope="module")
def oxigraph(built) -> OxigraphStore:
    return OxigraphStore.open_read_only(built / "store")


@pytest.fixture(scope="module")
def memory(built) -> RdflibStore:
    return RdflibStore.from_files([built / "kg.nq"])


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_saved_query_gives_the_same_rows_on_both_stores(oxigraph, memory, name):
    on_disk = run_saved_on_store(oxigraph, name).rows()
    in_memory = run_saved_on_store(memory, name).rows()
    assert on_disk, f"{name} returns no rows"
    assert canonical_rows(on_disk) == canonical_rows(in_memory)


def test_both_stores_hold_the_same_named_graphs(oxigraph, memory):
    assert oxigraph.graph_names() == memory.graph_names()
    assert "https://w3id.org/bg-inclusion/graph/inferred" in oxigraph.graph_names()


def test_the_default_graph_is_the_union_of_all_graphs(oxigraph):
    result = oxigraph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows()[0][0].split('"')[1]) > 10000


def test_protocol_default_and_named_graphs_select_stored_graphs_only(oxigraph, memory):
    graph = "https://w3id.org/bg-inclusion/graph/vidin-integrated-approach"
    query = "ASK { ?x <https://w3id.org/bg-inclusion/ontology#participationIn> ?p }"
    for store in (oxigraph, memory):
        assert store.query(query, default_graph_uris=[graph]).rows() == [("true",)]
        assert store.query(query, default_graph_uris=["http://example.org/not-stored"]).rows() == \
            [("false",)]
        named = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                            named_graph_uris=[graph]).rows()
        assert named == [(f"<{graph}>",)]


def test_a_syntax_error_reports_line_and_column(oxigraph, memory):
    for store in (oxigraph, memory):
        with pytest.raises(QuerySyntaxError) as caught:
            store.query("SELECT * WHERE {\n  ?s ?p \n}")
        assert caught.value.line in (2, 3)


def test_a_store_from_user_files_serves_their_graphs(tmp_path):
    data = tmp_path / "mine.ttl"
    data.write_text("<http://example.org/a> <http://example.org/b> 'c' .\n", encoding="utf-8")
    for kind in ("oxigraph", "memory"):
        store = open_store(kind, files=[data])
        assert store.query("ASK { ?s ?p 'c' }").rows() == [("true",)]


def test_a_missing_build_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(KgError, match="run `kg build`"):
        open_store("oxigraph", build_dir=tmp_path)
    with pytest.raises(KgError, match="no such file"):
        open_store("oxigraph", files=[tmp_path / "nope.ttl"])
