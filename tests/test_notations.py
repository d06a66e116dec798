"""Values in any notation the documents use, end to end: parser -> record -> RDF -> kg check.

Amounts with any thousands and decimal marks and the currency anywhere or absent; dates with
month names, English months, timestamps and no year; ИСУН numbers of 2021-2027 and the EEA
grants normalised to the official pattern; values a curator flags for review; the language of
text taken from the source (docs/records-format.md "Values as written", ADR 0020).
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg import cli
from kg.common.errors import RecordError
from kg.mapping import map_corpus
from kg.records import iris
from kg.records.corpus import load_corpus
from kg.records.normalize import (
    CYRILLIC_LOOKALIKES,
    DASHES,
    NormalisationError,
    identifier_corrections,
    normalise_identifier,
    parse_date,
    parse_money,
    with_year,
)

SCHEMA = iris.SCHEMA
BGI = iris.BGI
DCTERMS_IDENTIFIER = URIRef("http://purl.org/dc/terms/identifier")


# ------------------------------------------------------------------ money

@pytest.mark.parametrize(("raw", "value", "currency"), [
    ("882 659.05 лв.", "882659.05", "BGN"),
    ("1 589 270,65 лв.", "1589270.65", "BGN"),
    ("156 082,10лв.", "156082.10", "BGN"),  # glued to the currency
    ("286 410,45 лв", "286410.45", "BGN"),  # no dot after лв
    ("199 993.75 лева", "199993.75", "BGN"),
    ("BGN 1,234,567.89", "1234567.89", "BGN"),  # code first, comma thousands, dot decimals
    ("1.234.567,89 лв.", "1234567.89", "BGN"),  # dot thousands, comma decimals
    ("EUR 12 000", "12000", "EUR"),
    ("12 000 евро", "12000", "EUR"),
    ("€ 5 000,50", "5000.50", "EUR"),
    ("183 626 лв.", "183626", "BGN"),
    ("471,708.00", "471708.00", None),  # no currency written: none guessed
    ("0.00", "0.00", None),
])
def test_amounts_in_any_notation_read_as_decimal_and_currency(raw, value, currency):
    money = parse_money(raw)
    assert money.value == Decimal(value)
    assert money.currency == currency


@pytest.mark.parametrize(("raw", "reason"), [
    ("45 0712 лв.", "not thousands"),  # a group of four digits
    ("1,234", "ambiguous"),  # one thousand two hundred and thirty-four, or 1.234?
    ("1.234 лв.", "ambiguous"),
    ("1 234,567 лв.", "ambiguous"),
    ("1,234.567,8 лв.", "twice|digits"),
    ("BGN 5 лв.", "twice"),
])
def test_ambiguous_or_malformed_amounts_are_refused_with_the_reason(raw, reason):
    with pytest.raises(NormalisationError, match=reason):
        parse_money(raw)


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize(("raw", "lexical", "datatype"), [
    ("1 декември 2019 г.", "2019-12-01", "date"),
    ("май 2019година", "2019-05", "gYearMonth"),
    ("27 Jul, 2016", "2016-07-27", "date"),
    ("2021-12-16 11:29:39", "2021-12-16", "date"),
    ("04.05.2020", "2020-05-04", "date"),
    ("30.06.2021г.", "2021-06-30", "date"),
    ("15.09.", "--09-15", "gMonthDay"),
    ("23 януари", "--01-23", "gMonthDay"),
])
def test_dates_in_any_notation_keep_their_precision(raw, lexical, datatype):
    parsed = parse_date(raw)
    assert (parsed.lexical, parsed.datatype) == (lexical, datatype)


def test_a_day_without_a_year_gets_a_year_only_from_the_curator():
    assert with_year(parse_date("15.09."), 2021).lexical == "2021-09-15"
    with pytest.raises(NormalisationError):
        with_year(parse_date("15.09.2021"), 2021)
    with pytest.raises(NormalisationError):
        parse_date("до средата на следващата година")


# ------------------------------------------------------------------ identifiers

@pytest.mark.parametrize(("raw", "canonical"), [
    ("BG05SFPR002-2.001", "BG05SFPR002-2.001"),  # 2021-2027 procedure
    ("BG05SFPR003-1.001-0082", "BG05SFPR003-1.001-0082"),
    ("BG16RFPR001-1.001-0001-C01", "BG16RFPR001-1.001-0001-C01"),
    ("BGLD-3.002-0015-C01", "BGLD-3.002-0015-C01"),  # EEA grants
    ("BG 05M9ОР001 – 6.002- 0175", "BG05M9OP001-6.002-0175"),  # Cyrillic, dash, spaces
    ("BG05M9OP001-4.001-100-С01", "BG05M9OP001-4.001-0100-C01"),  # 3-digit serial padded
    ("BG05M9OP001-2.002-0131-С001", "BG05M9OP001-2.002-0131-C01"),  # C001 -> C01
    ("BG05M9OP001-2.009-0001-2014BG05M20P001-C001", "BG05M9OP001-2.009-0001-2014BG05M2OP001-C01"),
])
def test_isun_numbers_normalise_to_the_official_pattern(raw, canonical):
    assert normalise_identifier(raw) == canonical


def test_every_change_to_an_identifier_is_recorded():
    reasons = [c.reason for c in identifier_corrections("BG05M9OP001-4.001-100-С001")]
    assert any("padded" in reason for reason in reasons)
    assert any("3 digits" in reason for reason in reasons)
    assert any("CYRILLIC" in reason for reason in reasons)


_ID_CHARS = "BGMOPCSFRLD0123456789.-" + "".join(CYRILLIC_LOOKALIKES) + DASHES + " \u00a0"


@given(st.text(alphabet=_ID_CHARS, max_size=40))
def test_a_canonical_identifier_never_contains_non_ascii(raw):
    try:
        canonical = normalise_identifier(raw)
    except NormalisationError:
        return
    assert canonical.isascii() and " " not in canonical


# ------------------------------------------------------------------ end to end

RECORDS = """\
    source: vidin-integrated-approach
    records:
      - id: project/notations-test
        type: Project
        line: 1
        title: {raw: "Equal access", line: 1, lang: en}
        start: {raw: "15.09.", line: 1, inferred_year: 2021}
        end: {raw: "23 януари", line: 1}
        status_date: {raw: "до средата на следващата година", line: 1, review: "relative date"}
      - id: project/notations-test/amount/total
        type: Amount
        line: 1
        of: project/notations-test
        component: total
        value: "471,708.00"
      - id: project/notations-test/amount/direct
        type: Amount
        line: 1
        of: project/notations-test
        component: direct
        value: {raw: "45 0712 лв.", line: 1, review: "malformed figure"}
      - id: project/notations-test/amount/indirect
        type: Amount
        line: 1
        of: project/notations-test
        component: indirect
        value: "€ 5 000,50"
      - id: procedure/BG05M9OP001-2.033
        type: Procedure
        line: 1
        code: {raw: "BG05M9OP002-2.033", line: 1, normalised: "BG05M9OP001-2.033"}
        programmes: [programme/2014BG05M9OP001]
"""


def _write(data: Path, text: str) -> Path:
    path = data / "records" / "zz-notations.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def notations(data_copy: Path):
    _write(data_copy, RECORDS)
    corpus = load_corpus(data_copy)
    graph = map_corpus(corpus)[iris.graph("vidin-integrated-approach")]
    return data_copy, graph


def test_amounts_publish_the_currency_only_where_written(notations):
    _data, graph = notations
    total = iris.thing("project/notations-test/amount/total")
    assert graph.value(total, SCHEMA.value) == Literal("471708.0", datatype=XSD.decimal)
    assert graph.value(total, SCHEMA.currency) is None
    assert graph.value(total, BGI.eurEquivalent) is None
    indirect = iris.thing("project/notations-test/amount/indirect")
    assert graph.value(indirect, SCHEMA.currency) == Literal("EUR")
    assert graph.value(indirect, BGI.eurEquivalent) is None  # already in EUR


def test_a_value_that_does_not_parse_is_kept_as_written_with_a_review_flag(notations):
    _data, graph = notations
    direct = iris.thing("project/notations-test/amount/direct")
    assert graph.value(direct, SCHEMA.value) is None
    assert graph.value(direct, BGI.valueAsWritten) == Literal("45 0712 лв.")
    assert graph.value(direct, BGI.reviewFlag) == Literal("value: malformed figure", lang="en")
    project = iris.thing("project/notations-test")
    assert graph.value(project, BGI.statusDate) is None
    assert graph.value(project, BGI.reviewFlag) == Literal("status_date: relative date", lang="en")
    assert (project, None, Literal("до средата на следващата година")) in graph


def test_days_without_a_year_are_gmonthday_unless_the_curator_infers_it(notations):
    _data, graph = notations
    project = iris.thing("project/notations-test")
    assert graph.value(project, BGI.startDate) == Literal("2021-09-15", datatype=XSD.date)
    assert graph.value(project, BGI.yearInferred) == Literal(True)
    assert graph.value(project, BGI.endDate) == Literal("--01-23", datatype=XSD.gMonthDay)


def test_a_curators_correction_of_an_identifier_is_published_and_marked(notations):
    _data, graph = notations
    procedure = iris.thing("procedure/BG05M9OP001-2.033")
    assert graph.value(procedure, DCTERMS_IDENTIFIER) == Literal("BG05M9OP001-2.033")
    assert graph.value(procedure, BGI.identifierAsWritten) == Literal("BG05M9OP002-2.033")
    assert graph.value(procedure, BGI.identifierCorrectedByCurator) == Literal(True)


def test_text_takes_the_source_language_unless_the_value_says_its_own(notations):
    _data, graph = notations
    project = iris.thing("project/notations-test")
    assert Literal("Equal access", lang="en") in set(graph.objects(project, RDFS.label))


def test_text_of_an_english_source_is_tagged_en(data_copy):
    _write(data_copy, """\
        source: chelopech-eea-register
        records:
          - id: project/chelopech-notations-test
            type: Project
            line: 1
            title: {raw: "Inclusive education", line: 1}
        """)
    corpus = load_corpus(data_copy)
    graph = map_corpus(corpus)[iris.graph("chelopech-eea-register")]
    labels = set(graph.objects(iris.thing("project/chelopech-notations-test"), RDFS.label))
    assert Literal("Inclusive education", lang="en") in labels


def test_a_relative_date_without_review_is_refused_at_its_line(data_copy):
    _write(data_copy, """\
        source: vidin-integrated-approach
        records:
          - id: project/notations-test
            type: Project
            line: 1
            start: {raw: "до средата на следващата година", line: 1}
        """)
    with pytest.raises(RecordError, match="start"):
        load_corpus(data_copy)


def test_inferred_year_is_only_for_a_date_written_without_one(data_copy):
    _write(data_copy, """\
        source: vidin-integrated-approach
        records:
          - id: project/notations-test
            type: Project
            line: 1
            start: {raw: "15.09.2020", line: 1, inferred_year: 2021}
        """)
    with pytest.raises(RecordError, match="inferred_year"):
        load_corpus(data_copy)


def test_kg_check_lists_review_flags_as_notes_with_file_and_line(notations, capsys):
    data, _graph = notations
    assert cli.main(["check", "--data", str(data), "--no-citations"]) == 0
    err = capsys.readouterr().err
    assert "zz-notations.yaml:" in err
    assert "value: note: review: malformed figure" in err
    assert len([line for line in err.splitlines()
                if "zz-notations.yaml:" in line and ": note: review: " in line]) == 2
    assert "values flagged for review (notes, not errors)" in err  # a count, whatever else data/ flags


def test_running_the_owlrl_reference_leaves_rdflibs_literal_readers_as_they_were():
    """owlrl swaps rdflib's lexical-to-value table for the whole process; its gMonthDay reader
    refuses ``--01-23``, which made every later validation in the process reject a day written
    without a year. The reference oracle puts the table back."""
    from rdflib import Graph
    from rdflib.term import _toPythonMapping

    from kg.reason.owlrl_reference import inferred_graph

    before = dict(_toPythonMapping)
    inferred_graph([Graph()])
    assert dict(_toPythonMapping) == before
    assert not Literal("--01-23", datatype=XSD.gMonthDay).ill_typed
