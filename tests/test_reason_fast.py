"""The compiled entailments give exactly owlrl's inferred graph, and the build writes the
N-Quads of the in-memory rdflib + owlrl reference byte for byte."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from seed_documents import SEED_GRAPH_TRIPLES, SEED_INFERRED_TRIPLES, SEED_SOURCES

from kg.common import paths
from kg.reason.compiled import Entailments, inferred_graph_fast
from kg.reason.owlrl_reference import inferred_graph, reference_graphs
from kg.records import iris
from kg.release.build import build
from kg.release.files import nquads_text

BGI = iris.BGI


@pytest.fixture(scope="module")
def asserted_graphs():
    graphs, _count = reference_graphs(paths.data_dir(), reason=False)
    return graphs


def test_fast_entailments_equal_owlrl_on_the_bundled_graph(asserted_graphs):
    assert set(inferred_graph_fast(asserted_graphs.values())) == set(inferred_graph(asserted_graphs.values()))


def test_the_inferred_graph_has_the_documented_size(asserted_graphs):
    """Per seed document (its graph with the ontology and code lists), so that a new document in
    data/ changes none of these numbers; the whole inferred graph depends on every document."""
    vocabularies = [asserted_graphs[iris.ONTOLOGY_GRAPH], asserted_graphs[iris.VOCABULARIES_GRAPH]]
    entailed = {source_id: len(inferred_graph_fast([*vocabularies, asserted_graphs[iris.graph(source_id)]]))
                for source_id in SEED_SOURCES}
    assert entailed == SEED_INFERRED_TRIPLES


def _ontology() -> Graph:
    from kg.mapping.vocabularies import load_vocabulary_graphs

    graphs = load_vocabulary_graphs()
    return graphs[iris.ONTOLOGY_GRAPH] + graphs[iris.VOCABULARIES_GRAPH]


def test_a_school_is_entailed_to_be_an_organisation_through_the_class_hierarchy():
    school = URIRef(iris.ID + "org/x")
    entailed = set(Entailments(_ontology()).entailed((school, RDF.type, BGI.PrimarySchool)))
    assert (school, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in entailed


def test_an_inverse_property_is_entailed_the_other_way_round():
    contract, project = URIRef(iris.ID + "contract/c"), URIRef(iris.ID + "project/p")
    entailed = set(Entailments(_ontology()).entailed((contract, BGI.fundsProject, project)))
    assert (project, BGI.fundedByContract, contract) in entailed
    assert (project, RDF.type, BGI.Project) in entailed  # the range


def test_the_build_writes_the_nquads_of_the_rdflib_owlrl_reference_byte_for_byte(built, tmp_path):
    report = build(paths.data_dir(), tmp_path, validate=False)
    reference, _count = reference_graphs(paths.data_dir())
    assert (tmp_path / "kg.nq").read_text(encoding="utf-8") == nquads_text(reference)
    assert (tmp_path / "kg.nq").read_bytes() == (built / "kg.nq").read_bytes()
    assert report.triples == {str(name).removeprefix(str(iris.GRAPH)): len(graph)
                              for name, graph in reference.items()}
    assert {source_id: report.triples[source_id] for source_id in SEED_SOURCES} == SEED_GRAPH_TRIPLES


def test_the_streaming_builds_trig_and_store_hold_the_same_quads(tmp_path):
    report = build(paths.data_dir(), tmp_path, validate=False)
    from_nq = _loaded(tmp_path / "kg.nq", ox.RdfFormat.N_QUADS)  # the store writes canonical decimals
    from_trig = _loaded(tmp_path / "kg.trig", ox.RdfFormat.TRIG)
    store = ox.Store.read_only(str(tmp_path / "store"))
    named = [quad for quad in store.quads_for_pattern(None, None, None)
             if quad.graph_name != ox.DefaultGraph()]
    assert len(from_nq) == len(from_trig) == len(named) == sum(report.triples.values())
    assert _ground(from_trig) == _ground(from_nq) == _ground(named)  # blank nodes are renamed per parse


def _loaded(path, rdf_format) -> list:
    store = ox.Store()
    store.load(path=str(path), format=rdf_format)
    return list(store)


def _ground(quads) -> set:
    return {quad for quad in quads if not isinstance(quad.subject, ox.BlankNode)
            and not isinstance(quad.object, ox.BlankNode)}


def test_a_bad_reference_in_the_streaming_build_is_an_error_with_its_place(tmp_path):
    import shutil

    from kg.common.errors import KgError

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    path = data / "records" / "vidin-integrated-approach.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "project: project/BG05M9OP001-2.056-0025\n", "project: project/nowhere\n", 1), encoding="utf-8")
    with pytest.raises(KgError, match=r"vidin-integrated-approach.yaml:\d+: project: 'project/nowhere'"):
        build(data, tmp_path / "out", validate=False)
    assert not (tmp_path / "out" / "kg.nq").exists()


def test_malformed_yaml_in_the_streaming_build_is_an_error_with_its_place(tmp_path):
    import shutil

    from kg.common.errors import KgError

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    path = data / "records" / "curation.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"curation.yaml:\d+: yaml: not valid YAML"):
        build(data, tmp_path / "out", validate=False)
