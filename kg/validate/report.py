"""The results of a validation, read from a SHACL report graph written by either engine.

pyshacl writes a report graph, and the SPARQL engine (:mod:`kg.validate.sparql_engine`) writes one shaped
like it, so both engines feed this one reader and the text / JSON / Turtle output
(:mod:`kg.validate.report_output`) never knows which engine ran. A result of severity sh:Violation fails
validation; warnings and infos do not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, SH

from kg.records import iris
from kg.validate.shapes import named_shapes

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ShaclResult:
    """One validation result: what is wrong (shape, message), where (focus, path, value)."""

    severity: str
    shape: URIRef | BNode | None  # None only if a report lacks it (pyshacl and our engine give one)
    focus: URIRef | BNode | Literal | None  # likewise
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


def report_of(report_graph: Graph, shapes: Graph, notes: Iterable[str] = ()) -> ValidationReport:
    """The results of a SHACL report graph written by either engine, with their shapes."""
    report_graph = with_report_prefixes(report_graph)
    return ValidationReport(results_of(report_graph, shapes), report_graph,
                            shape_count=len(named_shapes(shapes)), notes=list(notes))


def with_report_prefixes(report: Graph) -> Graph:
    """``report`` with the project's prefixes bound, so its Turtle and its paths read short."""
    for prefix, namespace in (*iris.PREFIXES.items(), ("bgis", str(iris.SHAPES)), ("sh", str(SH))):
        report.bind(prefix, namespace)
    return report


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
            shape=shape if isinstance(shape, URIRef | BNode) else None,
            focus=_term(report.value(node, SH.focusNode)),
            path=path_expression(report, path) if isinstance(path, BNode) else _iri(path),
            value=_term(report.value(node, SH.value)),
            messages=tuple((language, text) for _rank, language, text in messages),
            constraint=_iri(report.value(node, SH.sourceConstraintComponent))))
    order = {severity: position for position, severity in enumerate(SEVERITIES)}
    results.sort(key=lambda result: (order.get(result.severity, 9), str(result.shape), str(result.focus),
                                     str(result.path), str(result.value), result.messages))
    return results


def tag_messages(report: Graph, shapes: Graph) -> Graph:
    """``report`` with each untagged sh:resultMessage given the language tag of the shape message
    it was filled in from (pyshacl drops it), so the Turtle report says which language each
    message is in, as the SPARQL engine's does. Changes ``report`` in place and returns it."""
    for node in set(report.subjects(SH.resultMessage, None)):
        templates = _templates(shapes, report.value(node, SH.sourceConstraint),
                               report.value(node, SH.sourceShape))
        for message in list(report.objects(node, SH.resultMessage)):
            if not isinstance(message, Literal) or message.language:
                continue
            _rank, language, _text = _tagged(message, templates)
            if language:
                report.remove((node, SH.resultMessage, message))
                report.add((node, SH.resultMessage, Literal(str(message), lang=language)))
    return report


def _term(value: Node | None) -> URIRef | BNode | Literal | None:
    """A node of the report as a result's term (None where the report has none)."""
    return value if isinstance(value, URIRef | BNode | Literal) else None


def _iri(value: Node | None) -> URIRef | None:
    return value if isinstance(value, URIRef) else None


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
