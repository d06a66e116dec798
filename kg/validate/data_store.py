"""The SPARQL engine's data graph, built in an in-memory pyoxigraph store.

The data graph is built exactly as :func:`kg.validate.data_graph.data_graph` builds it for pyshacl (the
union of every graph, the bundled ontology and code lists when the input lacks them, the
derived provenance index), but inside an in-memory pyoxigraph store: files are parsed by
pyoxigraph (N-Quads, TriG, Turtle, N-Triples; other formats and files pyoxigraph refuses go
through rdflib, which also words the error), the index and the union are made by SPARQL
Update, and the named graphs are then dropped, so the queries see one graph, as pyshacl does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from kg.common.errors import KgError
from kg.common.formats import Format
from kg.common.input_limits import check_size, check_triples
from kg.common.rdf_input import DEFAULT_GRAPH, RdfInputError, format_of, read_rdf_file
from kg.records import iris
from kg.validate.data_graph import (
    DEFAULT_GRAPH_MARKER,
    DESCRIBED_IN_GRAPH,
    PROVENANCE_INDEX_SHAPES,
    bundled_vocabulary_triples,
)
from kg.validate.select import select
from kg.validate.typed_literals import CANONICAL_FORMS, rejected_by_datatype, value_key

#: pyoxigraph parses these itself (fast). The rest goes through rdflib: N3 as the reference
#: validator reads it, RDF/XML and JSON-LD after their content checks (kg/common/input_limits.py).
OXIGRAPH_PARSED = ("nquads", "trig", "turtle", "ntriples")
BUNDLED_VOCABULARIES = ox.NamedNode("urn:x-kg:bundled-vocabularies")
VOCABULARY_ASK = """ASK { GRAPH <%(g)s> { { ?o a <http://www.w3.org/2002/07/owl#Ontology> }
    UNION { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } }
    FILTER NOT EXISTS { GRAPH <%(g)s> { <%(g)s> a <%(source_graph)s> } } }"""


@dataclass
class LoadedData:
    """The input in a store, and the lexical forms the store does not keep.

    pyoxigraph stores numbers and booleans by value (``"824915.0"^^xsd:decimal`` comes back as
    ``"824915"``); rdflib, and so pyshacl, keeps the form as written, which the report shows
    (values, messages). ``lexical`` maps (datatype, value) to the form as written, for the
    literals whose form is not the canonical one. (Two forms of one value in one input, such
    as "1.0" and "1.00", are one term in the store: the first form is reported.)
    """

    store: ox.Store
    lexical: dict = field(default_factory=dict)

    def remember(self, quads) -> Iterator[ox.Quad]:
        """Pass quads through, noting non-canonical lexical forms of numbers and booleans."""
        for quad in quads:
            term = quad.object
            if isinstance(term, ox.Literal) and term.datatype.value in CANONICAL_FORMS:
                datatype = term.datatype.value
                try:
                    canonical = CANONICAL_FORMS[datatype](term.value)
                except (ValueError, ArithmeticError):
                    canonical = None
                if canonical != term.value:
                    key = value_key(datatype, term.value)
                    if key is not None:
                        self.lexical.setdefault(key, term.value)
            yield quad

    def to_rdflib(self, term):
        """A store term as rdflib's, with the literal's form as the input wrote it."""
        if isinstance(term, ox.Literal) and self.lexical and term.datatype.value in CANONICAL_FORMS:
            written = self.lexical.get(value_key(term.datatype.value, term.value))
            if written is not None:
                return Literal(written, datatype=URIRef(term.datatype.value))
        return to_rdflib(term)


def to_rdflib(term):
    """A pyoxigraph term as rdflib's (literals normalised as rdflib normalises them)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise KgError(f"an RDF term of an unexpected kind: {term!r}")


def store_from_files(files: Iterable[Path], format_in: str | None = None) -> LoadedData:
    """An in-memory store with the files' graphs (a file's default graph under DEFAULT_GRAPH)."""
    loaded = LoadedData(ox.Store())
    files = [Path(name) for name in files]
    for path in files:
        rdf_format = format_of(path, format_in)
        if rdf_format.key in OXIGRAPH_PARSED:
            check_size(path)  # the other formats are checked by read_rdf_file (kg/common/input_limits.py)
            staged = _parsed_by_oxigraph(path, rdf_format, format_in, loaded)
            if staged is not None:
                if len(loaded.store):
                    loaded.store.extend(staged)
                else:
                    loaded.store = staged
                continue
        _add_rdflib_graphs(loaded, read_rdf_file(path, format_in))
    check_triples(len(loaded.store), ", ".join(str(name) for name in files))
    return loaded


def _parsed_by_oxigraph(path: Path, rdf_format: Format, format_in: str | None,
                        loaded: LoadedData) -> ox.Store | None:
    """The file's quads in a store of their own, streamed (no list of every quad in Python);
    None when rdflib accepts what pyoxigraph refused; a KgError with the place otherwise."""
    default = ox.NamedNode(str(DEFAULT_GRAPH))
    staged = ox.Store()
    try:
        staged.extend(loaded.remember(
            ox.Quad(quad.subject, quad.predicate, quad.object,
                    default if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name)
            for quad in ox.parse(path=str(path), format=rdf_format.rdf_format,
                                 base_iri=path.resolve().as_uri())))
    except (SyntaxError, ValueError, OSError):
        read_rdf_file(path, format_in)  # words the error with its place (file:line:col)
        return None
    if not len(staged):
        raise RdfInputError(f"{path}: no triples; an empty input is not a graph to validate or load")
    return staged


def store_from_graphs(graphs: Mapping[URIRef, Graph]) -> LoadedData:
    """An in-memory store with rdflib graphs (keyed by name, DEFAULT_GRAPH for a default graph)."""
    loaded = LoadedData(ox.Store())
    _add_rdflib_graphs(loaded, graphs)
    return loaded


def _add_rdflib_graphs(loaded: LoadedData, graphs: Mapping[URIRef, Graph]) -> None:
    for name, graph in graphs.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        target = ox.NamedNode(str(name))
        loaded.store.extend(loaded.remember(
            ox.Quad(triple.subject, triple.predicate, triple.object, target)
            for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))


def prepare_data_graph(loaded: LoadedData, add_vocabularies: bool = True) -> list[str]:
    """Turn the loaded graphs into pyshacl's data graph, in the store's default graph.

    Returns the same notes as :func:`kg.validate.data_graph.data_graph`.
    """
    store = loaded.store
    notes: list[str] = []
    names = [name for name in store.named_graphs() if name.value != str(BUNDLED_VOCABULARIES)]
    vocabulary = {name.value for name in names if _is_vocabulary(store, name.value)}
    has_ontology = store.query(f"ASK {{ GRAPH ?g {{ <{iris.ONTOLOGY}> a <{OWL.Ontology}> }} }}")
    if add_vocabularies and not bool(has_ontology):
        vocabularies = Graph()
        for triple in bundled_vocabulary_triples():
            vocabularies.add(triple)
        _add_rdflib_graphs(loaded, {URIRef(BUNDLED_VOCABULARIES.value): vocabularies})
        notes.append("the input has no ontology: the bundled ontology and code lists were added")
    # The aggregates graph (decision 0023) is derived, like the ontology: stated in no source.
    indexed = [name.value for name in names
               if name.value not in (str(DEFAULT_GRAPH), str(iris.AGGREGATES_GRAPH))
               and name.value not in vocabulary]
    if not indexed:
        notes.append("the input has no named graphs: whether every resource is stated in a source "
                     "graph (" + ", ".join(f"bgis:{name}" for name in PROVENANCE_INDEX_SHAPES)
                     + ") was not checked")
    else:
        values = " ".join(f"<{name}>" for name in indexed)
        store.update(f"INSERT {{ ?s <{DESCRIBED_IN_GRAPH}> ?g }} WHERE {{ VALUES ?g {{ {values} }} "
                     "GRAPH ?g { ?s ?p ?o } FILTER (isIRI(?s)) }")
        default = str(DEFAULT_GRAPH)
        if any(name.value == default for name in names) and default not in vocabulary:
            store.update(f"INSERT {{ ?s <{DESCRIBED_IN_GRAPH}> <{DEFAULT_GRAPH_MARKER}> }} WHERE "
                         f"{{ GRAPH <{default}> {{ ?s ?p ?o }} FILTER (isIRI(?s)) }}")
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.update("DROP NAMED")
    return notes


def _is_vocabulary(store: ox.Store, graph: str) -> bool:
    return bool(store.query(VOCABULARY_ASK % {"g": graph, "source_graph": iris.BGI.SourceGraph}))


def ill_typed_literals(loaded: LoadedData, datatypes: Iterable[URIRef]) -> dict[URIRef, list[str]]:
    """Per datatype, the literals that pyshacl's sh:datatype rejects (invalid lexical form), as
    SPARQL terms with their exact lexical form (rdflib would normalise some). One scan."""
    datatypes = sorted(set(datatypes))
    found: dict[URIRef, list[str]] = {datatype: [] for datatype in datatypes}
    if not datatypes:
        return found
    listed = ", ".join(f"<{datatype}>" for datatype in datatypes)
    for row in select(loaded.store, f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER (isLiteral(?o) && "
                                    f"DATATYPE(?o) IN ({listed})) }}"):
        datatype = URIRef(row[0].datatype.value)
        if rejected_by_datatype(loaded.to_rdflib(row[0]), datatype):
            found[datatype].append(str(row[0]))
    return {datatype: sorted(literals) for datatype, literals in found.items()}
