"""The entailments the project relies on, computed per triple from a compiled ontology.

owlrl materialises the whole OWL 2 RL closure (about 2 000 input triples per second); the
graph only needs the part of it that :mod:`kg.reason.owlrl_reference` keeps (new triples about ``id/…``
resources). Those come from a fixed set of rules over the ontology's axioms, which
:class:`Entailments` compiles once into a plan per predicate and per class:

* ``rdfs:subClassOf`` (with ``owl:equivalentClass`` both ways, and the members of an
  ``owl:unionOf`` as subclasses of the union) — cax-sco, cax-eqc, scm-uni;
* ``rdfs:subPropertyOf`` (with ``owl:equivalentProperty`` both ways) — prp-spo1, prp-eqp;
* ``owl:inverseOf`` — prp-inv1/2; ``rdfs:domain`` / ``rdfs:range`` — prp-dom, prp-rng;
* ``owl:TransitiveProperty`` (``bgi:within``) and ``owl:propertyChainAxiom``
  (``bgi:fundedByContract ∘ bgi:targetGroup``) — prp-trp, prp-spo2: the only rules that join
  two data triples; :func:`join_closure` runs them over the (few) triples of those properties.

The ontology uses no other OWL construct that entails triples about data (no functional or
symmetric properties, no restrictions, no intersections, no keys); ``tests/test_reason_fast.py``
checks that the result equals owlrl's on the bundled graph, so an axiom the compiler does not
know about shows up as a failing test rather than a silent difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg.reason.owlrl_reference import NOISE_OBJECTS
from kg.records import iris

Triple = tuple[Node, Node, Node]
DATA_PREFIX = str(iris.ID)
TYPE = RDF.type
SAME_AS = OWL.sameAs


@dataclass(frozen=True)
class PropertyPlan:
    """What one triple with this predicate entails (besides itself)."""

    forward: tuple[Node, ...]  # (s, q, o) for each
    backward: tuple[Node, ...]  # (o, r, s) for each
    subject_types: tuple[Node, ...]
    object_types: tuple[Node, ...]


class Entailments:
    """The class and property hierarchy of an ontology, compiled for per-triple closure."""

    def __init__(self, ontology: Graph) -> None:
        self.super_classes: dict[Node, set[Node]] = defaultdict(set)
        self.super_properties: dict[Node, set[Node]] = defaultdict(set)
        self.inverses: dict[Node, set[Node]] = defaultdict(set)
        self.domains: dict[Node, set[Node]] = defaultdict(set)
        self.ranges: dict[Node, set[Node]] = defaultdict(set)
        for sub, sup in ontology.subject_objects(RDFS.subClassOf):
            self.super_classes[sub].add(sup)
        for one, other in ontology.subject_objects(OWL.equivalentClass):
            self.super_classes[one].add(other)
            self.super_classes[other].add(one)
        for union, members in ontology.subject_objects(OWL.unionOf):
            for member in Collection(ontology, members):
                self.super_classes[member].add(union)
        for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
            self.super_properties[sub].add(sup)
        for one, other in ontology.subject_objects(OWL.equivalentProperty):
            self.super_properties[one].add(other)
            self.super_properties[other].add(one)
        for one, other in ontology.subject_objects(OWL.inverseOf):
            self.inverses[one].add(other)
            self.inverses[other].add(one)
        for prop, cls in ontology.subject_objects(RDFS.domain):
            self.domains[prop].add(cls)
        for prop, cls in ontology.subject_objects(RDFS.range):
            self.ranges[prop].add(cls)
        self.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        self.chains: list[tuple[tuple[Node, ...], Node]] = [
            (tuple(Collection(ontology, chain)), prop)
            for prop, chain in ontology.subject_objects(OWL.propertyChainAxiom)]
        self.join_properties = self.transitive | {step for chain, _ in self.chains for step in chain}
        self._class_closure: dict[Node, tuple[Node, ...]] = {}
        self._plans: dict[Node, PropertyPlan] = {}

    def classes_of(self, cls: Node) -> tuple[Node, ...]:
        """``cls`` and all its superclasses."""
        closure = self._class_closure.get(cls)
        if closure is None:
            closure = tuple(_reach(cls, self.super_classes))
            self._class_closure[cls] = closure
        return closure

    def plan(self, predicate: Node) -> PropertyPlan:
        plan = self._plans.get(predicate)
        if plan is None:
            plan = self._compile(predicate)
            self._plans[predicate] = plan
        return plan

    def _compile(self, predicate: Node) -> PropertyPlan:
        states = {(True, predicate)}
        pending = [(True, predicate)]
        while pending:  # (direction, property): forward states say (s q o), backward (o r s)
            forward, prop = pending.pop()
            successors = [(forward, sup) for sup in self.super_properties.get(prop, ())]
            successors += [(not forward, inverse) for inverse in self.inverses.get(prop, ())]
            for state in successors:
                if state not in states:
                    states.add(state)
                    pending.append(state)
        subject_types: set[Node] = set()
        object_types: set[Node] = set()
        for forward, prop in states:
            (subject_types if forward else object_types).update(self.domains.get(prop, ()))
            (object_types if forward else subject_types).update(self.ranges.get(prop, ()))
        return PropertyPlan(
            tuple(sorted((prop for forward, prop in states if forward and prop != predicate), key=str)),
            tuple(sorted((prop for forward, prop in states if not forward), key=str)),
            tuple(sorted({c for cls in subject_types for c in self.classes_of(cls)}, key=str)),
            tuple(sorted({c for cls in object_types for c in self.classes_of(cls)}, key=str)))

    def entailed(self, triple: Triple) -> list[Triple]:
        """Every triple the hierarchy entails from ``triple`` (maybe some already asserted)."""
        subject, predicate, obj = triple
        plan = self._plans.get(predicate)  # dict lookups: rdflib's URIRef == is slow Python
        if plan is None:
            if predicate == TYPE:
                return [(subject, TYPE, cls) for cls in self.classes_of(obj)[1:]]
            plan = self.plan(predicate)
        if not (plan.forward or plan.subject_types or plan.backward or plan.object_types):
            return []
        found = [(subject, prop, obj) for prop in plan.forward]
        found += [(subject, TYPE, cls) for cls in plan.subject_types]
        if type(obj) is not Literal:
            found += [(obj, prop, subject) for prop in plan.backward]
            found += [(obj, TYPE, cls) for cls in plan.object_types]
        return found


NOISE = frozenset((TYPE, cls) for cls in NOISE_OBJECTS)


def keeps(triple: Triple) -> bool:
    """The filter of :mod:`kg.reason.owlrl_reference`: new facts about data resources, no bookkeeping."""
    subject, predicate, obj = triple
    if type(subject) is not URIRef or not subject.startswith(DATA_PREFIX):
        return False
    if type(obj) is BNode or predicate in SAME_AS_SET:
        return False
    return (predicate, obj) not in NOISE


SAME_AS_SET = frozenset({SAME_AS})


def join_closure(entailments: Entailments, edges: Iterable[Triple]) -> set[Triple]:
    """Transitivity and property chains over ``edges`` (triples of the join properties, asserted
    or entailed), with the hierarchy applied to what they add; returns only the new triples."""
    known: set[Triple] = set(edges)
    by_property: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for subject, predicate, obj in known:
        by_property[predicate][subject].add(obj)
    added: set[Triple] = set()
    changed = True
    while changed:
        changed = False
        fresh: set[Triple] = set()
        for prop in entailments.transitive:
            links = by_property[prop]
            for start in list(links):
                for middle in list(links[start]):
                    for end in list(links.get(middle, ())):
                        fresh.add((start, prop, end))
        for chain, prop in entailments.chains:
            first, *rest = chain
            for start, middles in list(by_property[first].items()):
                frontier = set(middles)
                for step in rest:
                    frontier = {end for middle in frontier for end in by_property[step].get(middle, ())}
                fresh.update((start, prop, end) for end in frontier)
        for triple in list(fresh):
            fresh.update(entailments.entailed(triple))
        for triple in fresh - known:
            known.add(triple)
            added.add(triple)
            by_property[triple[1]][triple[0]].add(triple[2])
            changed = True
    return added


def inferred_graph_fast(graphs: Iterable[Graph]) -> Graph:
    """The same graph as :func:`kg.reason.owlrl_reference.inferred_graph`, without owlrl (in memory)."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    entailments = Entailments(union)
    candidates: set[Triple] = set()
    edges: list[Triple] = []
    for triple in union:
        for entailed in (triple, *entailments.entailed(triple)):
            if entailed is not triple:
                candidates.add(entailed)
            if entailed[1] in entailments.join_properties:
                edges.append(entailed)
    candidates |= join_closure(entailments, edges)
    inferred = Graph(identifier=iris.INFERRED_GRAPH)
    for candidate in candidates:
        if keeps(candidate) and candidate not in union:
            inferred.add(candidate)
    return inferred


def _reach(start: Node, edges: dict[Node, set[Node]]) -> list[Node]:
    seen = [start]
    pending = [start]
    while pending:
        for successor in edges.get(pending.pop(), ()):
            if successor not in seen:
                seen.append(successor)
                pending.append(successor)
    return seen
