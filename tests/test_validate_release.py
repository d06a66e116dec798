"""The streaming build validates its release from the union and index files of its sort pass,
and that gives exactly the report the SPARQL engine gives for kg.nq."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import XSD

from kg.common import paths
from kg.release.build_stream import build_streaming
from kg.release.parts import INDEX_FILE, UNION_FILE
from kg.validate.data_graph import DESCRIBED_IN_GRAPH
from kg.validate.data_store import ill_typed_literals, prepare_data_graph, store_from_files
from kg.validate.engines import validate_files
from kg.validate.release_check import ill_typed_in_ntriples, validate_release_report


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A streaming build of the bundled records, keeping the files its validation step reads."""
    out = tmp_path_factory.mktemp("release")
    kept = out / "kept"
    kept.mkdir()

    def keep(nquads: Path, copy_of_store) -> str:
        for name in (UNION_FILE, INDEX_FILE):
            shutil.copy(nquads.with_name(name), kept / name)
        return "kept"

    build_streaming(paths.data_dir(), out, store=False, validate=keep)
    return out


def _triples(path: Path, rdf_format) -> set:
    quads = ox.parse(path=str(path), format=rdf_format)
    return {(quad.subject, quad.predicate, quad.object) for quad in quads
            if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode)}


def test_the_union_file_holds_every_triple_of_every_graph_once(release):
    lines = (release / "kept" / UNION_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))
    assert _triples(release / "kept" / UNION_FILE, ox.RdfFormat.N_TRIPLES) == \
        _triples(release / "kg.nq", ox.RdfFormat.N_QUADS)


def test_the_index_file_is_the_index_the_sparql_engine_derives(release):
    loaded = store_from_files([release / "kg.nq"])
    prepare_data_graph(loaded)
    derived = {(row[0], row[1]) for row in loaded.store.query(
        f"SELECT ?s ?g WHERE {{ ?s <{DESCRIBED_IN_GRAPH}> ?g }}")}
    written = {(quad.subject, quad.object)
               for quad in ox.parse(path=str(release / "kept" / INDEX_FILE), format=ox.RdfFormat.N_TRIPLES)}
    assert written == derived and len(written) > 1000


def test_the_release_report_equals_the_sparql_engines_report_for_kg_nq(release):
    from_files = validate_release_report(release / "kept" / UNION_FILE, release / "kept" / INDEX_FILE)
    from_nquads = validate_files([release / "kg.nq"], engine="sparql", timeout=None)
    assert from_files.results == from_nquads.results
    assert from_files.counts() == from_nquads.counts() and from_files.counts()["Warning"] > 0


def _union_with_a_word_for_an_amount(release: Path, tmp_path: Path) -> Path:
    """The release's union file with one amount's value made the word "много" (a violation)."""
    union = tmp_path / UNION_FILE
    amount = "<http://schema.org/value>"
    text = (release / "kept" / UNION_FILE).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if f" {amount} " in line)
    broken = line[:line.index(f" {amount} ")] + f' {amount} "много"^^<{XSD.decimal}> .'
    union.write_text(text.replace(line, broken, 1), encoding="utf-8")
    return union


def test_a_violation_in_the_release_is_reported(release, tmp_path):
    union = _union_with_a_word_for_an_amount(release, tmp_path)
    report = validate_release_report(union, release / "kept" / INDEX_FILE)
    assert not report.conforms
    assert any(result.severity == "Violation" and "много" in str(result.value) for result in report.results)


def test_the_builds_report_keeps_the_violations_and_counts_every_result(release, tmp_path):
    union = _union_with_a_word_for_an_amount(release, tmp_path)
    full = validate_release_report(union, release / "kept" / INDEX_FILE)
    build = validate_release_report(union, release / "kept" / INDEX_FILE, only_violations=True)
    assert sorted(map(repr, build.results)) == sorted(repr(result) for result in full.results
                                                      if result.severity == "Violation")
    assert build.counts() == full.counts() and full.counts()["Warning"] > 0
    assert not build.conforms


def test_validating_a_copy_of_the_served_store_gives_the_same_report_and_leaves_the_store_as_served(tmp_path):
    """The build adds the index to a copy of the store it serves (no second load of the union);
    the report is the one a store of the validation's own gives, and the index never reaches
    the served store."""
    reports = {}

    def both(nquads: Path, copy_of_store) -> str:
        union, index = nquads.with_name(UNION_FILE), nquads.with_name(INDEX_FILE)
        reports["on the copy"] = validate_release_report(union, index, data_store=copy_of_store)
        reports["own store"] = validate_release_report(union, index)
        return "compared"

    out = tmp_path / "build"
    build_streaming(paths.data_dir(), out, validate=both)
    assert reports["on the copy"].results == reports["own store"].results
    assert reports["on the copy"].counts() == reports["own store"].counts()
    assert reports["on the copy"].counts()["Warning"] > 0
    served = ox.Store.read_only(str(out / "store"))
    assert not served.query(f"ASK {{ ?s <{DESCRIBED_IN_GRAPH}> ?g }}")
    assert not served.query(f"ASK {{ GRAPH ?any {{ ?s <{DESCRIBED_IN_GRAPH}> ?g }} }}")
    assert not [path.name for path in out.iterdir() if path.name.startswith(".")]


def test_the_streaming_build_validates_a_copy_of_its_store_and_says_so(tmp_path, capfd):
    from kg.release.build import build

    report = build(paths.data_dir(), tmp_path / "build", progress=True)
    assert report.validation.startswith("validated: conforms")
    assert "copying the store for validation" in capfd.readouterr().err


def test_ill_typed_literals_are_found_in_the_file_as_in_the_store(tmp_path):
    path = tmp_path / "literals.nt"
    path.write_text("\n".join([
        f'<urn:a> <urn:p> "12.50"^^<{XSD.decimal}> .',
        f'<urn:a> <urn:p> "twelve"^^<{XSD.decimal}> .',
        f'<urn:a> <urn:p> "2022-02-30"^^<{XSD.date}> .',
        f'<urn:a> <urn:p> "2022-02-28"^^<{XSD.date}> .',
        f'<urn:a> <urn:p> "1 000"^^<{XSD.integer}> .',
        f'<urn:a> <urn:p> "a \\"quoted\\" word"^^<{XSD.integer}> .',
        '<urn:a> <urn:p> "текст"@bg .',
    ]) + "\n", encoding="utf-8")
    datatypes = [XSD.decimal, XSD.date, XSD.integer, URIRef(str(XSD.string))]
    from_file = ill_typed_in_ntriples(path, datatypes)
    loaded = store_from_files([path])
    prepare_data_graph(loaded, add_vocabularies=False)
    from_store = ill_typed_literals(loaded, datatypes)
    assert from_file == from_store
    assert sum(len(found) for found in from_file.values()) == 4


def test_a_release_that_fails_validation_leaves_the_previous_build_and_no_staging_store(tmp_path):
    from kg.validate.errors import ValidationFailedError

    out = tmp_path / "build"
    build_streaming(paths.data_dir(), out, validate=lambda nquads, copy_of_store: "fine")
    before = {path.relative_to(out): path.stat().st_mtime_ns for path in out.rglob("*")}

    def refuse(nquads: Path, copy_of_store) -> str:
        raise ValidationFailedError("the graph does not conform to the shapes")

    with pytest.raises(ValidationFailedError):
        build_streaming(paths.data_dir(), out, validate=refuse)
    after = {path.relative_to(out): path.stat().st_mtime_ns for path in out.rglob("*")}
    assert after == before
    assert ox.Store.read_only(str(out / "store")).query("ASK { ?s ?p ?o }")


@pytest.mark.parametrize("when", ["before it reads", "while it reads"])
def test_a_store_loader_that_dies_fails_the_build_and_leaves_the_previous_one(tmp_path, monkeypatch, when):
    """The served store loads from a pipe while kg.nq is written; should the loader die, the
    build must say so (not hang on the pipe) and leave the previous build as it was."""
    from kg.common.errors import KgError
    from kg.release import build_stream

    out = tmp_path / "build"
    build_streaming(paths.data_dir(), out, validate=lambda nquads, copy_of_store: "fine")
    before = {path.relative_to(out): path.stat().st_mtime_ns for path in out.rglob("*")}
    open_feed = build_stream._StoreLoader.open_feed

    def dying(loader):
        if when == "before it reads":
            loader.process.kill()
            loader.process.join()
            return open_feed(loader)
        feed = open_feed(loader)
        loader.process.kill()
        loader.process.join()
        return feed

    monkeypatch.setattr(build_stream._StoreLoader, "open_feed", dying)
    with pytest.raises(KgError, match=r"loading the store failed|store loader stopped"):
        build_streaming(paths.data_dir(), out, validate=lambda nquads, copy_of_store: "fine")
    after = {path.relative_to(out): path.stat().st_mtime_ns for path in out.rglob("*")}
    assert after == before
    assert not [path.name for path in out.iterdir() if path.name.startswith(".")]
