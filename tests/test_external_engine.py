"""An external engine: `kg publish --to` a real Oxigraph server, and `kg serve --store URL`
answering like the embedded store."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from answers import canonical_rows

from kg.cli import main
from kg.common.errors import KgError
from kg.publish.remote import publish_to
from kg.query.catalogue import catalogue
from kg.query.run import run_saved_on_store
from kg.records import iris
from kg.records.corpus import load_corpus
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore
from kg.store.results import QuerySyntaxError
from tests.oxigraph_server import oxigraph_server
from tests.server_process import running_server

pytestmark = pytest.mark.needs("oxigraph")

COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@pytest.fixture(scope="module")
def engine(built):
    with oxigraph_server() as base:
        publish_to(built, f"{base}/store")
        yield base


@pytest.fixture(scope="module")
def local(built) -> OxigraphStore:
    return OxigraphStore.open_read_only(built / "store")


def test_publish_preserves_every_named_graph_and_its_triples(engine, local):
    remote = RemoteStore(f"{engine}/query")
    assert remote.graph_names() == local.graph_names()
    assert remote.query(COUNT_GRAPHS).rows() == local.query(COUNT_GRAPHS).rows()


def test_the_default_graph_is_the_union_as_a_set_like_the_embedded_store(engine, local):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert RemoteStore(f"{engine}/query").query(count).rows() == local.query(count).rows()


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_saved_query_answers_the_same_from_the_remote_engine(engine, local, name):
    remote = run_saved_on_store(RemoteStore(f"{engine}/query"), name).rows()
    assert canonical_rows(remote) == canonical_rows(run_saved_on_store(local, name).rows())


def test_republishing_switches_all_graphs_and_drops_the_ones_a_release_no_longer_has(built):
    stale = "https://w3id.org/bg-inclusion/graph/withdrawn-source"
    with oxigraph_server() as base:
        _update(base, f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:a> <urn:b> <urn:c> }} }}")
        publication = publish_to(built, f"{base}/store")
        names = RemoteStore(f"{base}/query").graph_names()
    assert publication.dropped == [stale]
    assert stale not in names
    assert not [name for name in names if name.startswith("urn:kg-publish:")]


def test_a_failed_publication_leaves_the_served_graphs_untouched(built, tmp_path):
    with oxigraph_server() as base:
        publish_to(built, f"{base}/store")
        before = RemoteStore(f"{base}/query").query(COUNT_GRAPHS).rows()
        with pytest.raises(KgError, match="answered 404"):
            publish_to(built, f"{base}/store", update_url=f"{base}/no-such-update-endpoint")
        remote = RemoteStore(f"{base}/query")
        assert remote.query(COUNT_GRAPHS).rows() == before


def test_publish_without_a_build_is_a_clear_error(tmp_path, capsys):
    assert main(["publish", "--build", str(tmp_path), "--to", "http://127.0.0.1:9/store"]) == 2
    assert "no store found" in capsys.readouterr().err


def test_an_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(KgError, match="cannot reach"):
        RemoteStore("http://127.0.0.1:9/query", timeout=2).query("ASK {}")


def test_a_syntax_error_from_the_engine_is_a_query_syntax_error(engine):
    with pytest.raises(QuerySyntaxError):
        RemoteStore(f"{engine}/query").query("SELEKT * WHERE {}")


def test_kg_serve_with_a_remote_store_serves_the_same_answers(engine, local, tmp_path, data_dir):
    query = ("SELECT ?c WHERE { ?c a <https://w3id.org/bg-inclusion/ontology#GrantContract> } ORDER BY ?c")
    with running_server(["--store", f"{engine}/query", "--build", str(tmp_path)]) as base:
        request = urllib.request.Request(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            bindings = json.load(response)["results"]["bindings"]
    served = [row["c"]["value"] for row in bindings]
    assert served == [row[0][1:-1] for row in local.query(query).rows()]
    assert set(served) == {str(iris.thing(record.id)) for record in load_corpus(data_dir).records
                           if record.type.name == "Contract"}  # one per contract record, none lost


def _update(base: str, text: str) -> None:
    request = urllib.request.Request(f"{base}/update", data=urllib.parse.urlencode({"update": text}).encode(),
                                     method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass
