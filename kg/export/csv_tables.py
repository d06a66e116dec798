"""CSV tables for people who do not use RDF: one row per thing, Bulgarian and English columns.

Conventions (docs/publishing.md): RFC 4180 (comma, double quotes, CRLF line ends), UTF-8 with
a byte-order mark so that Excel shows Cyrillic correctly; the first column is the thing's
IRI, rows are sorted by it; a cell with several values joins them sorted, separated by
`` | ``; numbers and dates are written as in the RDF (``1589270.65``, ``2021-06-30``).
A text cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is prefixed with an apostrophe; IRI, number and date
cells never are. The RDF files carry every value exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.records.iris import curie

SEPARATOR = " | "
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LABEL = URIRef("urn:kg-export:label")  # a path step: rdfs:label, else skos:prefLabel


@dataclass(frozen=True)
class Column:
    """One column: a path of predicates from the row's thing, a language, and the kind of cell.

    ``kind`` is ``iri`` (IRIs of linked things), ``text`` (strings, formula-guarded) or
    ``value`` (numbers, dates, booleans: the literal's lexical form).
    """

    name: str
    path: tuple[URIRef, ...]
    kind: str = "text"
    language: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    rows_of: URIRef  # the class whose instances are the rows
    columns: tuple[Column, ...]
    title_en: str
    title_bg: str


def _p(*names: str) -> tuple[URIRef, ...]:
    return tuple(LABEL if name == "label" else curie(name) for name in names)


def _labels(*path: str) -> tuple[Column, ...]:
    stem = "_".join(name.split(":")[-1] for name in path) + "_" if path else ""
    return (Column(f"{stem}label_bg", _p(*path, "label"), "text", "bg"),
            Column(f"{stem}label_en", _p(*path, "label"), "text", "en"))


TABLES: tuple[Table, ...] = (
    Table("projects", curie("bgi:Project"), (
        Column("iri", (), "iri"), Column("identifier", _p("dcterms:identifier")), *_labels(),
        Column("start_date", _p("bgi:startDate"), "value"),
        Column("end_date", _p("bgi:endDate"), "value"),
        Column("planned_duration", _p("bgi:plannedDuration"), "value"),
        Column("places", _p("dcterms:spatial"), "iri"),
        Column("contracts", _p("frapo:isFundedBy"), "iri"),
        Column("sources", _p("dcterms:source"), "iri")),
        "Projects", "Проекти"),
    Table("contracts", curie("bgi:GrantContract"), (
        Column("iri", (), "iri"), Column("identifier", _p("dcterms:identifier")),
        Column("identifier_as_written", _p("bgi:identifierAsWritten")), *_labels(),
        Column("project", _p("bgi:fundsProject"), "iri"),
        *_labels("bgi:fundsProject"),
        Column("procedure", _p("bgi:underProcedure"), "iri"),
        Column("programme", _p("bgi:underProgramme"), "iri"),
        *_labels("bgi:underProgramme"),
        Column("sources", _p("dcterms:source"), "iri")),
        "Grant contracts", "Договори за безвъзмездна финансова помощ"),
    Table("organisations", curie("bgi:Organisation"), (
        Column("iri", (), "iri"), *_labels(), Column("identifier", _p("dcterms:identifier")),
        Column("abbreviation_bg", _p("bgi:abbreviation"), "text", "bg"),
        Column("kind", _p("bgi:organisationKind"), "iri"),
        *_labels("bgi:organisationKind"),
        Column("places", _p("bgi:place"), "iri"),
        Column("address_bg", _p("locn:fullAddress"), "text", "bg"),
        Column("sources", _p("dcterms:source"), "iri")),
        "Organisations", "Организации"),
    Table("participations", curie("bgi:Participation"), (
        Column("iri", (), "iri"), Column("project", _p("bgi:participationIn"), "iri"),
        Column("organisation", _p("bgi:participant"), "iri"),
        *_labels("bgi:participant"),
        Column("role", _p("bgi:role"), "iri"), *_labels("bgi:role"),
        Column("programme", _p("bgi:underProgramme"), "iri"),
        Column("name_as_written", _p("bgi:nameAsWritten")),
        Column("sources", _p("dcterms:source"), "iri")),
        "Participations of organisations in projects", "Участие на организации в проекти"),
    Table("amounts", curie("bgi:Amount"), (
        Column("iri", (), "iri"), Column("of", _p("bgi:amountOf"), "iri"),
        Column("component", _p("bgi:budgetComponent"), "iri"), *_labels("bgi:budgetComponent"),
        Column("value", _p("schema:value"), "value"), Column("currency", _p("schema:currency"), "value"),
        Column("value_as_written", _p("bgi:valueAsWritten")),
        Column("is_current", _p("bgi:isCurrent"), "value"),
        Column("eur_value", _p("bgi:eurEquivalent", "schema:value"), "value"),
        Column("programme", _p("bgi:underProgramme"), "iri"),
        Column("fund", _p("bgi:fromFund"), "iri"),
        Column("sources", _p("dcterms:source"), "iri")),
        "Budget amounts", "Бюджетни суми"),
    Table("plan-actions", curie("bgi:Action"), (
        Column("iri", (), "iri"), Column("notation", _p("skos:notation")), *_labels(),
        Column("measure", _p("bgi:actionOf"), "iri"), *_labels("bgi:actionOf"),
        Column("deadline_start", _p("bgi:deadlineStart"), "value"),
        Column("deadline_end", _p("bgi:deadlineEnd"), "value"),
        Column("deadline_as_written", _p("bgi:deadlineAsWritten")),
        Column("responsible_parties", _p("bgi:responsibleParty"), "iri"),
        Column("responsible_as_written", _p("bgi:responsibleAsWritten")),
        Column("funding_sources", _p("bgi:fundingSource"), "iri"),
        Column("funding_as_written", _p("bgi:fundingAsWritten")),
        Column("indicators_bg", _p("bgi:indicator", "label"), "text", "bg"),
        Column("sources", _p("dcterms:source"), "iri")),
        "Action-plan actions", "Дейности от планове за действие"),
)


def _step(graph: Graph, nodes: set, predicate: URIRef) -> set:
    if predicate == LABEL:
        found = set()
        for node in nodes:
            labels = set(graph.objects(node, RDFS.label)) or set(graph.objects(node, SKOS.prefLabel))
            found |= labels
        return found
    return {obj for node in nodes for obj in graph.objects(node, predicate)}


def guard_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would evaluate as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell(graph: Graph, thing: URIRef, column: Column) -> str:
    """The cell of ``column`` for ``thing``: its values, sorted, joined with `` | ``."""
    values: set = {thing}
    for predicate in column.path:
        values = _step(graph, values, predicate)
    if column.language is not None:
        values = {value for value in values
                  if isinstance(value, Literal) and value.language == column.language}
    elif column.kind != "iri":
        values = {value for value in values if isinstance(value, Literal)}
    texts = sorted({str(value) for value in values})
    if column.kind == "text":
        texts = [guard_formula(text) for text in texts]
    return SEPARATOR.join(texts)


def table_text(graph: Graph, table: Table) -> str:
    """The table as CSV text (without the byte-order mark, which the writer adds)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.name for column in table.columns])
    for thing in sorted({subject for subject in graph.subjects(curie("rdf:type"), table.rows_of)
                         if isinstance(subject, URIRef)}):
        writer.writerow([cell(graph, thing, column) for column in table.columns])
    return buffer.getvalue()


def csv_texts(graph: Graph, tables: Sequence[Table] = TABLES) -> dict[str, str]:
    """Every table's CSV text, by file name (``csv/projects.csv``, …), each starting with a BOM."""
    return {f"csv/{table.name}.csv": "\ufeff" + table_text(graph, table) for table in tables}
