"""SHACL validation as SPARQL on pyoxigraph: the same report as pyshacl, fast enough for 100×.

The data graph is built exactly as :func:`kg.validate.data_graph` builds it for pyshacl (the
union of every graph, the bundled ontology and code lists when the input lacks them, the
derived provenance index), but inside an in-memory pyoxigraph store: files are parsed by
pyoxigraph (N-Quads, TriG, Turtle, N-Triples; other formats and files pyoxigraph refuses go
through rdflib, which also words the error), the index and the union are made by SPARQL
Update, and the named graphs are then dropped, so the queries see one graph, as pyshacl does.

The shapes are compiled to queries by :mod:`kg.shacl_sparql`; each row becomes a result in a
SHACL report graph shaped like pyshacl's, which :func:`kg.validate.results_of` reads, so both
engines feed the same report code. The work runs in a forked child killed at the timeout.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from kg import iris
from kg.errors import KgError
from kg.input_limits import check_size, check_triples
from kg.rdf_input import DEFAULT_GRAPH, format_of, read_rdf_file
from kg.shacl_sparql import Check, compile_shapes

#: pyoxigraph parses these itself (fast); the rest goes through rdflib.
OXIGRAPH_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                    "nt11": ox.RdfFormat.N_TRIPLES}
BUNDLED_VOCABULARIES = ox.NamedNode("urn:x-kg:bundled-vocabularies")
#: pyshacl's test of a literal's value per datatype (DatatypeConstraintComponent).
VALUE_TYPES = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
               XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date,
               XSD.time: dt.time, XSD.dateTime: dt.datetime}
_DECIMAL = str(XSD.decimal)
_INTEGERS = [str(XSD[name]) for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                          "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                          "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")]
#: The canonical form a lexical form is expected to have in the store (a guess: a wrong guess
#: only notes a form that did not need noting).
CANONICAL_FORMS = {_DECIMAL: lambda text: _plain_decimal(Decimal(text)),
                   str(XSD.boolean): lambda text: {"1": "true", "0": "false"}.get(text, text),
                   str(XSD.double): lambda text: "", str(XSD.float): lambda text: "",
                   **{integer: lambda text: str(int(text)) for integer in _INTEGERS}}
PARSE_VALUE = {_DECIMAL: Decimal, str(XSD.double): float, str(XSD.float): float,
               str(XSD.boolean): lambda text: text in ("1", "true"),
               **{integer: int for integer in _INTEGERS}}
VOCABULARY_ASK = """ASK { GRAPH <%(g)s> { { ?o a <http://www.w3.org/2002/07/owl#Ontology> }
    UNION { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } }
    FILTER NOT EXISTS { GRAPH <%(g)s> { <%(g)s> a <%(source_graph)s> } } }"""


# --------------------------------------------------------------------------- the data graph

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
                    key = _value_key(datatype, term.value)
                    if key is not None:
                        self.lexical.setdefault(key, term.value)
            yield quad

    def to_rdflib(self, term):
        """A store term as rdflib's, with the literal's form as the input wrote it."""
        if isinstance(term, ox.Literal) and self.lexical and term.datatype.value in CANONICAL_FORMS:
            written = self.lexical.get(_value_key(term.datatype.value, term.value))
            if written is not None:
                return Literal(written, datatype=URIRef(term.datatype.value))
        return to_rdflib(term)


def _value_key(datatype: str, lexical: str):
    try:
        return datatype, PARSE_VALUE.get(datatype, str)(lexical.strip())
    except (ValueError, ArithmeticError):
        return None


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


def store_from_files(files: Iterable[Path], format_in: str | None = None) -> LoadedData:
    """An in-memory store with the files' graphs (a file's default graph under DEFAULT_GRAPH)."""
    loaded = LoadedData(ox.Store())
    files = [Path(name) for name in files]
    for path in files:
        rdf_format = format_of(path, format_in)
        if rdf_format in OXIGRAPH_FORMATS:
            check_size(path)  # the other formats are checked by read_rdf_file (kg/input_limits.py)
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


def _parsed_by_oxigraph(path: Path, rdf_format: str, format_in: str | None,
                        loaded: LoadedData) -> ox.Store | None:
    """The file's quads in a store of their own, streamed (no list of every quad in Python);
    None when rdflib accepts what pyoxigraph refused; a KgError with the place otherwise."""
    default = ox.NamedNode(str(DEFAULT_GRAPH))
    staged = ox.Store()
    try:
        staged.extend(loaded.remember(
            ox.Quad(quad.subject, quad.predicate, quad.object,
                    default if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name)
            for quad in ox.parse(path=str(path), format=OXIGRAPH_FORMATS[rdf_format],
                                 base_iri=path.resolve().as_uri())))
    except (SyntaxError, ValueError, OSError):
        read_rdf_file(path, format_in)  # words the error with its place (file:line:col)
        return None
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

    Returns the same notes as :func:`kg.validate.data_graph`.
    """
    from kg.validate import DEFAULT_GRAPH_MARKER, DESCRIBED_IN_GRAPH, PROVENANCE_INDEX_SHAPES

    store = loaded.store
    notes: list[str] = []
    names = [name for name in store.named_graphs() if name.value != str(BUNDLED_VOCABULARIES)]
    vocabulary = {name.value for name in names if _is_vocabulary(store, name.value)}
    has_ontology = store.query(f"ASK {{ GRAPH ?g {{ <{iris.ONTOLOGY}> a <{OWL.Ontology}> }} }}")
    if add_vocabularies and not bool(has_ontology):
        from kg.validate import _bundled_vocabulary_triples

        vocabularies = Graph()
        for triple in _bundled_vocabulary_triples():
            vocabularies.add(triple)
        _add_rdflib_graphs(loaded, {URIRef(BUNDLED_VOCABULARIES.value): vocabularies})
        notes.append("the input has no ontology: the bundled ontology and code lists were added")
    indexed = [name.value for name in names
               if name.value != str(DEFAULT_GRAPH) and name.value not in vocabulary]
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


# --------------------------------------------------------------------------- terms

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


def ill_typed_literals(loaded: LoadedData, datatypes: Iterable[URIRef]) -> dict[URIRef, list[str]]:
    """Per datatype, the literals that pyshacl's sh:datatype rejects (invalid lexical form), as
    SPARQL terms with their exact lexical form (rdflib would normalise some). One scan."""
    datatypes = sorted(set(datatypes))
    found: dict[URIRef, list[str]] = {datatype: [] for datatype in datatypes}
    if not datatypes:
        return found
    listed = ", ".join(f"<{datatype}>" for datatype in datatypes)
    for row in loaded.store.query(f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER (isLiteral(?o) && "
                                  f"DATATYPE(?o) IN ({listed})) }}"):
        datatype = URIRef(row[0].datatype.value)
        if rejected_by_datatype(loaded.to_rdflib(row[0]), datatype):
            found[datatype].append(str(row[0]))
    return {datatype: sorted(literals) for datatype, literals in found.items()}


def rejected_by_datatype(literal: Literal, datatype: URIRef) -> bool:
    """pyshacl's sh:datatype test fails: rdflib finds the lexical form ill-typed, or its value
    is not of the Python type pyshacl expects for the datatype."""
    wanted = VALUE_TYPES.get(datatype)
    return bool(getattr(literal, "ill_typed", False) or (wanted and not isinstance(literal.value, wanted)))


def subclass_closure(store: ox.Store) -> Callable[[URIRef], list[URIRef]]:
    """``cls`` → ``cls`` and every class with an rdfs:subClassOf path to it in the data graph."""
    parents: dict[str, set[str]] = {}
    for row in store.query(f"SELECT ?sub ?super WHERE {{ ?sub <{RDFS.subClassOf}> ?super }}"):
        if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.NamedNode):
            parents.setdefault(row[1].value, set()).add(row[0].value)

    def closure(cls: URIRef) -> list[URIRef]:
        seen, todo = {str(cls)}, [str(cls)]
        while todo:
            for child in parents.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return [URIRef(each) for each in sorted(seen)]

    return closure


# --------------------------------------------------------------------------- running the checks

def new_report(shapes: Graph) -> tuple[Graph, BNode]:
    """An empty SHACL report graph with the shapes' prefixes, and its report node."""
    report = Graph()
    for prefix, namespace in shapes.namespaces():
        report.bind(prefix, namespace)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    return report, node


def run_checks(loaded: LoadedData, checks: list[Check], shapes: Graph) -> Graph:
    """A SHACL report graph (as pyshacl writes it) with one result per row of every check."""
    report, node = new_report(shapes)
    conforms = True
    for check in checks:
        seen: set = set()
        for focus, solution, names in _solutions(loaded.store, check):
            result = _result(check, loaded.to_rdflib(focus), solution, names, seen, loaded.to_rdflib)
            if result is None:
                continue
            conforms = conforms and check.severity != SH.Violation
            _add_result(report, node, shapes, check, *result)
    report.add((node, SH.conforms, Literal(conforms)))
    return report


def _solutions(store: ox.Store, check: Check):
    """(focus node, solution, variable names) for every row of the check."""
    if check.focus_query is None:
        solutions = store.query(check.query)
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield solution["this"], solution, names
        return
    this = ox.Variable("this")
    for row in store.query(check.focus_query):
        focus = row["this"]
        solutions = store.query(check.query, substitutions={this: focus})
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield focus, solution, names


def _result(check: Check, focus, solution, names: list[str], seen: set, convert):
    """(focus, value, path, variables) of one row, or None for a row pyshacl would drop."""
    if check.value_from != "sparql":
        value = {"value": lambda: convert(solution["value"]), "focus": lambda: focus,
                 "none": lambda: None}[check.value_from]()
        return focus, value, check.path, None
    variables = {}
    for name in names:
        bound = solution[name]
        if bound is not None:
            variables[name] = convert(bound)
    this = variables.pop("this", None)
    path = variables.pop("path", None)
    value = variables.pop("value", None)
    variables.pop("failure", None)
    if this is None and path is None and value is None and check.focus_query is None:
        return None
    key = (focus, this, path, value, frozenset(variables.items()))
    if key in seen:  # pyshacl drops repeated rows of one focus node
        return None
    seen.add(key)
    if value is None and check.path is None:
        value = focus
    bound = {**variables, "this": this or focus}
    if path is not None:
        bound["path"] = path
    if value is not None:
        bound["value"] = value
    return this or focus, value, path if path is not None else check.path, bound


def _add_result(report: Graph, report_node: BNode, shapes: Graph, check: Check, focus, value, path,
                variables: dict | None) -> None:
    result = BNode()
    report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, focus))
    report.add((result, SH.resultSeverity, check.severity))
    report.add((result, SH.sourceShape, check.shape))
    report.add((result, SH.sourceConstraintComponent, check.component))
    if value is not None:
        report.add((result, SH.value, value))
    if path is not None:
        report.add((result, SH.resultPath, path))
        if isinstance(path, BNode):
            _copy_path(shapes, report, path)
    if check.constraint is not None:
        report.add((result, SH.sourceConstraint, check.constraint))
    messages = [*(message for message in check.constraint_messages if message not in check.messages),
                *check.messages]
    for message in messages:
        report.add((result, SH.resultMessage, _filled(message, variables)))


def _filled(message: Literal, variables: dict | None) -> Literal:
    """A message template with ``{?var}`` / ``{$var}`` filled in, as pyshacl fills it."""
    if variables is None:
        return message
    text = str(message)
    for name, term in variables.items():
        text = re.sub(f"{{[?$]{name}}}", lambda _match, term=term: str(term), text)
    return Literal(text, lang=message.language)


def _copy_path(shapes: Graph, report: Graph, node: BNode) -> None:
    for predicate, value in shapes.predicate_objects(node):
        report.add((node, predicate, value))
        if isinstance(value, BNode):
            _copy_path(shapes, report, value)


# --------------------------------------------------------------------------- the entry point

def validate_store(loaded: LoadedData, shapes: Graph,
                   add_vocabularies: bool = True) -> tuple[Graph, list[str]]:
    """The report graph and notes for the graphs loaded in ``loaded`` (whose store it rewrites)."""
    notes = prepare_data_graph(loaded, add_vocabularies)
    datatypes = {datatype for datatype in shapes.objects(None, SH.datatype) if isinstance(datatype, URIRef)}
    bad = ill_typed_literals(loaded, datatypes)
    checks = compile_shapes(shapes, lambda datatype: bad.get(datatype, []), subclass_closure(loaded.store))
    return run_checks(loaded, checks, shapes), notes


def run_in_child(store: LoadedData, shapes: Graph, add_vocabularies: bool,
                 timeout: float | None) -> tuple[Graph, list[str]]:
    """``validate_store(store, …)`` in a forked child killed after ``timeout`` seconds (the child
    gets the store by the fork; without a timeout, or without fork, it runs in this process)."""
    from kg.validate import ValidationTimeoutError

    if timeout is None or "fork" not in multiprocessing.get_all_start_methods():
        return validate_store(store, shapes, add_vocabularies)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, store, shapes, add_vocabularies), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ValidationTimeoutError(f"validation did not finish within {timeout:g} seconds "
                                         "(raise it with --timeout)")
        try:
            status, body, notes = receiver.recv()
        except EOFError:
            child.join(5)
            raise KgError(f"the validator stopped without a report (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status == "kg-error":
        raise KgError(body)
    if status != "ok":
        raise KgError(f"the SPARQL validator failed: {body}")
    return Graph().parse(data=body, format="nt"), notes


def _child(sender, store: LoadedData, shapes: Graph, add_vocabularies: bool) -> None:
    try:
        report, notes = validate_store(store, shapes, add_vocabularies)
        sender.send(("ok", report.serialize(format="nt", encoding="utf-8"), notes))
    except KgError as error:
        sender.send(("kg-error", str(error), []))
    except Exception as error:  # reported by the parent as a KgError
        sender.send(("error", f"{type(error).__name__}: {error}", []))
    finally:
        sender.close()
