"""``kg build``: named graphs per source, atomic byte-identical release files, clear errors."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from kg.common import paths
from kg.records import iris
from kg.records.sources import load_sources
from kg.release.lock import LOCK_NAME

SOURCE_GRAPHS = ["alos-equal-opportunities", "curation", "kyustendil-equal-opportunities",
                 "kyustendil-independent-living", "kyustendil-roma-action-plan-2022-2024",
                 "vidin-integrated-approach"]


def test_the_build_has_one_graph_per_source_plus_ontology_vocabularies_and_inferred(dataset, data_dir):
    graphs = {str(graph.identifier).removeprefix(str(iris.GRAPH))
              for graph in dataset.graphs() if len(graph)}
    sources = set(load_sources(data_dir / "sources.yaml"))
    assert sources >= set(SOURCE_GRAPHS)
    assert graphs == sources | {"ontology", "vocabularies", "inferred", "aggregates"}  # decision 0021


def test_each_source_graph_describes_its_document_with_sha256(dataset):
    for source_id in SOURCE_GRAPHS:
        graph = dataset.graph(iris.graph(source_id))
        document = iris.source_document(source_id)
        assert (document, RDF.type, iris.BGI.SourceDocument) in graph
        assert (iris.graph(source_id), DCTERMS.source, document) in graph
        if source_id != "curation":
            assert len(list(graph.objects(document, iris.BGI.sha256))) == 1


def test_inferred_triples_are_kept_apart_from_asserted_ones(dataset):
    inferred = dataset.graph(iris.INFERRED_GRAPH)
    assert len(inferred) > 0
    for source_id in SOURCE_GRAPHS:
        asserted = dataset.graph(iris.graph(source_id))
        assert not any(triple in asserted for triple in list(inferred)[:2000])


def test_facts_stated_by_two_documents_appear_in_both_graphs(dataset):
    project = iris.thing("project/BG05M9OP001-2.018-0031")
    for source_id in ("kyustendil-equal-opportunities", "alos-equal-opportunities"):
        assert (project, RDF.type, iris.BGI.Project) in dataset.graph(iris.graph(source_id))


def test_the_release_files_parse_as_the_same_dataset(built):
    from_nquads = Dataset()
    from_nquads.parse(built / "kg.nq", format="nquads")
    from_trig = Dataset()
    from_trig.parse(built / "kg.trig", format="trig")
    names = {graph.identifier for graph in from_nquads.graphs() if len(graph)}
    assert names == {graph.identifier for graph in from_trig.graphs() if len(graph)}
    for name in names:
        assert isomorphic(from_nquads.graph(name), from_trig.graph(name)), name


def _run_kg(*args: str, cwd: Path, seed: str = "0") -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_two_builds_are_byte_identical(built, tmp_path):
    result = _run_kg("build", "--quiet", "--out", str(tmp_path), cwd=tmp_path, seed="12345")
    assert result.returncode == 0, result.stderr
    for name in ("kg.nq", "kg.trig"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_build_prints_the_graphs_and_triples_it_built(tmp_path):
    result = _run_kg("build", "--no-reason", "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "graphs from" in result.stdout
    assert "kyustendil-roma-action-plan-2022-2024" in result.stdout
    assert "triples" in result.stdout and "mapping records" in result.stderr


def test_a_bad_record_stops_the_build_and_leaves_the_previous_build_intact(data_copy, tmp_path):
    out = tmp_path / "out"
    first = _run_kg("build", "--no-reason", "--quiet", "--data", str(data_copy), "--out", str(out),
                    cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = (out / "kg.nq").read_bytes()
    broken = data_copy / "records" / "vidin-integrated-approach.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("1 589 270,65 лв.", "1 589 27,65 лв."), encoding="utf-8")
    second = _run_kg("build", "--no-reason", "--quiet", "--data", str(data_copy), "--out", str(out),
                     cwd=tmp_path)
    assert second.returncode == 2
    assert "Traceback" not in second.stderr
    assert "vidin-integrated-approach.yaml:" in second.stderr
    assert "not thousands" in second.stderr
    assert (out / "kg.nq").read_bytes() == before
    # No staging left; only the lock file that keeps a second build out (kg/release/lock.py).
    assert [path.name for path in out.iterdir() if path.name.startswith(".")] == [LOCK_NAME]


def test_every_data_resource_says_where_it_is_stated(dataset):
    query = """
        PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
        SELECT DISTINCT ?thing WHERE {
          GRAPH ?g { ?thing a ?class }
          FILTER (STRSTARTS(STR(?thing), "https://w3id.org/bg-inclusion/id/")
                  && ?g != <https://w3id.org/bg-inclusion/graph/inferred>
                  && ?g != <https://w3id.org/bg-inclusion/graph/aggregates>
                  && ?g != <https://w3id.org/bg-inclusion/graph/vocabularies>)
          FILTER NOT EXISTS { ?thing bgi:statedAt ?location }
          FILTER NOT EXISTS { ?thing a bgi:SourceDocument }
          FILTER NOT EXISTS { ?thing a bgi:SourceLocation }
          FILTER NOT EXISTS { ?thing a bgi:DerivedAmount }
          FILTER NOT EXISTS { ?thing a bgi:Indicator }
          FILTER NOT EXISTS { ?thing a <http://spdx.org/rdf/terms#Checksum> }
        }"""
    assert [str(row.thing) for row in dataset.query(query)] == []


def test_bgn_amounts_carry_a_derived_eur_value(dataset):
    amount = iris.thing("project/BG05M9OP001-2.056-0025/amount/total")
    eur = dataset.value(amount, iris.BGI.eurEquivalent)
    assert eur is not None
    assert str(dataset.value(eur, iris.SCHEMA.value)) == "812581.18"
    assert (eur, RDF.type, iris.BGI.DerivedAmount) in dataset
    assert dataset.value(eur, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == amount


def test_every_resource_of_the_source_graphs_has_a_bulgarian_or_english_label(dataset):
    """A label wherever a thing is stated: in Bulgarian, or in English where the text names it
    only in English (a register record, a page in English; the shapes warn of those)."""
    query = """
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?thing WHERE {
          GRAPH ?g { ?thing a ?class }
          FILTER (?g NOT IN (<https://w3id.org/bg-inclusion/graph/ontology>,
                             <https://w3id.org/bg-inclusion/graph/vocabularies>,
                             <https://w3id.org/bg-inclusion/graph/inferred>,
                             <https://w3id.org/bg-inclusion/graph/aggregates>))
          FILTER NOT EXISTS { ?thing rdfs:label|skos:prefLabel ?label FILTER (lang(?label) IN ("bg", "en")) }
        }"""
    assert [str(row.thing) for row in dataset.query(query)] == []


def test_a_thing_without_a_bulgarian_label_is_named_in_english_by_its_text(dataset):
    rows = dataset.query("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?thing WHERE {
          GRAPH ?g { ?thing a ?class }
          FILTER (STRSTARTS(STR(?g), "https://w3id.org/bg-inclusion/graph/")
                  && ?g NOT IN (<https://w3id.org/bg-inclusion/graph/ontology>,
                                <https://w3id.org/bg-inclusion/graph/vocabularies>,
                                <https://w3id.org/bg-inclusion/graph/inferred>,
                                <https://w3id.org/bg-inclusion/graph/aggregates>))
          FILTER NOT EXISTS { ?thing rdfs:label|skos:prefLabel ?label FILTER (lang(?label) = "bg") }
        }""")
    english_only = {str(row.thing) for row in rows}
    # the register record of doc13 and the English pages name these in English only
    assert "https://w3id.org/bg-inclusion/id/org/international-development-norway" in english_only
    assert not any("kyustendil" in thing for thing in english_only)  # every seed thing is in Bulgarian



def test_kg_check_confirms_every_citation(seeds_dir, tmp_path):
    result = _run_kg("check", "--seeds", str(seeds_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "every verbatim value occurs at its cited line" in result.stdout


def test_kg_query_runs_a_saved_query_with_a_parameter(built, tmp_path):
    result = _run_kg("query", "actions-by-institution", "--build", str(built), "--format", "csv",
                     "--param", "institution=https://w3id.org/bg-inclusion/id/org/dbt-kyustendil",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    in_the_plan = [row for row in rows
                   if row["item"].startswith(str(iris.thing("plan/kyustendil-roma-2022-2024")) + "/")]
    assert [row["priorityName"] for row in in_the_plan] == ["ЗАЕТОСТ"] * 8


def test_kg_query_without_a_build_says_what_to_do(tmp_path):
    result = _run_kg("query", "disagreements", "--build", str(tmp_path / "none"), cwd=tmp_path)
    assert result.returncode == 2
    assert "run `kg build` first" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_ontology_file_is_reported_without_a_traceback(tmp_path):
    home = tmp_path / "home"
    shutil.copytree(paths.bundle_dir() / "data", home / "data")
    shutil.copytree(paths.bundle_dir() / "ontology", home / "ontology")
    (home / "ontology" / "bgi.ttl").write_text("@prefix bgi: <x#> .\nbgi:a bgi:b", encoding="utf-8")
    environment = {**os.environ, "KG_HOME": str(home)}
    result = subprocess.run([sys.executable, "-m", "kg", "build", "--quiet", "--out", str(tmp_path / "o")],
                            cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "bgi.ttl: cannot read the ontology" in result.stderr and "Traceback" not in result.stderr


def test_an_unwritable_output_directory_is_reported_without_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = _run_kg("build", "--quiet", "--no-reason", "--out", str(blocker / "out"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("error:") and "Traceback" not in result.stderr
