"""The one table of formats (kg/common/formats.py): consistent with rdflib and pyoxigraph, every
name of a format leads back to it, and the server offers exactly what it offered before the
table existed, in the same order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result

from kg.cli import build_parser
from kg.common import formats
from kg.common.formats import FORMATS, GRAPH, RESULTS
from kg.common.rdf_input import RdfInputError, format_of, read_rdf_file
from kg.store.oxigraph import OxigraphStore
from kg.validate.report_output import OUTPUTS
from server import create_app
from server.http import formats as offered

EXAMPLE = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                  ox.Literal("й", language="bg"), ox.NamedNode("http://example.org/g"))
RDF_SYNTAXES = [fmt for fmt in FORMATS if fmt.is_graph]
RESULTS_FORMATS = [fmt for fmt in FORMATS if fmt.is_results]


def _ids(fmt: formats.Format) -> str:
    return fmt.key


def test_keys_names_and_extensions_each_lead_to_one_format():
    assert len({fmt.key for fmt in FORMATS}) == len(FORMATS)
    assert all(fmt.key in fmt.names for fmt in FORMATS if fmt.served)  # format=<key> always works
    extensions = [extension for fmt in RDF_SYNTAXES for extension in fmt.extensions]
    assert len(extensions) == len(set(extensions))
    for kind in (RESULTS, GRAPH):
        names = [name for fmt in formats.served(kind) for name in fmt.names]
        assert len(names) == len(set(names)), f"a {kind} name stands for two formats"


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt.oxigraph_name], ids=_ids)
def test_every_row_agrees_with_pyoxigraph(fmt):
    """Media type, written extension and named-graph support are pyoxigraph's own."""
    engine = fmt.oxigraph
    assert fmt.media_type == engine.media_type.split(";")[0]
    assert fmt.extension == "." + engine.file_extension
    if fmt.is_graph:
        assert fmt.keeps_graphs == engine.supports_datasets
        assert fmt.w3c_iri is None or fmt.w3c_iri.rsplit("/", 1)[-1] == engine.iri.rsplit("/", 1)[-1]
    else:
        assert fmt.w3c_iri == engine.iri


@pytest.mark.parametrize("kind", [RESULTS, GRAPH])
def test_every_offered_media_type_leads_to_a_format_and_back(kind):
    for fmt in formats.served(kind):
        assert formats.for_media_type(fmt.media_type, kind) is fmt
    for alias in formats.MEDIA_TYPE_ALIASES:
        key = alias.results_key if kind == RESULTS else alias.graph_key
        found = formats.for_media_type(alias.media_type, kind)
        assert (found.key if found else None) == key
    assert formats.for_media_type("text/html", kind) is None


def test_every_override_name_leads_to_its_format_and_its_media_type():
    table = formats.override_table()
    for fmt in FORMATS:
        for name in fmt.names:
            results_key, graph_key = table[name]
            assert (results_key if fmt.is_results else graph_key) == fmt.key
            assert formats.by_key(fmt.key).media_type == fmt.media_type
    for kind, position in ((RESULTS, 0), (GRAPH, 1)):
        for media_type in formats.offers(kind):
            assert table[media_type][position] == formats.for_media_type(media_type, kind).key


@pytest.mark.parametrize("fmt", RDF_SYNTAXES, ids=_ids)
def test_every_rdf_extension_parses_with_rdflib_and_pyoxigraph(fmt, tmp_path):
    """A file written in the format, under each of its extensions, reads back by extension
    alone: with rdflib (kg validate FILE) and with pyoxigraph (kg serve FILE)."""
    for extension in fmt.extensions:
        path = tmp_path / f"data{extension}"
        path.write_bytes(_written(fmt))
        assert format_of(path) is fmt
        graphs = read_rdf_file(path)
        assert {(str(s), str(p), str(o)) for graph in graphs.values() for s, p, o in graph} \
            == {("http://example.org/s", "http://example.org/p", "й")}
        if fmt.keeps_graphs:
            assert "http://example.org/g" in {str(name) for name in graphs}
        if fmt.oxigraph_name is not None:
            store = OxigraphStore.from_files([path])
            assert store.query("SELECT ?o WHERE { ?s ?p ?o }").rows() == [('"й"@bg',)]


def _written(fmt: formats.Format) -> bytes:
    """The example statement in ``fmt``, written by rdflib (in a named graph where it can be)."""
    dataset = Dataset()
    graph = dataset.graph(URIRef(EXAMPLE.graph_name.value)) if fmt.keeps_graphs else dataset.default_graph
    graph.add((URIRef(EXAMPLE.subject.value), URIRef(EXAMPLE.predicate.value), Literal("й", lang="bg")))
    return (dataset if fmt.keeps_graphs else graph).serialize(format=fmt.rdflib_name, encoding="utf-8")


@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=_ids)
def test_every_results_format_parses_back_with_rdflib_and_pyoxigraph(fmt, tmp_path):
    store = ox.Store()
    store.add(EXAMPLE)
    path = tmp_path / f"answer{fmt.extension}"
    store.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }").serialize(str(path), format=fmt.results_format)
    if fmt.key != "csv":  # pyoxigraph refuses to read CSV results back: they are lossy
        [solution] = list(ox.parse_query_results(path=str(path), format=fmt.results_format))
        assert solution["o"].value == "й"
    with path.open("rb") as answer:
        [row] = list(Result.parse(answer, format=fmt.rdflib_name))
    assert str(row[0]) == "й"


def test_a_user_may_name_a_syntax_by_key_rdflib_name_extension_or_override_name():
    assert formats.input_format("n3").key == "n3"  # the N3 syntax itself, not Turtle
    assert formats.input_format("xml").key == "rdfxml"
    assert formats.input_format("json").key == "jsonld"
    assert formats.input_format(".TTL").key == "turtle"
    assert formats.input_format("nq").key == "nquads"
    assert formats.input_format("rdf/xml").key == "rdfxml"
    assert formats.input_format("csv") is None  # a results format is no RDF syntax
    assert formats.for_extension(Path("a/b.NT")).key == "ntriples"
    assert formats.for_extension("a/b.unknown") is None


def test_an_unknown_format_in_names_the_syntaxes_there_are():
    with pytest.raises(RdfInputError) as refused:
        format_of(Path("data.ttl"), "turtel")
    assert "turtel" in str(refused.value)
    assert all(fmt.key in str(refused.value) for fmt in RDF_SYNTAXES)
    assert format_of(Path("data.ttl"), "nt").key == "ntriples"  # named, not guessed


def test_the_command_line_offers_what_the_commands_write():
    [commands] = [action for action in build_parser()._actions if action.dest == "command"]
    validate = commands.choices["validate"]
    [report_format] = [action for action in validate._actions if action.dest == "format"]
    assert tuple(report_format.choices) == OUTPUTS
    export = commands.choices["export"]
    [export_formats] = [action for action in export._actions if action.dest == "formats"]
    assert export_formats.default == "ttl,trig,nt,nq,rdf,jsonld,csv"


def test_a_results_format_has_no_rdf_syntax_and_the_reverse():
    with pytest.raises(ValueError):
        _ = formats.by_key("json").rdf_format
    with pytest.raises(ValueError):
        _ = formats.by_key("turtle").results_format
    with pytest.raises(ValueError):
        _ = formats.by_key("trix").rdf_format  # pyoxigraph reads no TriX


# What /sparql offered before the table existed (server/http/formats.py of the first release): a
# client gets the same answer for the same Accept header, ties included.
OFFERED_BEFORE = {
    RESULTS: ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
              "text/tab-separated-values", "application/json", "application/xml", "text/xml",
              "text/plain"],
    GRAPH: ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
            "application/trig", "application/n-quads", "application/json", "application/xml",
            "text/plain", "application/x-turtle", "text/n3"],
}


def test_the_endpoints_offer_what_they_offered_in_the_same_order():
    assert OFFERED_BEFORE[RESULTS] == offered.RESULT_OFFERS
    assert OFFERED_BEFORE[GRAPH] == offered.GRAPH_OFFERS
    assert offered.PAGE_OFFERS == ["text/html", "text/turtle", "application/ld+json",
                                   "application/n-triples", "application/rdf+xml"]
    assert offered.PAGE_EXTENSIONS == {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples",
                                       ".rdf": "rdfxml", ".html": "html"}
    assert offered.DESCRIPTION_OFFERS == ["text/turtle", "application/ld+json", "application/rdf+xml",
                                          "application/n-triples"]
    assert offered.API_TABLE_OFFERS == ["application/sparql-results+json", "application/json", "text/csv",
                                        "application/sparql-results+xml", "text/tab-separated-values"]
    assert OFFERED_BEFORE[GRAPH][:6] == offered.API_GRAPH_OFFERS


def test_the_overrides_are_those_accepted_before():
    names = sorted(value for value in offered.OVERRIDES if "/" not in value)
    assert names == sorted(["json", "srj", "xml", "srx", "csv", "tsv", "turtle", "ttl", "n3", "jsonld",
                            "json-ld", "nt", "ntriples", "n-triples", "rdfxml", "rdf", "rdf+xml", "trig",
                            "nquads", "n-quads"])
    assert offered.OVERRIDES["json"] == ("json", "jsonld")
    assert offered.OVERRIDES["text/plain"] == ("tsv", "ntriples")
    assert offered.OVERRIDES["rdf/xml"] == (None, "rdfxml")
    assert set(offered.OVERRIDES) >= set(OFFERED_BEFORE[RESULTS]) | set(OFFERED_BEFORE[GRAPH])


def test_the_command_line_reads_the_table_without_rdflib_or_pyoxigraph():
    """`python -m kg assets` runs before pip has installed anything but the standard library."""
    check = ("import sys, kg.cli; kg.cli.build_parser(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyoxigraph')))")
    output = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    assert output.strip() == "[]"


@pytest.fixture(scope="module")
def client(built):
    app = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)
    return app.test_client()


@pytest.mark.parametrize("path, offers", [
    ("/sparql?query=ASK%7B%7D", offered.RESULT_OFFERS),
    ("/sparql?query=CONSTRUCT%7B%3Fs%20%3Fp%20%3Fo%7DWHERE%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%201",
     offered.GRAPH_OFFERS),
    ("/sparql", offered.DESCRIPTION_OFFERS),
    ("/.well-known/void", offered.DESCRIPTION_OFFERS),
    ("/id/org/group-npo", offered.PAGE_OFFERS),
    ("/ontology", offered.PAGE_OFFERS),
    ("/api/queries/project-budget", offered.API_TABLE_OFFERS),
])
def test_every_endpoint_answers_406_alike_listing_its_offers(client, path, offers):
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.get_json() == {"error": "not acceptable", "message": (
        "none of the offered media types is acceptable: " + ", ".join(offers))}


@pytest.mark.parametrize("path, media_type", [
    ("/sparql?query=ASK%7B%7D&format=tsv", "text/tab-separated-values"),
    ("/id/org/group-npo.nt", "application/n-triples"),
    ("/ontology.jsonld", "application/ld+json"),
    ("/context.jsonld", "application/ld+json"),
])
def test_answers_say_their_media_type_and_utf8(client, path, media_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"


def test_the_query_pages_download_buttons_ask_for_offered_formats_by_their_extensions(client):
    page = client.get("/").get_data(as_text=True)
    buttons = json.loads(re.search(r"window\.KG_DOWNLOADS = (.*);", page).group(1))
    for kind, position in (("results", 0), ("graph", 1)):
        for value, _label, extension in buttons[kind]:
            key = offered.OVERRIDES[value][position]
            assert key is not None and formats.by_key(key).extension == "." + extension
