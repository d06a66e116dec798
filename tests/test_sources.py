"""Reading records: a bad record is reported as file:line: field: what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, XSD

from kg.common.errors import RecordError
from kg.mapping.provenance import describe_source
from kg.records.corpus import load_corpus
from kg.validate.typed_literals import rejected_by_datatype


def _write(data: Path, name: str, text: str) -> Path:
    path = data / "records" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(data: Path) -> RecordError:
    with pytest.raises(RecordError) as caught:
        load_corpus(data)
    return caught.value


def test_the_bundled_records_load(data_dir):
    corpus = load_corpus(data_dir)
    assert len(corpus.records) > 300
    assert set(corpus.sources) >= {"kyustendil-equal-opportunities", "curation",
                                   "kyustendil-roma-action-plan-2022-2024"}


def test_an_unknown_field_is_named_with_its_line(data_copy):
    path = _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: org/test-org
            type: Organisation
            line: 11
            name: "„Хена“ ООД"
            kind: company
            colour: blue
        """)
    error = _error(data_copy)
    assert (error.file, error.line, error.field) == (path, 8, "colour")
    assert "has no field 'colour'" in error.message


def test_a_missing_required_field_is_named(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: org/test-org
            type: Organisation
            line: 11
            name: "„Хена“ ООД"
        """)
    error = _error(data_copy)
    assert (error.line, error.field) == (3, "kind")


def test_an_amount_that_does_not_parse_stops_with_the_parsers_reason(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: project/test/amount/total
            type: Amount
            line: 7
            of: project/BG05M9OP001-2.056-0025
            component: total
            value: "1 589 27,65 лв."
        """)
    error = _error(data_copy)
    assert (error.line, error.field) == (8, "value")
    assert "not thousands" in error.message


def test_a_reference_to_no_record_is_reported(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: project/test/participation/partner/x
            type: Participation
            line: 11
            project: project/BG05M9OP001-2.056-0025
            agent: org/no-such-organisation
            role: partner
        """)
    error = _error(data_copy)
    assert (error.line, error.field) == (7, "agent")
    assert "'org/no-such-organisation' is not the id of any record" in error.message


def test_a_reference_to_a_record_of_the_wrong_type_is_reported(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: project/test/participation/partner/x
            type: Participation
            line: 11
            project: org/obshtina-vidin
            agent: org/obshtina-vidin
            role: partner
        """)
    error = _error(data_copy)
    assert error.field == "project" and "expected Project" in error.message


def test_an_enum_value_outside_its_list_is_reported(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: org/test-org
            type: Organisation
            line: 11
            name: "„Хена“ ООД"
            kind: shop
        """)
    error = _error(data_copy)
    assert error.field == "kind" and "'shop' is not one of" in error.message


def test_an_id_defined_twice_in_one_file_is_reported(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - {id: org/test-org, type: Organisation, line: 11, name: "„Хена“ ООД", kind: company}
          - {id: org/test-org, type: Organisation, line: 11, name: "„Хена“ ООД", kind: company}
        """)
    error = _error(data_copy)
    assert (error.line, error.field) == (4, "id") and "already defined at line 3" in error.message


def test_a_key_given_twice_in_a_record_is_an_error_naming_both_lines(data_copy):
    path = _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - id: org/test-org
            type: Organisation
            line: 11
            name: "„Хена“ ООД"
            kind: company
            name: "Друго ООД"
        """)
    error = _error(data_copy)
    assert (error.file, error.line, error.field) == (path, 8, "name")
    assert "given twice, at lines 6 and 8" in error.message


def test_a_key_given_twice_on_one_line_or_at_the_top_is_an_error(data_copy):
    _write(data_copy, "zz-bad.yaml", """\
        source: vidin-integrated-approach
        records:
          - {id: org/test-org, type: Organisation, line: 11, kind: company, kind: ngo}
        """)
    assert "given twice, at lines 3 and 3" in _error(data_copy).message
    _write(data_copy, "zz-bad.yaml", "source: vidin-integrated-approach\nrecords: []\nsource: curation\n")
    error = _error(data_copy)
    assert (error.line, error.field) == (3, "source") and "lines 1 and 3" in error.message


def test_a_key_given_twice_in_sources_yaml_is_an_error(data_copy):
    sources = data_copy / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    entry = "  - id: kyustendil-equal-opportunities\n"
    line = text.count("\n", 0, text.index(entry)) + 1
    sources.write_text(text.replace(entry, entry + "    id: kyustendil-again\n", 1), encoding="utf-8")
    error = _error(data_copy)
    assert (error.file, error.line, error.field) == (sources, line + 1, "id")
    assert f"at lines {line} and {line + 1}" in error.message


def _with_source_date(data: Path, date: str) -> tuple[Path, int]:
    """sources.yaml with the date of the Roma action plan replaced; the path and the date's line."""
    sources = data / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    old = '    date: "2022"\n'
    sources.write_text(text.replace(old, f"    date: {date}\n", 1), encoding="utf-8")
    return sources, text.count("\n", 0, text.index(old)) + 1


@pytest.mark.parametrize(("written", "lexical", "datatype"), [
    ('"12.03.2021 г."', "2021-03-12", XSD.date),
    ("12.03.2021", "2021-03-12", XSD.date),
    ("2021-03-12", "2021-03-12", XSD.date),
    ('"март 2021 г."', "2021-03", XSD.gYearMonth),
    ("2022", "2022", XSD.gYear),
])
def test_a_source_date_is_read_with_the_precision_it_has(data_copy, written, lexical, datatype):
    _with_source_date(data_copy, written)
    source = load_corpus(data_copy).sources["kyustendil-roma-action-plan-2022-2024"]
    assert source.date == lexical
    issued = [value for _s, predicate, value in describe_source(source) if predicate == DCTERMS.issued]
    assert issued == [Literal(lexical, datatype=datatype)]
    assert not rejected_by_datatype(issued[0], datatype)  # as SHACL's sh:datatype judges it


@pytest.mark.parametrize("written", ['"31.02.2021 г."', '"spring 2021"', '"2021 and 2022"'])
def test_a_source_date_that_is_not_a_date_is_refused_at_its_line(data_copy, written):
    sources, line = _with_source_date(data_copy, written)
    error = _error(data_copy)
    assert (error.file, error.line, error.field) == (sources, line, "date")


def test_invalid_yaml_is_reported_with_its_line(data_copy):
    _write(data_copy, "zz-bad.yaml", "source: vidin-integrated-approach\nrecords:\n  - id: [unclosed\n")
    error = _error(data_copy)
    assert error.field == "yaml" and error.line >= 3


def test_a_record_of_an_unknown_source_is_reported(data_copy):
    _write(data_copy, "zz-bad.yaml", "source: nowhere\nrecords: []\n")
    error = _error(data_copy)
    assert (error.line, error.field) == (1, "source")


def test_ids_of_contracts_procedures_and_projects_are_their_canonical_numbers(data_dir):
    from kg.records.field_values import canonical_identifier

    corpus = load_corpus(data_dir)
    checked = 0
    for record in corpus.records:
        field = {"Contract": "number", "Procedure": "code", "Project": "number"}.get(record.type.name)
        if field and field in record.values:
            key = record.id.split("/", 1)[1]
            value = record.values[field]
            assert key == (value.normalised or canonical_identifier(value.text)), record.id
            checked += 1
    assert checked >= 15
