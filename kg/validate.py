"""SHACL validation with the shapes of shapes/ (pyshacl), for the build and for any RDF files.

The data graph is the union of every graph of the input, plus

* the bundled ontology and code lists when the input does not carry them (sh:class needs the
  class hierarchy, and the kind concepts say which class a kind gives), and
* a small derived index, never published: ``?s bgis:describedInGraph ?g`` for every IRI that
  is the subject of a triple in the named graph ``?g`` (the ontology and code-list graphs
  left out), so that the rule "stated in at least one source graph" is plain SHACL on one
  graph (see shapes/provenance.ttl). Input without named graphs has no index; the rule is
  then skipped and the report says so.

pyshacl runs in a child process that is killed at the timeout. It is given graphs, never
addresses, and ``do_owl_imports=False``, so it fetches nothing. A result of severity
sh:Violation fails validation; warnings and infos do not.
"""

from __future__ import annotations

import functools
import multiprocessing
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, SKOS
from rdflib.plugins.sparql import prepareQuery

from kg import iris, paths
from kg.errors import KgError
from kg.input_limits import check_shapes_sparql
from kg.rdf_input import DEFAULT_GRAPH, read_rdf_file, read_rdf_files

DESCRIBED_IN_GRAPH = iris.SHAPES.describedInGraph
#: Where the default graph's subjects are said to be described (no source graph).
DEFAULT_GRAPH_MARKER = iris.SHAPES.defaultGraph
INFERENCE = ("none", "rdfs", "owlrl")
#: ``sparql``: the shapes compiled to SPARQL and run on pyoxigraph (kg.validate_fast), the same
#: results as pyshacl, fast at scale; ``pyshacl``: the reference; ``auto``: sparql where it can.
ENGINES = ("auto", "sparql", "pyshacl")
SEVERITIES = ("Violation", "Warning", "Info")
DEFAULT_TIMEOUT = 300.0
PROVENANCE_INDEX_SHAPES = ("StatedInSourceGraph", "Record-inItsSourceGraph")


class ValidationTimeoutError(KgError):
    """Validation did not finish within the time allowed."""


class ValidationFailedError(KgError):
    """The graph has violations (raised by ``kg build``, which will not publish it)."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result: what is wrong (shape, message), where (focus, path, value)."""

    severity: str
    shape: URIRef | BNode
    focus: URIRef | BNode | Literal
    path: URIRef | str | None  # a predicate, or a complex path as SPARQL path text
    value: URIRef | BNode | Literal | None
    messages: tuple[tuple[str, str], ...]  # (language, text), most specific first; "" untagged
    constraint: URIRef | None

    def message(self, language: str = "en") -> str:
        """The most specific message in ``language``, else an untagged one, else any."""
        for choice in (language, "", "en", "bg"):
            for message_language, text in self.messages:
                if message_language == choice and text:
                    return text
        return ""


@dataclass
class ValidationReport:
    """The results of one validation and what was validated."""

    results: list[ShaclResult]
    report_graph: Graph
    shape_count: int = 0
    notes: list[str] = field(default_factory=list)
    #: The number of results of each severity where ``results`` keeps only some of them (the
    #: scaled build keeps its violations and counts its warnings); None: count ``results``.
    totals: dict[str, int] | None = None

    @property
    def conforms(self) -> bool:
        return not any(result.severity == "Violation" for result in self.results)

    def counts(self) -> dict[str, int]:
        if self.totals is not None:
            return dict(self.totals)
        counter = Counter(result.severity for result in self.results)
        return {severity: counter.get(severity, 0) for severity in SEVERITIES}


class QueryCachingGraph(Graph):
    """A Graph that parses each SPARQL text once.

    pyshacl runs every SPARQL-based constraint once per focus node with the same text; rdflib
    would parse it every time, which is most of the cost (25 s instead of 3 s on the build).
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=1024)
def _prepared(text: str):
    return prepareQuery(text)


def shape_files(location: Path | None = None) -> list[Path]:
    """The shape files: every ``*.ttl`` of a directory (sorted), or the one file named."""
    location = Path(location) if location else paths.shapes_dir()
    if location.is_dir():
        files = sorted(location.glob("*.ttl"))
        if not files:
            raise KgError(f"{location}: no shape files (*.ttl)")
        return files
    if not location.exists():
        raise KgError(f"{location}: no such shapes file or directory")
    return [location]


def load_shapes(location: Path | None = None) -> Graph:
    """The shapes graph: the union of the shape files."""
    shapes = Graph()
    for path in shape_files(location):
        for graph in read_rdf_file(path).values():
            for triple in graph:
                shapes.add(triple)
    check_shapes_sparql(shapes)  # no SERVICE in the shapes' SPARQL (kg/input_limits.py)
    return shapes


def named_shapes(shapes: Graph) -> set[URIRef | BNode]:
    """Every node and property shape of a shapes graph."""
    found: set[URIRef | BNode] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.objects(None, SH.property))
    return found


def is_vocabulary_graph(graph: Graph) -> bool:
    """The ontology or the code lists: a graph declaring an ontology or a scheme, no source."""
    if (graph.identifier, RDF.type, iris.BGI.SourceGraph) in graph:
        return False
    return (None, RDF.type, OWL.Ontology) in graph or (None, RDF.type, SKOS.ConceptScheme) in graph


def data_graph(graphs: Mapping[URIRef, Graph], add_vocabularies: bool = True
               ) -> tuple[QueryCachingGraph, list[str]]:
    """The union of ``graphs`` plus the derived provenance index (and the ontology if missing)."""
    union = QueryCachingGraph()
    for prefix, namespace in iris.PREFIXES.items():
        union.bind(prefix, namespace)
    union.bind("bgis", str(iris.SHAPES))
    notes: list[str] = []
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    if add_vocabularies and (iris.ONTOLOGY, RDF.type, OWL.Ontology) not in union:
        for triple in _bundled_vocabulary_triples():
            union.add(triple)
        notes.append("the input has no ontology: the bundled ontology and code lists were added")
    indexed = [graph for name, graph in graphs.items()
               if name != DEFAULT_GRAPH and not is_vocabulary_graph(graph)]
    if not indexed:
        notes.append("the input has no named graphs: whether every resource is stated in a source "
                     "graph (" + ", ".join(f"bgis:{name}" for name in PROVENANCE_INDEX_SHAPES)
                     + ") was not checked")
        return union, notes
    for graph in indexed:
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef):
                union.add((subject, DESCRIBED_IN_GRAPH, graph.identifier))
    default = graphs.get(DEFAULT_GRAPH)
    if default is not None and not is_vocabulary_graph(default):
        for subject in set(default.subjects()):
            if isinstance(subject, URIRef):
                union.add((subject, DESCRIBED_IN_GRAPH, DEFAULT_GRAPH_MARKER))
    return union, notes


@functools.lru_cache(maxsize=1)
def _bundled_vocabulary_triples() -> tuple:
    from kg.build import load_vocabulary_graphs

    return tuple(triple for graph in load_vocabulary_graphs().values() for triple in graph)


def validate_graphs(graphs: Mapping[URIRef, Graph], shapes: Graph | Path | None = None,
                    inference: str = "none", timeout: float | None = DEFAULT_TIMEOUT,
                    add_vocabularies: bool = True, engine: str = "auto") -> ValidationReport:
    """Validate the union of ``graphs`` (named graphs keyed by name) against the shapes."""
    shapes_graph = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if choose_engine(engine, inference, shapes_graph) == "sparql":
        from kg.validate_fast import store_from_graphs

        return _validate_with_sparql(store_from_graphs(graphs), shapes_graph, timeout, add_vocabularies)
    data, notes = data_graph(graphs, add_vocabularies=add_vocabularies)
    report_graph = run_pyshacl(data, shapes_graph, inference, timeout)
    return ValidationReport(results_of(report_graph, shapes_graph), report_graph,
                            shape_count=len(named_shapes(shapes_graph)), notes=notes)


def validate_files(files: Iterable[Path], format_in: str | None = None, shapes: Graph | Path | None = None,
                   engine: str = "auto", inference: str = "none", timeout: float | None = DEFAULT_TIMEOUT,
                   add_vocabularies: bool = True) -> ValidationReport:
    """Validate RDF files of any rdflib format (named graphs of TriG / N-Quads kept apart)."""
    paths_given = [Path(name) for name in files]
    shapes_graph = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if choose_engine(engine, inference, shapes_graph) == "sparql":
        from kg.validate_fast import store_from_files

        return _validate_with_sparql(store_from_files(paths_given, format_in), shapes_graph, timeout,
                                     add_vocabularies)
    return validate_graphs(read_rdf_files(paths_given, format_in), shapes=shapes_graph, inference=inference,
                           timeout=timeout, add_vocabularies=add_vocabularies, engine="pyshacl")


def choose_engine(engine: str, inference: str, shapes: Graph) -> str:
    """``sparql`` or ``pyshacl`` for ``engine`` (``auto``: sparql unless the shapes or the
    inference need pyshacl); an explicit ``sparql`` that cannot be honoured is an error."""
    if engine not in ENGINES:
        raise KgError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if inference not in INFERENCE:
        raise KgError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE)}")
    if engine == "pyshacl":
        return engine
    from kg.shacl_sparql import UnsupportedShapeError, compile_shapes

    reason = None
    if inference != "none":
        reason = f"--inference {inference} is done by pyshacl"
    else:
        try:
            compile_shapes(shapes)
        except UnsupportedShapeError as error:
            reason = str(error)
    if reason is None:
        return "sparql"
    if engine == "sparql":
        raise KgError(f"the SPARQL engine cannot validate this: {reason}; use --engine pyshacl")
    return "pyshacl"


def _validate_with_sparql(store, shapes: Graph, timeout: float | None,
                          add_vocabularies: bool) -> ValidationReport:
    from kg.validate_fast import run_in_child

    report_graph, notes = run_in_child(store, shapes, add_vocabularies, timeout)
    return report_of(report_graph, shapes, notes)


def report_of(report_graph: Graph, shapes: Graph, notes: Iterable[str] = ()) -> ValidationReport:
    """The results of a SHACL report graph written by either engine, with their shapes."""
    report_graph = _report_graph(report_graph)
    return ValidationReport(results_of(report_graph, shapes), report_graph,
                            shape_count=len(named_shapes(shapes)), notes=list(notes))


def run_pyshacl(data: Graph, shapes: Graph, inference: str = "none",
                timeout: float | None = DEFAULT_TIMEOUT) -> Graph:
    """pyshacl's report graph, computed in a child process killed after ``timeout`` seconds.

    With ``timeout=None`` pyshacl runs in this process (no time limit; parsed SPARQL is reused
    across calls, which makes many small validations fast, as in the tests).
    """
    if timeout is None:
        return _report_graph(_pyshacl_report(data, shapes, inference))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    payload: Graph | bytes = data
    shapes_payload: Graph | bytes = shapes
    if context.get_start_method() != "fork":  # a spawned child gets the graphs as N-Triples
        payload = data.serialize(format="nt", encoding="utf-8")
        shapes_payload = shapes.serialize(format="nt", encoding="utf-8")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_pyshacl_child, args=(sender, payload, shapes_payload, inference),
                            daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ValidationTimeoutError(f"validation did not finish within {timeout:g} seconds "
                                    "(raise it with --timeout)")
        try:
            status, body = receiver.recv()
        except EOFError:
            child.join(5)
            raise KgError(f"the validator stopped without a report (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if status != "ok":
        raise KgError(f"the SHACL validator failed: {body}")
    return _report_graph(Graph().parse(data=body, format="nt"))


def _report_graph(report: Graph) -> Graph:
    for prefix, namespace in (*iris.PREFIXES.items(), ("bgis", str(iris.SHAPES)), ("sh", str(SH))):
        report.bind(prefix, namespace)
    return report


def _pyshacl_report(data: Graph, shapes: Graph, inference: str) -> Graph:
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference=None if inference == "none" else inference,
        advanced=False, allow_warnings=True, allow_infos=True, do_owl_imports=False,
        inplace=True, abort_on_first=False)
    return report


def _pyshacl_child(sender, data: Graph | bytes, shapes: Graph | bytes, inference: str) -> None:
    try:
        if isinstance(data, bytes):
            data = QueryCachingGraph().parse(data=data, format="nt")
        if isinstance(shapes, bytes):
            shapes = Graph().parse(data=shapes, format="nt")
        report = _pyshacl_report(data, shapes, inference)
        sender.send(("ok", report.serialize(format="nt", encoding="utf-8")))
    except Exception as error:  # reported by the parent as a KgError
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def results_of(report: Graph, shapes: Graph | None = None) -> list[ShaclResult]:
    """The results of a SHACL report graph, in a stable order.

    pyshacl drops the language tag of a message whose template it fills in ({?value}); the
    language is found again by matching the message against the tagged templates of the
    result's SPARQL constraint and shape. Messages of the constraint (with the values filled
    in) come before the shape's general message.
    """
    results = []
    # The results of the report, not the sh:detail results pyshacl nests under some of them.
    top_level = set(report.objects(None, SH.result)) or set(report.subjects(RDF.type, SH.ValidationResult))
    for node in sorted(top_level, key=str):
        severity = report.value(node, SH.resultSeverity)
        shape = report.value(node, SH.sourceShape)
        templates = _templates(shapes, report.value(node, SH.sourceConstraint), shape)
        messages = sorted({_tagged(message, templates) for message in report.objects(node, SH.resultMessage)
                           if isinstance(message, Literal)})
        path = report.value(node, SH.resultPath)
        results.append(ShaclResult(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=shape,
            focus=report.value(node, SH.focusNode),
            path=path_expression(report, path) if isinstance(path, BNode) else path,
            value=report.value(node, SH.value),
            messages=tuple((language, text) for _rank, language, text in messages),
            constraint=report.value(node, SH.sourceConstraintComponent)))
    order = {severity: position for position, severity in enumerate(SEVERITIES)}
    results.sort(key=lambda result: (order.get(result.severity, 9), str(result.shape), str(result.focus),
                                     str(result.path), str(result.value), result.messages))
    return results


def _templates(shapes: Graph | None, constraint, shape) -> list[tuple[int, str, re.Pattern]]:
    if shapes is None:
        return []
    found = []
    for rank, node in enumerate((constraint, shape)):
        if node is None:
            continue
        for message in shapes.objects(node, SH.message):
            if isinstance(message, Literal) and message.language:
                pattern = re.escape(str(message))
                pattern = re.sub(r"\\\{\\[?$]\w+\\\}", "(.*?)", pattern)
                found.append((rank, message.language, re.compile(pattern, re.DOTALL)))
    return found


def _tagged(message: Literal, templates: list[tuple[int, str, re.Pattern]]) -> tuple[int, str, str]:
    """(rank, language, text) of a result message; rank 0 for a constraint's own message."""
    text = str(message)
    for rank, language, pattern in templates:
        if pattern.fullmatch(text):
            return rank, message.language or language, text
    return 2, message.language or "", text


def path_expression(graph: Graph, path) -> str:
    """A SHACL path as SPARQL property-path text (``^bgi:participationIn``)."""
    def render(node) -> str:
        if isinstance(node, URIRef):
            return graph.namespace_manager.normalizeUri(node)
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + render(inverse)
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(render(item) for item in graph.items(alternatives)) + ")"
        for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = graph.value(node, predicate)
            if inner is not None:
                return render(inner) + suffix
        items = list(graph.items(node))
        return "/".join(render(item) for item in items) if items else str(node)

    return render(path)
