"""Terms of the ``bgi:`` namespace that the ontology does not define, reported as violations.

SHACL selects what it checks by class (``sh:targetClass``) and by property: a resource typed
``bgi:GrantСontract`` (with a Cyrillic ``С``) or described with a misspelt property is simply not
a target of any shape, so without this check a file with such a typo "conforms". Every ``bgi:``
IRI used as a class (the object of ``rdf:type``) or as a property that the bundled ontology (or
the input itself) does not declare is one result of severity sh:Violation, added to the SHACL
report graph so the text, JSON and Turtle reports all carry it, with messages in Bulgarian and
English naming the IRI and, where one is near, the term probably meant (a Cyrillic look-alike
letter turned back into Latin, or the closest spelling).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.records import iris
from kg.validate.data_graph import bundled_vocabulary_triples
from kg.validate.select import select

#: The shape the results name (no such shape exists in shapes/: the check is this module).
SHAPE = iris.SHAPES["DefinedOntologyTerm"]
NAMESPACE = str(iris.BGI)
#: Cyrillic (and Greek) letters drawn like Latin ones: the usual typo of a Bulgarian keyboard.
LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХУаеорсухіјѕԁΑΒΕΖΗΙΚΜΝΟΡΤΥΧοі",
                            "ABEKMHOPCTXYaeopcyxijsdABEZHIKMNOPTYXoi")
#: The types that declare a term of the input's own ontology.
DECLARING_KINDS = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                   RDF.Property)
MESSAGES = {
    "en": "{term} is not a term of the ontology (a class or property it does not define), so the "
          "shapes do not check what uses it",
    "bg": "{term} не е термин от онтологията (тя не определя такъв клас или свойство), затова "
          "формите не проверяват това, което го използва",
}
HINTS = {"en": "; did you mean {intended}?", "bg": "; може би {intended}?"}
LOOK_ALIKE_HINTS = {"en": " (it has non-Latin look-alike letters)",
                    "bg": " (има нелатински букви, които приличат на латински)"}


@functools.lru_cache(maxsize=1)
def _bundled_terms() -> frozenset[str]:
    return frozenset(str(subject) for subject, _p, _o in bundled_vocabulary_triples()
                     if isinstance(subject, URIRef) and str(subject).startswith(NAMESPACE))


def terms_in_store(store: ox.Store) -> tuple[set[str], set[str]]:
    """The ``bgi:`` IRIs used as classes or properties in every graph of ``store``, and those the
    input declares itself (as the subject of a triple in its own ontology)."""
    used = {row[0].value for row in select(store,
        f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} }} "
        f"FILTER (isIRI(?t) && STRSTARTS(STR(?t), \"{NAMESPACE}\")) }}")}
    kinds = ", ".join(f"<{kind}>" for kind in DECLARING_KINDS)
    declared = {row[0].value for row in select(store,
        f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?t a ?kind }} "
        f"FILTER (STRSTARTS(STR(?t), \"{NAMESPACE}\") && ?kind IN ({kinds})) }}")}
    return used, declared


def terms_in_graphs(graphs: Iterable[Graph]) -> tuple[set[str], set[str]]:
    """As :func:`terms_in_store`, for rdflib graphs."""
    used: set[str] = set()
    declared: set[str] = set()
    for graph in graphs:
        for subject, predicate, value in graph:
            for term in (predicate, value if predicate == RDF.type else None):
                if isinstance(term, URIRef) and str(term).startswith(NAMESPACE):
                    used.add(str(term))
            if predicate == RDF.type and value in DECLARING_KINDS and str(subject).startswith(NAMESPACE):
                declared.add(str(subject))
    return used, declared


def undefined_terms(used: Iterable[str], declared: Iterable[str] = ()) -> list[str]:
    """The used ``bgi:`` terms that neither the bundled ontology nor the input declares."""
    known = _bundled_terms() | set(declared)
    return sorted(set(used) - known)


def intended_term(term: str, known: Iterable[str] | None = None) -> tuple[str | None, bool]:
    """The defined term ``term`` probably stands for, and whether it differs by look-alike letters."""
    known = set(_bundled_terms() if known is None else known)
    latin = term.translate(LOOK_ALIKES)
    if latin != term and latin in known:
        return latin, True
    locals_ = {name[len(NAMESPACE):]: name for name in known}
    close = difflib.get_close_matches(latin[len(NAMESPACE):], list(locals_), n=1, cutoff=0.8)
    return (locals_[close[0]], latin != term) if close else (None, latin != term)


def add_undefined_term_results(report: Graph, terms: Iterable[str]) -> int:
    """Add one sh:Violation per undefined term to the SHACL report graph; how many were added."""
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    root = reports[0] if reports else BNode()
    if not reports:
        report.add((root, RDF.type, SH.ValidationReport))
    added = 0
    for term in terms:
        intended, look_alike = intended_term(term)
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.resultSeverity, SH.Violation))
        report.add((result, SH.sourceShape, SHAPE))
        report.add((result, SH.focusNode, URIRef(term)))
        report.add((result, SH.value, URIRef(term)))
        for language, template in MESSAGES.items():
            text = template.format(term=f"<{term}>")
            if look_alike:
                text += LOOK_ALIKE_HINTS[language]
            if intended:
                text += HINTS[language].format(intended=f"<{intended}>")
            report.add((result, SH.resultMessage, Literal(text, lang=language)))
        added += 1
    if added:
        report.set((root, SH.conforms, Literal(False)))
    return added
