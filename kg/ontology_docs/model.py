"""What the ontology reference shows, read from ontology/*.ttl into plain values.

Classes (with their hierarchy), object and datatype properties (with domain, range and
inverse), alignments to standard vocabularies (rdfs:subClassOf / subPropertyOf /
owl:equivalent* to terms outside ``bgi:``) and the SKOS code lists, each term with its label
and definition in Bulgarian and English. The renderer (kg.ontology_docs.page) and the diagram
(kg.ontology_docs.diagram) only format these values; everything is sorted, so the output is
deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, IdentifiedNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.common import paths
from kg.common.errors import KgError
from kg.records import iris

BGI = str(iris.BGI)
KINDS = {OWL.Class: "class", OWL.ObjectProperty: "object-property",
         OWL.DatatypeProperty: "datatype-property"}
ALIGNMENTS = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)


@dataclass(frozen=True)
class Ref:
    """A term as the page names it: ``bgi:Project``, ``prov:Activity`` or an IRI."""

    iri: str
    curie: str

    @property
    def local(self) -> bool:
        return self.iri.startswith(BGI)

    @property
    def anchor(self) -> str:
        return self.iri[len(BGI):] if self.local else ""


@dataclass
class Term:
    ref: Ref
    kind: str
    label_bg: str = ""
    label_en: str = ""
    definition_bg: str = ""
    definition_en: str = ""
    comment: str = ""
    parents: list[Ref] = field(default_factory=list)        # bgi: superclasses / superproperties
    children: list[Ref] = field(default_factory=list)
    alignments: list[tuple[str, Ref]] = field(default_factory=list)  # (relation, external term)
    domain: list[list[Ref]] = field(default_factory=list)   # each a union of classes
    range: list[list[Ref]] = field(default_factory=list)
    inverse: Ref | None = None
    functional: bool = False


@dataclass
class Concept:
    ref: Ref
    notation: str
    label_bg: str
    label_en: str
    definition_en: str


@dataclass
class CodeList:
    ref: Ref
    label_bg: str
    label_en: str
    definition_bg: str
    definition_en: str
    concepts: list[Concept]


@dataclass
class Ontology:
    iri: str
    title_bg: str
    title_en: str
    description_bg: str
    description_en: str
    version: str
    terms: dict[str, Term]
    code_lists: list[CodeList]

    def of_kind(self, kind: str) -> list[Term]:
        return [term for term in self.terms.values() if term.kind == kind]

    def roots(self) -> list[Term]:
        """Classes without a bgi: superclass: the tops of the class tree."""
        return [term for term in self.of_kind("class") if not term.parents]


def _text(graph: Graph, subject, predicate, language: str) -> str:
    values = sorted(str(value) for value in graph.objects(subject, predicate)
                    if isinstance(value, Literal) and value.language == language)
    return values[0] if values else ""


def _sorted_iris(nodes: Iterable[object]) -> list[URIRef]:
    """The IRIs among the nodes, in order (a blank node or literal has no page to link to)."""
    return sorted(node for node in nodes if isinstance(node, URIRef))


def _sorted_nodes(nodes: Iterable[object]) -> list[IdentifiedNode]:
    """The IRIs and blank nodes (class expressions) among the nodes, in rdflib's order."""
    return sorted(node for node in nodes if isinstance(node, IdentifiedNode))


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.names = graph.namespace_manager

    def ref(self, node: URIRef) -> Ref:
        try:
            curie = self.names.normalizeUri(node)
        except Exception:  # rdflib cannot shorten every IRI; then the IRI is the name
            curie = str(node)
        return Ref(str(node), curie if not curie.startswith("<") else str(node))

    def classes(self, node) -> list[Ref]:
        """A class expression as the union of named classes it stands for (empty if other)."""
        if isinstance(node, URIRef):
            return [self.ref(node)]
        members = self.graph.value(node, OWL.unionOf)
        if members is None:
            return []
        return sorted((self.ref(item) for item in Collection(self.graph, members)
                       if isinstance(item, URIRef)), key=lambda ref: ref.curie)

    def term(self, node: URIRef, kind: str) -> Term:
        graph = self.graph
        term = Term(self.ref(node), kind,
                    label_bg=_text(graph, node, RDFS.label, "bg"),
                    label_en=_text(graph, node, RDFS.label, "en"),
                    definition_bg=_text(graph, node, SKOS.definition, "bg"),
                    definition_en=_text(graph, node, SKOS.definition, "en"),
                    comment=_text(graph, node, RDFS.comment, "en"))
        for relation in ALIGNMENTS:
            for other in _sorted_iris(graph.objects(node, relation)):
                if str(other).startswith(BGI):
                    if relation in (RDFS.subClassOf, RDFS.subPropertyOf):
                        term.parents.append(self.ref(other))
                else:
                    term.alignments.append((self.names.normalizeUri(relation), self.ref(other)))
        term.domain = [self.classes(value) for value in _sorted_nodes(graph.objects(node, RDFS.domain))]
        term.range = [self.classes(value) for value in _sorted_nodes(graph.objects(node, RDFS.range))]
        term.domain = [union for union in term.domain if union]
        term.range = [union for union in term.range if union]
        inverse = graph.value(node, OWL.inverseOf) or graph.value(None, OWL.inverseOf, node)
        term.inverse = self.ref(inverse) if isinstance(inverse, URIRef) else None
        term.functional = (node, RDF.type, OWL.FunctionalProperty) in graph
        return term

    def code_lists(self) -> list[CodeList]:
        graph = self.graph
        lists = []
        for scheme in _sorted_iris(graph.subjects(RDF.type, SKOS.ConceptScheme)):
            concepts = [Concept(self.ref(concept), str(graph.value(concept, SKOS.notation) or ""),
                                _text(graph, concept, SKOS.prefLabel, "bg"),
                                _text(graph, concept, SKOS.prefLabel, "en"),
                                _text(graph, concept, SKOS.definition, "en"))
                        for concept in _sorted_iris(graph.subjects(SKOS.inScheme, scheme))]
            lists.append(CodeList(self.ref(scheme), _text(graph, scheme, SKOS.prefLabel, "bg"),
                                  _text(graph, scheme, SKOS.prefLabel, "en"),
                                  _text(graph, scheme, SKOS.definition, "bg"),
                                  _text(graph, scheme, SKOS.definition, "en"), concepts))
        return lists


def ontology_files(directory: Path | None = None) -> list[Path]:
    folder = directory or paths.ontology_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise KgError(f"{folder}: no ontology files (*.ttl) found")
    return files


def read_ontology(files: Iterable[Path] | None = None) -> Ontology:
    """The ontology and code lists in ``files`` (default: the bundled ontology/*.ttl)."""
    graph = Graph()
    for prefix, namespace in iris.PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for path in files or ontology_files():
        try:
            graph.parse(data=iris.rebased(path.read_text(encoding="utf-8")), format="turtle",
                        publicID=path.resolve().as_uri())  # written with the default base
        except Exception as error:  # rdflib raises many kinds of error on a broken file
            raise KgError(f"{path}: cannot read the ontology: {error}") from None
    reader = _Reader(graph)
    terms: dict[str, Term] = {}
    for rdf_type, kind in KINDS.items():
        for node in _sorted_iris(graph.subjects(RDF.type, rdf_type)):
            if str(node).startswith(BGI):
                terms[str(node)] = reader.term(node, kind)
    for term in terms.values():
        for parent in term.parents:
            if parent.iri in terms:
                terms[parent.iri].children.append(term.ref)
    for term in terms.values():
        term.children.sort(key=lambda ref: ref.curie)
    ontology = iris.ONTOLOGY
    return Ontology(
        iri=str(ontology),
        title_bg=_text(graph, ontology, DCTERMS.title, "bg"),
        title_en=_text(graph, ontology, DCTERMS.title, "en"),
        description_bg=_text(graph, ontology, DCTERMS.description, "bg"),
        description_en=_text(graph, ontology, DCTERMS.description, "en"),
        version=str(graph.value(ontology, OWL.versionInfo) or ""),
        terms=dict(sorted(terms.items(), key=lambda item: item[1].ref.curie.lower())),
        code_lists=reader.code_lists())
