"""The SPARQL engine's report: the rows of the compiled checks, written as pyshacl writes results.

Each row of a check (:class:`kg.validate.shacl_sparql.Check`) becomes a result in a SHACL report graph
shaped like pyshacl's, with the rows pyshacl would drop dropped and the message templates
filled in as pyshacl fills them, so :func:`kg.validate.report.results_of` reads both engines'
reports alike. The release validation (:mod:`kg.validate.release_check`) shares the rows out to worker
processes and writes them with the same functions, so its report is this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH

from kg.validate.data_store import LoadedData
from kg.validate.select import select
from kg.validate.shacl_sparql import Check


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
        for focus, solution, names in check_solutions(loaded.store, check):
            result = row_result(check, loaded.to_rdflib(focus), solution, names, seen, loaded.to_rdflib)
            if result is None:
                continue
            conforms = conforms and check.severity != SH.Violation
            add_result(report, node, shapes, check, *result)
    report.add((node, SH.conforms, Literal(conforms)))
    return report


def check_solutions(store: ox.Store, check: Check) -> Iterator[tuple[object, ox.QuerySolution, list[str]]]:
    """(focus node, solution, variable names) for every row of the check."""
    if check.focus_query is None:
        solutions = select(store, check.query)
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield solution["this"], solution, names
        return
    this = ox.Variable("this")
    for row in select(store, check.focus_query):
        focus = row["this"]
        if focus is None:  # the focus query binds ?this in every row
            continue
        solutions = select(store, check.query, substitutions={this: focus})
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield focus, solution, names


def row_result(check: Check, focus, solution, names: list[str], seen: set, convert: Callable):
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


def add_result(report: Graph, report_node: BNode, shapes: Graph, check: Check, focus, value, path,
               variables: dict | None) -> None:
    """One sh:ValidationResult of ``check`` in ``report``, as pyshacl words it."""
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
        filled = str(term)
        text = re.sub(f"{{[?$]{name}}}", lambda _match: filled, text)  # noqa: B023 - used at once
    return Literal(text, lang=message.language)


def _copy_path(shapes: Graph, report: Graph, node: BNode) -> None:
    for predicate, value in shapes.predicate_objects(node):
        report.add((node, predicate, value))
        if isinstance(value, BNode):
            _copy_path(shapes, report, value)
