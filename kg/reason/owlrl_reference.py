"""The OWL-RL closure of ontology + data, kept in its own graph (never mixed with asserted data).

Only what is new about the data's own resources is kept: the types and super-properties owlrl
derives for ``id/…`` subjects (e.g. a bgi:PrimarySchool is an org:Organization and a
schema:EducationalOrganization; a contract's target groups are its project's). Axioms about the
vocabularies themselves and owlrl's bookkeeping (reflexive owl:sameAs, owl:Thing) are dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import _toPythonMapping

from kg.mapping import aggregates, map_corpus
from kg.mapping.vocabularies import load_vocabulary_graphs
from kg.records import iris
from kg.records.corpus import load_corpus

NOISE_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


@contextlib.contextmanager
def _rdflib_conversions_kept() -> Iterator[None]:
    """owlrl replaces rdflib's lexical-to-value table for the whole process and never puts it
    back (its gMonthDay reader refuses ``--01-23``, so every later sh:datatype check in the
    process saw a valid day without a year as ill-typed): restore the table as it was."""
    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(saved)


def inferred_graph(graphs: Iterable[Graph]) -> Graph:
    """Run OWL-RL over the union of ``graphs``; return only the new triples about data."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    asserted = set(union)
    with _rdflib_conversions_kept():
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


def reference_graphs(data_dir: Path, reason: bool = True) -> tuple[dict[URIRef, Graph], int]:
    """Every graph of the release made in memory with rdflib and owlrl, and the record count.

    The reference the build is tested against: :func:`kg.release.build.build` (compiled
    entailments, streamed to N-Quads) must write these graphs' N-Quads byte for byte. Only for
    small data: an rdflib Dataset of 100 000 contracts does not fit in memory.
    """
    corpus = load_corpus(data_dir)
    graphs = map_corpus(corpus)
    facts: aggregates.Facts = {}
    for graph in graphs.values():
        for _triple in aggregates.collect(graph, facts):
            pass
    graphs.update(load_vocabulary_graphs())
    if reason:
        graphs[iris.INFERRED_GRAPH] = inferred_graph(graphs.values())
    # The aggregates (decision 0023) are computed from the mapped triples, nothing entailed from them.
    summed = Graph(identifier=aggregates.AGGREGATES_GRAPH)
    for triple in aggregates.aggregate_triples(facts):
        summed.add(triple)
    graphs[aggregates.AGGREGATES_GRAPH] = summed
    return graphs, len(corpus.records)
