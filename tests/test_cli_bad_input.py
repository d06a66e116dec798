"""Every bad input to the command line is exit 2 with ``file:line`` and the reason — never a
traceback, never a silent "conforms" (issue 19, point 9).

Each test runs ``kg`` in this process through :func:`kg.cli.main`, as a user would run it, on
files written to a temporary directory.
"""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg import cli

ENGINES = ["sparql", "pyshacl"]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("engine", ENGINES)
def test_an_ill_formed_language_tag_is_exit_2_with_its_line(engine, tmp_path, capsys):
    data = tmp_path / "lang.ttl"
    data.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n'
                    '<https://example.org/a> rdfs:label "x"@bulgarian .\n', encoding="utf-8")
    code, _out, err = run(["validate", "--engine", engine, str(data)], capsys)
    assert code == 2
    assert f"{data}:3:" in err
    assert "'bulgarian' is not well-formed" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("content", ["", "@prefix bgi: <https://example.org/> .\n", "# nothing\n"])
def test_an_empty_input_is_an_error_not_a_conforming_graph(engine, content, tmp_path, capsys):
    data = tmp_path / "empty.ttl"
    data.write_text(content, encoding="utf-8")
    code, out, err = run(["validate", "--engine", engine, str(data)], capsys)
    assert code == 2
    assert f"{data}: no triples" in err
    assert "conforms" not in out


def test_json_output_is_a_json_error_object_on_exit_2(tmp_path, capsys):
    data = tmp_path / "empty.nt"
    data.write_text("", encoding="utf-8")
    code, out, _err = run(["validate", "--format", "json", str(data)], capsys)
    assert code == 2
    document = json.loads(out)
    assert document["exit"] == 2
    assert document["conforms"] is None
    assert document["error"].startswith(f"{data}: no triples")


def test_kg_check_with_a_missing_seeds_directory_is_exit_2(tmp_path, capsys):
    missing = tmp_path / "no-seeds"
    code, _out, err = run(["check", "--seeds", str(missing)], capsys)
    assert code == 2
    assert f"error: {missing}: no such directory of seed texts" in err
    assert "--no-citations" in err


def test_kg_check_skips_citations_only_when_asked(tmp_path, capsys):
    code, out, err = run(["check", "--no-citations", "--seeds", str(tmp_path / "no-seeds")], capsys)
    assert code == 0
    assert "structure and references OK" in out
    assert "citations not checked (--no-citations)" in err


LOOK_ALIKE = """\
@prefix bgi: <https://w3id.org/bg-inclusion/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/bg-inclusion/id/contract/x> a bgi:GrantСontract ;
    rdfs:label "договор"@bg .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_class_with_a_cyrillic_look_alike_letter_is_a_violation_naming_the_intended_term(
        engine, tmp_path, capsys):
    data = tmp_path / "lookalike.ttl"
    data.write_text(LOOK_ALIKE, encoding="utf-8")
    code, out, _err = run(["validate", "--engine", engine, "--format", "json", str(data)], capsys)
    assert code == 1
    document = json.loads(out)
    assert document["conforms"] is False
    [result] = [result for result in document["results"] if result["shape"].endswith("#DefinedOntologyTerm")]
    assert result["focus"] == "https://w3id.org/bg-inclusion/ontology#GrantСontract"
    assert "look-alike" in result["messages"]["en"]
    assert "did you mean <https://w3id.org/bg-inclusion/ontology#GrantContract>" in result["messages"]["en"]
    assert "може би <https://w3id.org/bg-inclusion/ontology#GrantContract>" in result["messages"]["bg"]


def test_a_misspelt_property_is_reported_with_the_closest_term(tmp_path, capsys):
    data = tmp_path / "typo.ttl"
    data.write_text(LOOK_ALIKE.replace('rdfs:label "договор"@bg', "bgi:amountt 5"), encoding="utf-8")
    code, out, _err = run(["validate", str(data)], capsys)
    assert code == 1
    assert "bgi:amountt" in out and "did you mean" in out


def test_the_bundled_build_uses_only_terms_of_the_ontology(built, capsys):
    code, out, _err = run(["validate", "--build", str(built)], capsys)
    assert code == 0, out
    assert "DefinedOntologyTerm" not in out


def test_lang_bg_gives_input_errors_and_notes_in_bulgarian(tmp_path, capsys):
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    code, out, err = run(["validate", "--lang", "bg", "--format", "json", str(empty)], capsys)
    assert code == 2
    assert err.startswith(f"грешка: {empty}: няма нито една тройка")
    assert json.loads(out)["error"].startswith(f"{empty}: няма нито една тройка")

    data = tmp_path / "lookalike.ttl"
    data.write_text(LOOK_ALIKE, encoding="utf-8")
    code, out, _err = run(["validate", "--lang", "bg", str(data)], capsys)
    assert "забележка: входните данни нямат онтология" in out
    assert "забележка: входните данни нямат именувани графи" in out
    assert "the input has" not in out


PROGRAMME_WITH_A_BAD_CODE = """\
@prefix bgi: <https://w3id.org/bg-inclusion/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/bg-inclusion/id/programme/x> a bgi:Programme ; rdfs:label "x"@bg, "x"@en ;
    bgi:programmeKind <https://w3id.org/bg-inclusion/id/concept/programme-kinds/operational-programme> ;
    dcterms:identifier "2014XX" .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_the_turtle_report_tags_every_message_with_its_language(engine, tmp_path, capsys):
    data = tmp_path / "programme.ttl"
    data.write_text(PROGRAMME_WITH_A_BAD_CODE, encoding="utf-8")
    code, out, _err = run(["validate", "--engine", engine, "--format", "turtle", str(data)], capsys)
    assert code == 1
    report = Graph().parse(data=out, format="turtle")  # valid Turtle
    messages = list(report.objects(None, SH.resultMessage))
    filled_in = [message for message in messages if "2014XX" in message]
    assert {message.language for message in filled_in} == {"bg", "en"}
    assert all(isinstance(message, Literal) and message.language for message in messages)
