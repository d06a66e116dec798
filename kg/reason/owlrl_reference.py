"""The OWL-RL closure of ontology + data, kept in its own graph (never mixed with asserted data).

Only what is new about the data's own resources is kept: the types and super-properties owlrl
derives for ``id/…`` subjects (e.g. a bgi:PrimarySchool is an org:Organization and a
schema:EducationalOrganization; a contract's target groups are its project's). Axioms about the
vocabularies themselves and owlrl's bookkeeping (reflexive owl:sameAs, owl:Thing) are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.records import iris

NOISE_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def inferred_graph(graphs: Iterable[Graph]) -> Graph:
    """Run OWL-RL over the union of ``graphs``; return only the new triples about data."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    asserted = set(union)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(union)
    inferred = Graph(identifier=iris.INFERRED_GRAPH)
    data_prefix = str(iris.ID)
    for subject, predicate, obj in union:
        if (subject, predicate, obj) in asserted:
            continue
        if not isinstance(subject, URIRef) or not str(subject).startswith(data_prefix):
            continue
        if isinstance(obj, BNode):  # anonymous classes (unions, restrictions) say nothing citable
            continue
        if predicate == OWL.sameAs or (predicate == RDF.type and obj in NOISE_OBJECTS):
            continue
        inferred.add((subject, predicate, obj))
    return inferred
