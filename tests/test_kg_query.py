"""``kg query`` answers on the server's engine: the build's pyoxigraph store, read-only.

Every saved query, run as the command (``kg.cli.main``, in process), gives the answer ``/sparql``
of the real application (``server.create_app`` over the same store) gives for the same query
with the same parameter values, in SPARQL JSON and CSV; and byte for byte what
``/api/queries/NAME`` sends, which binds the values the same way. Then what the command does
with a wrong request (exit code 2 and a message saying what is wrong), and that it reads the
store while ``kg serve`` has it open.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from server_process import running_server

from kg.cli import main
from kg.query.catalogue import SavedQuery, catalogue
from kg.store.oxigraph import OxigraphStore
from server import create_app

REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/bg-inclusion/id/"
LABOUR_OFFICE = ID + "org/dbt-kyustendil"
ORDER_BY = re.compile(r"\bORDER\s+BY\s+(.+)$", re.I | re.M)
#: The separators of the saved queries' GROUP_CONCATs: the order of the parts is undefined.
CONCAT_SEPARATORS = (" | ", ", ")
MEDIA_TYPES = {"json": "application/sparql-results+json", "csv": "text/csv",
               "turtle": "text/turtle", "ntriples": "application/n-triples"}


@pytest.fixture(scope="module")
def client(built: Path):
    return create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built).test_client()


def kg_query(capsysbinary, *args: str) -> tuple[int, bytes, str]:
    """``kg query ARGS`` in process: the exit code, standard output, standard error."""
    code = main(["query", *args])
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode("utf-8")


def through_sparql(client, text: str, output_format: str) -> bytes:
    response = client.post("/sparql", data=text.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": MEDIA_TYPES[output_format]})
    assert response.status_code == 200, response.data[:300]
    assert "KG-Result-Truncated" not in response.headers, "the comparison needs whole answers"
    return response.data


def table_of(body: bytes, output_format: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    """The variables and the rows of a SPARQL JSON or CSV answer, cells as comparable values."""
    if output_format == "json":
        document = json.loads(body)
        names = document["head"]["vars"]
        return names, [tuple(_json_cell(row.get(name)) for name in names)
                       for row in document["results"]["bindings"]]
    names, *rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    return names, [tuple(_sorted_parts(value) for value in row) for row in rows]


def _json_cell(term: dict | None) -> str | None:
    if term is None:
        return None
    return "|".join((term["type"], _sorted_parts(term["value"]), term.get("datatype", ""),
                     term.get("xml:lang", "")))


def _sorted_parts(value: str) -> str:
    for separator in CONCAT_SEPARATORS:
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    return value


def assert_same_answer(saved: SavedQuery, ours: bytes, theirs: bytes, output_format: str) -> None:
    """Same variables and the same rows; in the same order of the ORDER BY keys when it has one
    (rows that tie on the keys may come in either order)."""
    names, rows = table_of(ours, output_format)
    their_names, their_rows = table_of(theirs, output_format)
    assert names == their_names
    assert rows, f"{saved.name}: no rows, so nothing was compared"
    assert sorted(rows, key=repr) == sorted(their_rows, key=repr)
    order = ORDER_BY.search(saved.text)
    if order:
        keys = [names.index(name) for name in re.findall(r"\?(\w+)", order.group(1)) if name in names]
        assert keys, f"{saved.name}: ORDER BY on no projected variable"
        assert [[row[key] for key in keys] for row in rows] == \
            [[row[key] for key in keys] for row in their_rows]


@pytest.mark.parametrize("output_format", ["json", "csv"])
@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_saved_query_answers_as_sparql_and_the_api_do(capsysbinary, client, built, name,
                                                               output_format):
    saved = catalogue()[name]
    code, ours, err = kg_query(capsysbinary, name, "--build", str(built), "--format", output_format)
    assert code == 0, err
    # /sparql gets the text as the query page offers it: the defaults written as VALUES.
    sparql = through_sparql(client, saved.text_with_values(saved.bindings({})), output_format)
    assert_same_answer(saved, ours, sparql, output_format)
    # The API binds the defaults as the command does, on the same engine: the very same bytes.
    api = client.get(f"/api/queries/{name}?format={output_format}")
    assert api.status_code == 200, api.data[:300]
    assert ours == api.data


def test_a_parameter_is_bound_as_the_api_binds_it(capsysbinary, client, built):
    saved = catalogue()["actions-by-institution"]
    code, ours, err = kg_query(capsysbinary, saved.name, "--build", str(built), "--format", "json",
                               "--param", f"institution={LABOUR_OFFICE}")
    assert code == 0, err
    api = client.get(f"/api/queries/{saved.name}?" + urlencode({"institution": LABOUR_OFFICE}))
    assert ours == api.data
    default_code, with_default, _ = kg_query(capsysbinary, saved.name, "--build", str(built),
                                             "--format", "json")
    assert default_code == 0
    assert table_of(ours, "json")[1] != table_of(with_default, "json")[1]


def test_sparql_text_is_answered_in_the_formats_of_sparql(capsysbinary, client, built):
    select = ("SELECT ?project WHERE { ?project a <https://w3id.org/bg-inclusion/ontology#Project> }"
              " ORDER BY ?project")
    for output_format in ("json", "csv"):
        code, ours, err = kg_query(capsysbinary, select, "--build", str(built), "--format", output_format)
        assert code == 0, err
        assert ours == through_sparql(client, select, output_format)
    code, ours, _ = kg_query(capsysbinary, "ASK { ?s ?p ?o }", "--build", str(built), "--format", "json")
    assert code == 0 and json.loads(ours) == {"head": {}, "boolean": True}
    code, ours, _ = kg_query(capsysbinary, "ASK { ?s ?p ?o }", "--build", str(built))
    assert code == 0 and ours == b"true\n"


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize("output_format", ["csv", "tsv"])
def test_an_ask_answer_in_csv_or_tsv_is_the_bare_word_on_either_store(capsysbinary, client, built,
                                                                         store, output_format):
    ask = "ASK { ?s a <https://w3id.org/bg-inclusion/ontology#Nothing> }"
    code, ours, err = kg_query(capsysbinary, ask, "--build", str(built), "--format", output_format,
                               "--store", store)
    assert code == 0, err
    assert ours == b"false"
    if output_format == "csv":
        assert ours == through_sparql(client, ask, "csv")


def test_a_graph_is_written_in_rdf_formats_and_json_means_json_ld(capsysbinary, client, built):
    construct = ("CONSTRUCT WHERE { ?project a <https://w3id.org/bg-inclusion/ontology#Project> ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    code, ours, err = kg_query(capsysbinary, construct, "--build", str(built), "--format", "ntriples")
    assert code == 0, err
    triples = set(ox.parse(ours, format=ox.RdfFormat.N_TRIPLES))
    assert triples and triples == set(ox.parse(through_sparql(client, construct, "ntriples"),
                                               format=ox.RdfFormat.N_TRIPLES))
    for output_format, rdf_format in (("table", ox.RdfFormat.TURTLE), ("json", ox.RdfFormat.JSON_LD)):
        code, body, err = kg_query(capsysbinary, construct, "--build", str(built), "--format", output_format)
        assert code == 0, err
        assert set(ox.parse(body, format=rdf_format)) == triples, output_format


def test_the_table_shows_plain_values_and_counts_the_rows(capsysbinary, built):
    code, out, err = kg_query(capsysbinary, "project-budget-totals", "--build", str(built))
    assert code == 0, err
    lines = out.decode("utf-8").splitlines()
    assert lines[0].split() == ["project", "component", "currency", "sum", "amounts"]  # decision 0021
    assert lines[-1] == f"({len(lines) - 2} rows)"
    assert any(line.split()[1:4] == ["total", "BGN", "1589270.65"] for line in lines[1:-1])


def test_the_rdflib_store_is_an_explicit_choice_with_the_same_answer(capsysbinary, built):
    saved = catalogue()["actions-by-institution"]
    args = [saved.name, "--build", str(built), "--format", "csv", "--param", f"institution={LABOUR_OFFICE}"]
    code, on_disk, err = kg_query(capsysbinary, *args)
    assert code == 0, err
    code, in_memory, err = kg_query(capsysbinary, *args, "--store", "memory")
    assert code == 0, err
    assert_same_answer(saved, in_memory, on_disk, "csv")


def test_a_query_file_with_a_header_takes_parameters_and_defaults(capsysbinary, built, tmp_path):
    copy = tmp_path / "mine.rq"
    shutil.copy(catalogue()["actions-by-institution"].path, copy)
    for extra in ([], ["--param", f"institution={LABOUR_OFFICE}"]):
        code, from_file, err = kg_query(capsysbinary, str(copy), "--build", str(built),
                                        "--format", "csv", *extra)
        assert code == 0, err
        code, by_name, _ = kg_query(capsysbinary, "actions-by-institution", "--build", str(built),
                                    "--format", "csv", *extra)
        assert from_file == by_name


def test_a_syntax_error_says_where_in_the_text_or_the_file(capsysbinary, built, tmp_path):
    code, out, err = kg_query(capsysbinary, "SELECT * WHERE {\n  ?s ?p }", "--build", str(built))
    assert code == 2 and out == b""
    assert err.startswith("error: line 2, column ") and "SPARQL syntax error" in err
    assert "  ?s ?p }" in err and "Traceback" not in err
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?s\nWHERE { ?s ?p ?o }\nLIMT 5\n", encoding="utf-8")
    code, _, err = kg_query(capsysbinary, str(broken), "--build", str(built))
    assert code == 2
    assert re.match(rf"error: {re.escape(str(broken))}:3:\d+: SPARQL syntax error", err), err
    assert "\n  LIMT 5\n" in err
    unfinished = tmp_path / "unfinished.rq"
    unfinished.write_text("SELECT ?s\nWHERE { ?s ?p ?o\n", encoding="utf-8")
    code, _, err = kg_query(capsysbinary, str(unfinished), "--build", str(built))
    assert code == 2 and "(at the end of the query)" in err


@pytest.mark.parametrize(("args", "message"), [
    (["disagrements"], "no saved query 'disagrements'; saved: actions-by-institution"),
    (["missing.rq"], "missing.rq: no such query file"),
    (["actions-by-institution", "--param", "institution=РЗИ"], "is not an absolute IRI"),
    (["actions-by-institution", "--param", "who=" + LABOUR_OFFICE], "has no parameter who"),
    (["actions-by-institution", "--param", "institution"], "write it as NAME=VALUE"),
    (["actions-by-institution", "--param", f"institution={LABOUR_OFFICE}", "--param",
      f"institution={LABOUR_OFFICE}"], "is given twice"),
    (["ASK { ?s ?p ?o }", "--param", "x=1"], "only a saved query takes parameters"),
    (["plan-actions", "--format", "turtle"], "--format turtle cannot carry a results table"),
    (["CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv"], "--format csv cannot carry an RDF graph"),
])
def test_a_request_that_cannot_be_answered_exits_2_saying_why(capsysbinary, built, tmp_path,
                                                              monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = kg_query(capsysbinary, *args, "--build", str(built))
    assert code == 2 and out == b""
    assert err.startswith("error: ") and message in err and "Traceback" not in err


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_without_a_build_it_says_to_run_kg_build(capsysbinary, tmp_path, store):
    code, _, err = kg_query(capsysbinary, "disagreements", "--build", str(tmp_path / "none"),
                            "--store", store)
    assert code == 2 and "run `kg build` first" in err


def test_it_reads_the_store_while_kg_serve_has_it_open(built):
    """pyoxigraph's read-only opens are shared: the command and the server's workers read the one
    store at once, and the server goes on answering."""
    with running_server(["--build", str(built)]) as base_url:
        command = subprocess.run(
            [sys.executable, "-m", "kg", "query", "plan-measures-per-priority", "--build", str(built),
             "--format", "csv"], cwd=REPO, capture_output=True, text=True, timeout=120,
            env=dict(os.environ, PYTHONPATH=str(REPO)))
        assert command.returncode == 0, command.stderr
        with urllib.request.urlopen(f"{base_url}/api/queries/plan-measures-per-priority?format=csv",
                                    timeout=60) as response:
            served = response.read().decode("utf-8")
    assert command.stdout.splitlines() == served.splitlines()
    assert len(command.stdout.splitlines()) > 1
