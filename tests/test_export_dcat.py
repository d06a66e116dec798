"""The export describes itself: DCAT-AP 3 (checked with the EU's SHACL shapes), VoID, checksums."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD
from seed_documents import seed_graphs

from kg.export.checksums import facts_of_file
from kg.export.coverage import COUNTRY_BULGARIA, temporal_bounds
from kg.export.pipeline import ExportOptions, export_release, graphs_from_build
from kg.export.settings import parse_release_date, publication
from kg.export.void import DATASET, VOID
from kg.records import iris

REPO = Path(__file__).resolve().parent.parent
DCAT_AP = REPO.parent / "shared" / "dcat-ap"
SPDX = Namespace("http://spdx.org/rdf/terms#")
CONSOLIDATED = "dcat-ap-3.0.0-SHACL.ttl"
FIXTURE = REPO / "tests" / "data" / "export" / "small.trig"


@pytest.fixture(scope="module")
def exported(built: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dcat") / "dist"
    export_release(graphs_from_build(built), out,
                   ExportOptions(publication(parse_release_date("2025-01-31"))))
    return out


@pytest.fixture(scope="module")
def description(exported: Path) -> Graph:
    return Graph().parse(exported / "dcat.ttl", format="turtle")


def shapes(*names: str) -> Graph:
    if not DCAT_AP.is_dir():
        pytest.fail(f"the DCAT-AP shapes are missing at {DCAT_AP} (CI has ../shared beside the clone)")
    graph = Graph()
    for name in names:
        graph.parse(DCAT_AP / name, format="turtle")
    return graph


def results(data: Graph, shape_graph: Graph) -> list[tuple[str, str, str]]:
    """(severity, path, constraint component) of each result of validating ``data``."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shape_graph, inference="none",
                                                allow_warnings=True)
    return sorted((str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1],
                   str(report.value(result, SH.resultPath)),
                   str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[1])
                  for result in report.subjects(RDF.type, SH.ValidationResult))


def test_the_description_conforms_to_the_eu_dcat_ap_3_shapes_with_no_violation(description):
    found = results(description, shapes(CONSOLIDATED))
    assert [result for result in found if result[0] == "Violation"] == []


def test_the_recommended_dcat_ap_properties_raise_no_violation(description):
    found = results(description, shapes("shapes_recommended.ttl"))
    assert [result for result in found if result[0] == "Violation"] == []


def test_the_split_eu_shapes_differ_from_the_consolidated_ones_only_on_byte_size(description):
    """shapes.ttl/range.ttl type dcat:byteSize as xsd:decimal; the consolidated shapes and DCAT 3
    say xsd:nonNegativeInteger, which we follow (docs/publishing.md)."""
    violations = {result for result in results(description, shapes("shapes.ttl", "range.ttl"))
                  if result[0] == "Violation"}
    assert violations == {("Violation", str(DCAT.byteSize), "DatatypeConstraintComponent")}


def test_a_distribution_without_access_url_or_a_dataset_without_title_is_caught(description):
    broken = Graph()
    for triple in description:
        broken.add(triple)
    distribution = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.remove((distribution, DCAT.accessURL, None))
    broken.remove((DATASET, DCTERMS.title, None))
    violations = [result for result in results(broken, shapes(CONSOLIDATED)) if result[0] == "Violation"]
    assert ("Violation", str(DCAT.accessURL), "MinCountConstraintComponent") in violations
    assert ("Violation", str(DCTERMS.title), "MinCountConstraintComponent") in violations


def test_each_distribution_states_the_size_and_sha256_of_its_file(description, exported):
    distributions = list(description.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 5 + 2 + 6  # RDF syntaxes, JSON-LD dump and projects, CSV tables
    for distribution in distributions:
        url = str(description.value(distribution, DCAT.downloadURL))
        assert description.value(distribution, DCAT.accessURL) == URIRef(url)
        name = url.removeprefix(iris.BASE + "dumps/")
        facts = facts_of_file(exported, name)
        assert description.value(distribution, DCAT.byteSize) == Literal(
            facts.byte_size, datatype=XSD.nonNegativeInteger)
        checksum = description.value(distribution, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(description.value(checksum, SPDX.checksumValue)) == facts.sha256
        assert str(description.value(distribution, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/")
        assert str(description.value(distribution, DCTERMS["format"])).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
        assert description.value(distribution, DCTERMS.issued) == Literal("2025-01-31", datatype=XSD.date)


def test_the_dataset_has_bilingual_title_licence_theme_languages_and_coverage(description):
    titles = {title.language for title in description.objects(DATASET, DCTERMS.title)}
    descriptions = {text.language for text in description.objects(DATASET, DCTERMS.description)}
    assert titles == descriptions == {"bg", "en"}
    assert description.value(DATASET, DCTERMS.license) == URIRef(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert (DATASET, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/SOCI")) \
        in description
    assert set(description.objects(DATASET, DCTERMS.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/BUL"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    spatial = set(description.objects(DATASET, DCTERMS.spatial))
    assert COUNTRY_BULGARIA in spatial
    assert {iris.thing("place/obshtina-kyustendil"), iris.thing("place/obshtina-vidin")} <= spatial
    publisher = description.value(DATASET, DCTERMS.publisher)
    assert description.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name")) is not None


def test_the_temporal_coverage_is_the_span_of_the_project_and_plan_dates(description, built):
    union, of_the_seed_documents = Graph(), Graph()
    for name, graph in graphs_from_build(built).items():
        if name != iris.INFERRED_GRAPH:
            for triple in graph:
                union.add(triple)
                if name in seed_graphs():
                    of_the_seed_documents.add(triple)
    period = description.value(DATASET, DCTERMS.temporal)
    start, end = description.value(period, DCAT.startDate), description.value(period, DCAT.endDate)
    assert (start, end) == temporal_bounds(union)
    assert temporal_bounds(of_the_seed_documents) == (Literal("2016-02", datatype=XSD.gYearMonth),
                                                      Literal("2024", datatype=XSD.gYear))


def test_temporal_bounds_compare_dates_of_different_precision():
    graph = Graph()
    project, plan = iris.thing("project/a"), iris.thing("plan/b")
    graph.add((project, RDF.type, iris.BGI.Project))
    graph.add((plan, RDF.type, iris.BGI.ActionPlan))
    graph.add((project, iris.BGI.startDate, Literal("2019-08", datatype=XSD.gYearMonth)))
    graph.add((plan, iris.BGI.periodStart, Literal("2019", datatype=XSD.gYear)))
    graph.add((project, iris.BGI.endDate, Literal("2024-12-31", datatype=XSD.date)))
    graph.add((plan, iris.BGI.periodEnd, Literal("2024", datatype=XSD.gYear)))
    document = iris.thing("document/mentioned")  # a document the data only mentions: not counted
    graph.add((document, RDF.type, iris.BGI.StrategicDocument))
    graph.add((document, iris.BGI.periodStart, Literal("2012", datatype=XSD.gYear)))
    assert temporal_bounds(graph) == (Literal("2019", datatype=XSD.gYear),
                                      Literal("2024", datatype=XSD.gYear))


def test_the_sparql_endpoint_is_a_data_service_serving_the_dataset(description):
    service = next(description.subjects(RDF.type, DCAT.DataService))
    assert description.value(service, DCAT.endpointURL) == URIRef(iris.BASE + "sparql")
    assert description.value(service, DCAT.servesDataset) == DATASET
    assert description.value(service, DCTERMS.conformsTo) == URIRef("https://www.w3.org/TR/sparql11-protocol/")


def test_void_counts_the_exported_triples_classes_and_properties(exported, built):
    void = Graph().parse(exported / "void.ttl", format="turtle")
    union = Graph()
    for name, graph in graphs_from_build(built).items():
        if name != iris.INFERRED_GRAPH:
            for triple in graph:
                union.add(triple)
    assert int(void.value(DATASET, VOID.triples)) == len(union)
    partitions = {void.value(partition, VOID["class"]): int(void.value(partition, VOID.entities))
                  for partition in void.objects(DATASET, VOID.classPartition)}
    assert partitions[iris.BGI.Project] == len(set(union.subjects(RDF.type, iris.BGI.Project)))
    properties = {void.value(partition, VOID.property)
                  for partition in void.objects(DATASET, VOID.propertyPartition)}
    assert iris.BGI.participant in properties
    dumps = {str(dump).rsplit("/", 1)[1] for dump in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {"kg.ttl", "kg.trig", "kg.nt", "kg.nq", "kg.rdf"}


def test_the_deployment_base_is_a_setting(tmp_path):
    env = {**os.environ, "KG_BASE": "https://data.example.org/incl/"}
    script = ("from pathlib import Path\n"
              "from kg.export.pipeline import ExportOptions, export_release\n"
              "from kg.export.settings import publication\n"
              "from rdflib import Dataset\n"
              f"dataset = Dataset(); dataset.parse({str(FIXTURE)!r}, format='trig')\n"
              "graphs = {g.identifier: g for g in dataset.graphs() if len(g)}\n"
              f"export_release(graphs, Path({str(tmp_path / 'dist')!r}), ExportOptions(publication(), "
              "formats=('ttl',)))\n")
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    description = Graph().parse(tmp_path / "dist" / "dcat.ttl", format="turtle")
    dataset = URIRef("https://data.example.org/incl/id/dataset/bg-inclusion-kg")
    assert (dataset, RDF.type, DCAT.Dataset) in description
    urls = {str(url) for url in description.objects(None, DCAT.downloadURL)}
    assert urls and all(url.startswith("https://data.example.org/incl/dumps/") for url in urls)
