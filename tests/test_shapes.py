"""SHACL shapes and ``kg validate``: the build conforms, the mutation suite fails as specified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutation_suite import MUTATIONS, VALID_DIR, Mutation
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from seed_documents import stated_in_seed_documents

from kg.cli import main
from kg.common import paths
from kg.records import iris
from kg.validate.engines import validate_files, validate_graphs
from kg.validate.shapes import load_shapes, named_shapes

VALID = sorted(VALID_DIR.glob("*.trig"))
SPARQL_SHAPES_WITHOUT_FIXTURE: set[str] = set()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def assembled() -> dict:
    """The graphs `kg build` publishes (sources, ontology, code lists, inferred), not written."""
    from kg.reason.owlrl_reference import reference_graphs

    graphs, _records = reference_graphs(paths.data_dir(), reason=True)
    return graphs


def expand(term: str) -> str:
    """``bgis:Name`` and ``<id/...>`` as written in the mutation table -> full IRIs."""
    term = term.strip()
    if term.startswith("bgis:"):
        return str(iris.SHAPES) + term.removeprefix("bgis:")
    return str(iris.BASE) + term.strip("<>")


def validate(path: Path, shapes: Graph):
    return validate_files([path], shapes=shapes, timeout=None)


# ------------------------------------------------------------------ the data conforms

def test_the_bundled_graph_conforms_with_the_expected_warnings(assembled, shapes):
    report = validate_graphs(assembled, shapes=shapes, timeout=None)
    assert report.conforms, [(str(result.shape), str(result.focus)) for result in report.results
                             if result.severity == "Violation"]
    warnings = {(str(result.shape).removeprefix(str(iris.SHAPES)),
                 str(result.focus).removeprefix(str(iris.ID)))
                for result in report.results if result.severity == "Warning"}
    assert ("Measure-hasAction", "plan/kyustendil-roma-2022-2024/housing/m5") in warnings
    seed_resources = {str(resource).removeprefix(str(iris.ID))
                      for resource in stated_in_seed_documents(assembled)}
    assert {focus for shape, focus in warnings
            if shape == "Project-beneficiaryNamed" and focus in seed_resources} == {
        "project/BG05M9OP001-2.029-0004", "project/BGLD-2.003-0004",
        "project/uslugi-za-ranno-detsko-razvitie-v-obshtina-kyustendil"}
    assert not report.notes  # the build has its ontology and its named graphs


@pytest.mark.parametrize("path", VALID, ids=[path.stem for path in VALID])
def test_every_valid_fixture_conforms(path, shapes):
    report = validate(path, shapes)
    assert report.conforms, [(str(result.shape), str(result.focus), result.message("en"))
                             for result in report.results if result.severity == "Violation"]


def test_the_valid_fixtures_give_every_targeted_shape_a_focus_node(shapes):
    data = Graph()
    for path in VALID:
        dataset = Dataset()
        dataset.parse(path, format="trig")
        for quad in dataset.quads((None, None, None, None)):
            data.add(quad[:3])
        for graph in dataset.graphs():
            for subject in set(graph.subjects()):
                data.add((subject, iris.SHAPES.describedInGraph, graph.identifier))
    data.parse(paths.ontology_dir() / "bgi.ttl")
    data.parse(paths.ontology_dir() / "vocabularies.ttl")
    without_focus = []
    for shape in named_shapes(shapes):
        focus = set()
        for cls in shapes.objects(shape, SH.targetClass):
            classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
            focus |= {node for subclass in classes for node in data.subjects(RDF.type, subclass)}
        for predicate in shapes.objects(shape, SH.targetSubjectsOf):
            focus |= set(data.subjects(predicate, None))
        targeted = any((shape, target, None) in shapes for target in (SH.targetClass, SH.targetSubjectsOf))
        if targeted and not focus:
            without_focus.append(str(shape))
    assert not without_focus


# ------------------------------------------------------------------ the mutation suite

def test_the_mutation_suite_has_at_least_40_fixtures_each_written_once(shacl_fixtures):
    files = {path.name for path in (shacl_fixtures / "invalid").glob("*.trig")}
    assert len(MUTATIONS) >= 40
    assert files == {mutation.file for mutation in MUTATIONS}
    assert len(files) == len(MUTATIONS)
    for mutation in MUTATIONS:
        assert mutation.description and (VALID_DIR / f"{mutation.base}.trig").is_file(), mutation.name
        assert mutation.severity in ("Violation", "Warning", "Info"), mutation.name
        assert mutation.remove or mutation.add or mutation.remove_subject, mutation.name


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.name for mutation in MUTATIONS])
def test_each_invalid_fixture_is_a_small_change_to_its_base(mutation: Mutation, shacl_fixtures):
    def triples(path: Path) -> set:
        dataset = Dataset()
        dataset.parse(path, format="trig")
        return {quad for quad in dataset.quads((None, None, None, None))}

    changed = (triples(shacl_fixtures / "valid" / f"{mutation.base}.trig")
               ^ triples(shacl_fixtures / "invalid" / mutation.file))
    assert 0 < len(changed) <= 12, len(changed)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.name for mutation in MUTATIONS])
def test_each_invalid_fixture_yields_exactly_the_expected_shape_and_focus(mutation: Mutation, shapes,
                                                                          shacl_fixtures):
    report = validate(shacl_fixtures / "invalid" / mutation.file, shapes)
    shape, focus, severity = expand(mutation.shape), expand(mutation.focus), mutation.severity
    expected = [result for result in report.results
                if (str(result.shape), str(result.focus), result.severity) == (shape, focus, severity)]
    assert expected, f"{mutation.file}: no {severity} of {mutation.shape} at {mutation.focus}"
    for result in expected:
        languages = {language for language, _text in result.messages}
        assert {"bg", "en"} <= languages, result.messages
        assert result.message("bg") != result.message("en")
    allowed = {(expand(other_shape), expand(other_focus)) for other_shape, other_focus in mutation.also}
    if severity == "Violation":
        allowed.add((shape, focus))
    violations = {(str(result.shape), str(result.focus)) for result in report.results
                  if result.severity == "Violation"}
    assert violations == allowed
    assert report.conforms == (severity != "Violation")


def test_every_sparql_rule_has_a_violating_fixture(shapes):
    covered = {expand(mutation.shape) for mutation in MUTATIONS}
    covered |= {expand(other_shape) for mutation in MUTATIONS for other_shape, _focus in mutation.also}
    sparql_shapes = {str(shape) for shape in shapes.subjects(SH.sparql, None)}
    assert sparql_shapes - covered == SPARQL_SHAPES_WITHOUT_FIXTURE


# ------------------------------------------------------------------ the shapes themselves

def _all_shapes(shapes: Graph) -> set:
    found = named_shapes(shapes)
    for predicate in (SH.node, SH.qualifiedValueShape, SH["not"]):
        found |= set(shapes.objects(None, predicate))
    for predicate in (SH["or"], SH["and"], SH.xone):
        for head in shapes.objects(None, predicate):
            found |= set(Collection(shapes, head))
    return found


def test_every_shape_is_a_named_iri_with_a_severity_and_messages_in_bulgarian_and_english(shapes):
    for shape in _all_shapes(shapes) | set(shapes.objects(None, SH.sparql)):
        assert isinstance(shape, URIRef) and str(shape).startswith(str(iris.SHAPES)), shape
        languages = {message.language for message in shapes.objects(shape, SH.message)
                     if isinstance(message, Literal)}
        assert {"bg", "en"} <= languages, shape
    for shape in _all_shapes(shapes):
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_the_shapes_use_every_severity_and_are_split_by_family(shapes):
    severities = {shapes.value(shape, SH.severity) for shape in _all_shapes(shapes)}
    assert severities == {SH.Violation, SH.Warning, SH.Info}
    assert {path.stem for path in (paths.shapes_dir()).glob("*.ttl")} >= {
        "common", "grants", "organisations", "plan", "statistics", "provenance"}


def test_value_sets_are_exactly_the_code_lists(shapes):
    vocabularies = Graph().parse(paths.ontology_dir() / "vocabularies.ttl")
    schemes = {}
    for concept, scheme in vocabularies.subject_objects(SKOS.inScheme):
        schemes.setdefault(scheme, set()).add(concept)
    checked = 0
    for head in shapes.objects(None, SH["in"]):
        members = set(Collection(shapes, head))
        if not all(isinstance(member, URIRef) for member in members):
            continue
        owning = {scheme for scheme, concepts in schemes.items() if members & concepts}
        assert len(owning) == 1, members
        assert members == schemes[owning.pop()]
        checked += 1
    assert checked >= 12


def test_every_class_of_the_data_is_the_target_of_a_shape(assembled, shapes):
    skipped = {iris.ONTOLOGY_GRAPH, iris.VOCABULARIES_GRAPH, iris.INFERRED_GRAPH}
    used = {cls for name, graph in assembled.items() if name not in skipped
            for cls in graph.objects(None, RDF.type)}
    targets = set(shapes.objects(None, SH.targetClass))
    ontology = Graph().parse(paths.ontology_dir() / "bgi.ttl")

    def covered(cls) -> bool:
        return bool(set(ontology.transitive_objects(cls, RDFS.subClassOf)) & targets)

    assert {str(cls) for cls in used if not covered(cls)} == set()


# ------------------------------------------------------------------ kg validate and kg build

def test_kg_validate_exits_0_on_conforming_data_and_prints_its_warnings(capsys):
    assert main(["validate", str(VALID_DIR / "plan-housing.trig")]) == 0
    out = capsys.readouterr().out
    assert "conforms: 0 violations" in out
    assert "Warning  bgis:Measure-hasAction" in out
    assert "id:plan/kyustendil-roma-2022-2024/housing/m5" in out


def test_kg_validate_exits_1_and_explains_the_violation_in_english_and_bulgarian(capsys, shacl_fixtures):
    fixture = str(shacl_fixtures / "invalid" / "01-contract-number-cyrillic-es.trig")
    assert main(["validate", fixture, "--lang", "en"]) == 1
    english = capsys.readouterr().out
    assert "does not conform: 2 violations" in english
    assert "Violation  bgis:Identifier-cyrillicLetter  (1 focus node)" in english
    assert "  id:contract/BG05M9OP001-2.018-0031-C01" in english
    assert "contains the Cyrillic letter “С” at position 24 instead of the Latin “C”" in english
    assert main(["validate", fixture, "--lang", "bg"]) == 1
    bulgarian = capsys.readouterr().out
    assert "не съответства на формите: 2 нарушения" in bulgarian
    assert "съдържа кирилската буква „С“ на позиция 24 вместо латинската „C“" in bulgarian


def test_kg_validate_reports_json_and_turtle(capsys, shacl_fixtures):
    fixture = str(shacl_fixtures / "invalid" / "15-amount-typed-double.trig")
    assert main(["validate", fixture, "--format", "json", "--lang", "bg"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["conforms"] is False
    [result] = [result for result in document["results"] if result["severity"] == "Violation"]
    assert result["shape"] == str(iris.SHAPES["Amount-valueDatatype"])
    assert result["value"].endswith("^^<http://www.w3.org/2001/XMLSchema#double>")
    assert "xsd:decimal" in result["message"] and "Паричната" in result["message"]
    assert main(["validate", fixture, "--format", "turtle"]) == 1
    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report


def test_kg_validate_exits_2_with_file_line_column_on_unparsable_input(tmp_path, capsys):
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n',
                      encoding="utf-8")
    assert main(["validate", str(broken)]) == 2
    error = capsys.readouterr().err
    assert f"{broken}:3:" in error and "Traceback" not in error
    lines = tmp_path / "broken.nq"
    lines.write_text("<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n",
                     encoding="utf-8")
    assert main(["validate", str(lines)]) == 2
    assert f"{lines}:2:1: " in capsys.readouterr().err
    unknown = tmp_path / "data.unknown"
    unknown.write_text("", encoding="utf-8")
    assert main(["validate", str(unknown)]) == 2
    assert "--format-in" in capsys.readouterr().err


def test_kg_validate_exits_3_when_it_runs_out_of_time(capsys):
    assert main(["validate", str(VALID_DIR / "grants-vidin.trig"), "--timeout", "0.01"]) == 3
    assert "did not finish within 0.01 seconds" in capsys.readouterr().err


def test_kg_validate_reads_any_rdflib_format(tmp_path, shapes, shacl_fixtures):
    dataset = Dataset()
    dataset.parse(shacl_fixtures / "invalid" / "30-project-start-after-end.trig", format="trig")
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    turtle = tmp_path / "project.ttl"
    union.serialize(turtle, format="turtle")
    report = validate_files([turtle], shapes=shapes, timeout=None)
    assert {str(result.shape) for result in report.results if result.severity == "Violation"} == {
        str(iris.SHAPES["Project-startNotAfterEnd"])}
    assert any("no named graphs" in note for note in report.notes)


def test_kg_build_refuses_to_publish_a_graph_with_violations(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("kg.nq", "kg.trig"):
        (out / name).write_text(f"the previous release's {name}\n", encoding="utf-8")
    records = data_copy / "records" / "kyustendil-equal-opportunities.yaml"
    text = records.read_text(encoding="utf-8")
    assert text.count("57 744.05 лв.") == 1
    records.write_text(text.replace("57 744.05 лв.", "57 744.06 лв."), encoding="utf-8")
    code = main(["build", "--data", str(data_copy), "--out", str(out), "--no-reason", "--quiet"])
    error = capsys.readouterr().err
    assert code == 2
    assert "does not conform" in error and "bgis:Amount-totalIsDirectPlusIndirect" in error
    assert "bgis:Amount-indirectRate" in error
    for name in ("kg.nq", "kg.trig"):
        assert (out / name).read_text(encoding="utf-8") == f"the previous release's {name}\n"
    assert not (out / "store").exists()


def test_the_shapes_are_plain_turtle_with_no_blank_node_shapes(shapes):
    blank = [node for node in _all_shapes(shapes) if isinstance(node, BNode)]
    assert not blank
    assert not list(shapes.subjects(RDF.type, SH.SPARQLTarget))
    assert (None, SKOS.prefLabel, None) not in shapes


def test_kg_validate_never_fetches_anything(tmp_path, monkeypatch, shapes):
    import socket

    def refuse(*_args, **_kwargs):
        raise AssertionError("kg validate tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    importing = tmp_path / "importing-shapes.ttl"
    importing.write_text(shapes.serialize(format="turtle")
                         + "\n<https://w3id.org/bg-inclusion/shapes> <http://www.w3.org/2002/07/owl#imports> "
                           "<http://192.0.2.1/more-shapes.ttl> .\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://www.w3.org/2002/07/owl#imports> "
                    "<http://192.0.2.1/ontology.ttl> .\n", encoding="utf-8")
    report = validate_files([data], shapes=importing, timeout=None)
    assert report.conforms


def test_kg_validate_can_infer_before_validating(capsys, shacl_fixtures):
    fixture = str(shacl_fixtures / "invalid" / "30-project-start-after-end.trig")
    assert main(["validate", fixture, "--inference", "rdfs"]) == 1
    assert "bgis:Project-startNotAfterEnd" in capsys.readouterr().out
