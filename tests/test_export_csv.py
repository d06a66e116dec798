"""CSV tables: one row per thing, bg and en columns, Excel-safe, exact values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kg.export.csv_tables import TABLES, csv_texts, guard_formula, table_text
from kg.export.pipeline import graphs_from_build
from kg.records import iris


@pytest.fixture(scope="module")
def union(built: Path) -> Graph:
    merged = Graph()
    for name, graph in graphs_from_build(built).items():
        if name != iris.INFERRED_GRAPH:
            for triple in graph:
                merged.add(triple)
    return merged


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_each_table_has_one_row_per_thing_keyed_by_its_iri(union):
    for table in TABLES:
        found = rows(table_text(union, table))
        things = {str(subject) for subject in union.subjects(RDF.type, table.rows_of)}
        assert [row["iri"] for row in found] == sorted(things), table.name
        assert found, table.name


def test_files_are_utf8_with_a_byte_order_mark_and_crlf_line_ends(union):
    for name, text in csv_texts(union).items():
        data = text.encode("utf-8")
        assert data.startswith(b"\xef\xbb\xbf"), name
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), name


def test_labels_come_in_bulgarian_and_english_columns(union):
    projects = {row["identifier"]: row for row in rows(table_text(union, TABLES[0]))}
    project = projects["BG05M9OP001-2.056-0025"]
    assert project["label_bg"].startswith("Интегриран подход")
    assert project["label_en"].startswith("Integrated approach")
    table = next(table for table in TABLES if table.name == "participations")
    participations = rows(table_text(union, table))
    assert {row["role_label_en"] for row in participations} >= {"beneficiary", "partner"}
    assert {row["role_label_bg"] for row in participations} >= {"бенефициент", "партньор"}


def test_amounts_keep_the_exact_decimal_and_the_eur_equivalent(union):
    amounts = rows(table_text(union, next(table for table in TABLES if table.name == "amounts")))
    total = next(row for row in amounts if row["iri"].endswith("BG05M9OP001-2.002-0131/amount/total"))
    assert (total["value"], total["currency"], total["eur_value"]) == ("499339.97", "BGN", "255308.47")
    assert total["value_as_written"] == "499 339.97 лв."


def test_text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe():
    assert [guard_formula(text) for text in ("=1+1", "+359", "-5 лв.", "@SUM(A1)", "\tx", "Община")] == [
        "'=1+1", "'+359", "'-5 лв.", "'@SUM(A1)", "'\tx", "Община"]
    graph = Graph()
    thing = iris.thing("project/x")
    graph.add((thing, RDF.type, iris.BGI.Project))
    graph.add((thing, RDFS.label, Literal("=HYPERLINK(\"http://evil\")", lang="bg")))
    row = rows(table_text(graph, TABLES[0]))[0]
    assert row["label_bg"] == "'=HYPERLINK(\"http://evil\")"
    assert row["iri"] == str(thing)  # IRIs are never altered
