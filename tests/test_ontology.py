"""Ontology quality checks, as SPARQL queries that must return no rows, and its alignments."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.common import paths
from kg.records import iris
from kg.records.schema import ENUM_SCHEMES, KIND_CLASSES, TYPES

PREFIXES = """
PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(paths.ontology_dir() / "bgi.ttl", format="turtle")
    return graph


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    graph = Graph()
    graph.parse(paths.ontology_dir() / "vocabularies.ttl", format="turtle")
    return graph


@pytest.mark.parametrize(("what", "language"), [
    ("rdfs:label", "bg"), ("rdfs:label", "en"), ("skos:definition", "bg"), ("skos:definition", "en")])
def test_every_term_has_exactly_one_label_and_definition_per_language(ontology, what, language):
    query = PREFIXES + f"""
        SELECT ?term (COUNT(?text) AS ?n) WHERE {{
          ?term a ?kind .
          VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }}
          FILTER STRSTARTS(STR(?term), STR(bgi:))
          OPTIONAL {{ ?term {what} ?text FILTER (lang(?text) = "{language}") }}
        }} GROUP BY ?term HAVING (COUNT(?text) != 1)"""
    assert [str(row.term) for row in ontology.query(query)] == []


def test_every_concept_and_scheme_is_labelled_in_bg_and_en(vocabularies):
    query = PREFIXES + """
        SELECT ?thing ?lang WHERE {
          ?thing a ?kind . VALUES ?kind { skos:Concept skos:ConceptScheme }
          VALUES ?lang { "bg" "en" }
          FILTER NOT EXISTS { ?thing skos:prefLabel ?label FILTER (lang(?label) = ?lang) }
        }"""
    assert list(vocabularies.query(query)) == []


def test_no_bgi_term_is_used_in_the_data_that_the_ontology_does_not_declare(dataset, ontology):
    declared = {term for term in ontology.subjects(RDF.type, None) if isinstance(term, URIRef)}
    used = set()
    for _subject, predicate, obj, _graph in dataset.quads():
        used.add(predicate)
        if predicate == RDF.type:
            used.add(obj)
    undeclared = sorted(str(term) for term in used
                        if str(term).startswith(str(iris.BGI)) and term not in declared)
    assert undeclared == []


def test_every_term_the_schema_maps_to_is_declared(ontology):
    declared = {str(term) for term in ontology.subjects(RDF.type, None)}
    needed = set()
    for record_type in TYPES.values():
        needed.add(record_type.rdf_class)
        needed.update(field.predicate for field in record_type.fields if field.predicate)
    for classes in KIND_CLASSES.values():
        needed.update(classes.values())
    missing = sorted(name for name in needed if name.startswith("bgi:")
                     and str(iris.curie(name)) not in declared)
    assert missing == []


def test_every_concept_used_in_the_data_is_in_a_code_list(dataset, vocabularies):
    declared = set(vocabularies.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    predicates = [iris.curie(name) for name, scheme in ENUM_SCHEMES.items() if scheme]
    predicates.append(iris.BGI.approximation)
    used = {obj for predicate in predicates for obj in dataset.objects(None, predicate)}
    assert sorted(str(term) for term in used - declared) == []


def test_ontology_is_an_owl_ontology_with_version_and_licence(ontology):
    assert (iris.ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iris.ONTOLOGY, OWL.versionInfo) is not None


@pytest.mark.parametrize(("thing", "cls"), [
    ("org/obshtina-kyustendil", "http://www.w3.org/ns/org#Organization"),
    ("org/ou-prof-marin-drinov-kyustendil", "http://www.w3.org/ns/org#Organization"),
    ("org/ou-prof-marin-drinov-kyustendil", "http://schema.org/EducationalOrganization"),
    ("org/dg-slantse-kyustendil", "http://schema.org/EducationalOrganization"),
    ("contract/BG05M9OP001-2.018-0031-C01", "http://schema.org/MonetaryGrant"),
    ("contract/BGLD-2.003-0004-C01", "http://schema.org/MonetaryGrant"),
])
def test_after_owl_rl_reasoning_standard_classes_find_our_instances(dataset, thing, cls):
    assert (iris.thing(thing), RDF.type, URIRef(cls)) in dataset.graph(iris.INFERRED_GRAPH)


def test_a_generic_actor_group_is_not_inferred_to_be_an_organisation(dataset):
    group = iris.thing("org/group-npo")
    assert (group, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) not in dataset


def test_target_groups_of_a_contract_leg_are_inferred_for_the_project(dataset):
    project = "<https://w3id.org/bg-inclusion/id/project/BG05M9OP001-2.018-0031>"
    inferred = PREFIXES + f"""
        SELECT ?group WHERE {{
          GRAPH <https://w3id.org/bg-inclusion/graph/inferred> {{ {project} bgi:targetGroup ?group }}
          ?contract bgi:fundsProject {project} ; bgi:targetGroup ?group .
        }}"""
    assert len(list(dataset.query(inferred))) >= 3
    everything = PREFIXES + f"SELECT DISTINCT ?group WHERE {{ {project} bgi:targetGroup ?group }}"
    assert len(list(dataset.query(everything))) == 5  # 3 under OP HRD, 2 under OP SESG


def test_every_value_of_every_enum_field_is_a_concept_of_its_scheme(vocabularies):
    concepts = set(vocabularies.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    missing = []
    for record_type in TYPES.values():
        for field in record_type.fields:
            scheme = ENUM_SCHEMES.get(field.predicate or "")
            if field.kind == "enum" and scheme:
                missing += [f"{scheme}/{value}" for value in field.values
                            if iris.concept(scheme, value) not in concepts]
    assert missing == []


def test_every_kind_class_is_declared_and_labelled(ontology):
    for classes in KIND_CLASSES.values():
        for name in classes.values():
            assert (iris.curie(name), RDF.type, OWL.Class) in ontology, name
