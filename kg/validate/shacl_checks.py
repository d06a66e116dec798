"""The SPARQL queries of one targeted shape: its own constraints, its property shapes, its
SPARQL-based constraints (see :mod:`kg.validate.shacl_sparql` for the translation as a whole).

Every query returns one row per validation result, in the form pyshacl reports it: value-type
constraints (sh:class, sh:datatype, sh:or, …) give one result per failing value node; counts
(sh:minCount, sh:qualifiedMinCount, …), sh:hasValue and sh:uniqueLang give one result per
focus node (per duplicated language for sh:uniqueLang) and no value.

On pyoxigraph, a query is fast when it compares node ids (joins, MINUS) and slow when it
evaluates something per row (a FILTER decodes the terms it tests; a FILTER (NOT) EXISTS is a
separate evaluation per row, which reads a join inside it in full each time). So: checks along
a path of fixed length join the focus nodes and the path's triples as a hash join of two
sub-selects (:class:`kg.validate.shacl_sparql.Focus`) and test values only after it; sh:class and
qualified shapes of classes are a MINUS with the class's instances; sh:minCount 1 and
sh:hasValue are the focus nodes MINUS those with a value along the path (FILTER NOT EXISTS, one
lookup per focus node, where the path has ``*``, ``+`` or ``?``). Every form returns the same
rows as the plain join of the focus nodes with the path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.validate.shacl_sparql import (
    FOCUS_MARK,
    THIS_VARIABLE,
    VALUE_COMPONENTS,
    Check,
    Focus,
    Node,
    UnsupportedShapeError,
    _Compiler,
    component_of,
    targets,
    this_projected,
)

WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
SELECT_KEYWORD = re.compile(r"\bSELECT\b(\s+(DISTINCT|REDUCED)\b)?", re.IGNORECASE)
PATH_VARIABLE = re.compile(r"\$PATH\b")
SUBJECT_THIS = re.compile(r"(^|[.{}]|\s)[?$]this\s+(<[^>]*>|\^|\(|[A-Za-z][\w-]*:|a\s)")
OBJECT_THIS = re.compile(r"\s[?$]this\s*([.;,]|$)")


def shape_checks(compiler: _Compiler, shape: Node, focus: Focus) -> list[Check]:
    """The checks of a shape with targets whose focus nodes ``focus`` selects."""
    compiler.check_supported(shape)
    path = compiler.value(shape, SH.path)
    if path is not None:
        return property_checks(compiler, shape, focus)
    checks = [_node_value_check(compiler, shape, focus, parameter, argument)
              for parameter in VALUE_COMPONENTS for argument in compiler.values(shape, parameter)]
    for value in compiler.values(shape, SH.hasValue):
        checks.append(_check(compiler, shape, SH.hasValue, None, "none",
                             f"SELECT DISTINCT ?this WHERE {{ {focus.select} "
                             f"FILTER (!sameTerm(?this, {compiler.term(value)})) }}"))
    for property_shape in compiler.values(shape, SH.property):
        if not compiler.deactivated(property_shape):
            checks.extend(property_checks(compiler, property_shape, focus))
    checks.extend(sparql_checks(compiler, shape, focus, None))
    return checks


@dataclass(frozen=True)
class _Along:
    """The focus nodes of a property shape joined with the values along its path.

    A path of fixed length (no ``*``, ``+``, ``?``) is read once, as a sub-select joined with
    :attr:`Focus.marked`, and the conditions on its values are FILTERs naming the mark, which
    run after the join. A path with ``*``, ``+`` or ``?`` cannot be read without a bound end
    (a zero-length path matches every node of the graph): it is followed from each focus node.
    """

    focus: Focus
    path: str
    bounded: bool

    def pairs(self, pattern: str, variables: str = "?this ?value") -> str:
        """A group pattern: the focus nodes joined with ``pattern``'s solutions (``pattern``
        binds ``?this`` and ``variables``)."""
        if self.bounded:
            return f"{self.focus.marked} {{ SELECT {variables} WHERE {{ {pattern} }} }}"
        return f"{self.focus.select} {pattern}"

    def where(self, condition: str) -> str:
        """A FILTER on the rows of :meth:`pairs`, run after the join.

        ``IF``, not ``&&``: pyoxigraph splits a conjunction into separate FILTERs and would push
        the condition down again. ``IF(mark, condition, false)`` drops exactly the rows that
        ``FILTER (condition)`` drops, those where the condition raises an error included.
        """
        if self.bounded:
            return f"FILTER (IF({FOCUS_MARK}, {condition}, false))"
        return f"FILTER ({condition})"


def property_checks(compiler: _Compiler, shape: Node, focus: Focus) -> list[Check]:
    """The checks of a property shape over the focus nodes ``focus``."""
    compiler.check_supported(shape)
    path_node = compiler.value(shape, SH.path)
    if path_node is None:
        raise UnsupportedShapeError(f"{compiler.name(shape)} is used as a property shape but has no sh:path")
    if compiler.values(shape, SH.property):
        raise UnsupportedShapeError(f"{compiler.name(shape)}: sh:property inside a property shape")
    path = compiler.path(path_node)
    along = _Along(focus, path, compiler.bounded_path(path_node))
    values = f"?this {path} ?value ."
    checks = []
    for parameter in VALUE_COMPONENTS:
        for argument in compiler.values(shape, parameter):
            if parameter == SH["class"] and along.bounded:
                # the values that are no instance: a MINUS of ids instead of a lookup per value
                instances = compiler.instance_pattern("?value", argument)
                failing = along.pairs(f"{values} MINUS {{ {instances} }}")
            else:
                condition = compiler.value_condition(shape, parameter, argument, "?value")
                failing = f"{along.pairs(values)} {along.where(f'!{condition}')}"
            checks.append(_check(compiler, shape, parameter, path_node, "value",
                                 f"SELECT DISTINCT ?this ?value WHERE {{ {failing} }}"))
    for count in compiler.values(shape, SH.minCount):
        checks.append(_check(compiler, shape, SH.minCount, path_node, "none",
                             _too_few(focus, f"?this {path} ?value", int(count), along.bounded)))
    for count in compiler.values(shape, SH.maxCount):
        checks.append(_check(compiler, shape, SH.maxCount, path_node, "none",
                             f"SELECT ?this WHERE {{ {along.pairs(values)} }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(count)})"))
    for value in compiler.values(shape, SH.hasValue):
        having = f"?this {path} {compiler.term(value)}"
        without = f"MINUS {{ {having} }}" if along.bounded else f"FILTER NOT EXISTS {{ {having} }}"
        checks.append(_check(compiler, shape, SH.hasValue, path_node, "none",
                             f"SELECT DISTINCT ?this WHERE {{ {focus.select} {without} }}"))
    if compiler.value(shape, SH.uniqueLang) == Literal(True):
        tagged = along.where("isLiteral(?value) && LANG(?value) != \"\"")
        checks.append(_check(compiler, shape, SH.uniqueLang, path_node, "none",
                             f"SELECT ?this WHERE {{ {along.pairs(values)} {tagged} }} "
                             "GROUP BY ?this (LCASE(LANG(?value))) HAVING (COUNT(DISTINCT ?value) > 1)"))
    checks.extend(_qualified_checks(compiler, shape, path_node, along, values))
    checks.extend(_pair_checks(compiler, shape, path_node, along, values))
    checks.extend(sparql_checks(compiler, shape, focus, path))
    return checks


def _too_few(focus: Focus, pattern: str, count: int, bounded: bool = False) -> str:
    """The focus nodes with fewer than ``count`` distinct ``?value`` in ``pattern``'s solutions.

    For a count of 1, no grouping: along a path of fixed length (``bounded``) the focus nodes
    MINUS the subjects of ``pattern`` (read once, compared by id: 2.3 s → 0.5 s for 157 000
    focus nodes at 100 000 contracts), else FILTER NOT EXISTS (one lookup per focus node; a
    path with ``*`` cannot be read unbound). ``pattern`` binds ``?this`` in every solution, so
    MINUS removes exactly the rows NOT EXISTS removes; the focus sub-select is DISTINCT, so
    each form gives one row per focus node.
    """
    if count == 1:
        without = f"MINUS {{ {pattern} }}" if bounded else f"FILTER NOT EXISTS {{ {pattern} }}"
        return f"SELECT ?this WHERE {{ {focus.select} {without} }}"
    return (f"SELECT ?this WHERE {{ {focus.select} OPTIONAL {{ {pattern} }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {count})")


def _node_value_check(compiler: _Compiler, shape: Node, focus: Focus, parameter: URIRef, argument) -> Check:
    if parameter == SH["class"]:
        failing = f"{focus.select} MINUS {{ {compiler.instance_pattern('?this', argument)} }}"
    else:
        failing = f"{focus.select} FILTER (!{compiler.value_condition(shape, parameter, argument, '?this')})"
    return _check(compiler, shape, parameter, None, "focus", f"SELECT DISTINCT ?this WHERE {{ {failing} }}")


def _qualified_checks(compiler: _Compiler, shape: Node, path_node, along: _Along, values: str) -> list[Check]:
    qualified = compiler.values(shape, SH.qualifiedValueShape)
    if not qualified:
        return []
    if compiler.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
        raise UnsupportedShapeError(f"{compiler.name(shape)}: sh:qualifiedValueShapesDisjoint")
    checks = []
    for inner in qualified:
        condition = compiler.conforms(inner, "?value")
        instances = compiler.instances_of(inner, "?value")
        for count in compiler.values(shape, SH.qualifiedMinCount):
            if int(count) == 1 and instances is not None and along.bounded:
                # the focus nodes minus those with a value of the classes: ids only
                query = f"SELECT ?this WHERE {{ {along.focus.select} MINUS {{ {values} {instances} }} }}"
            else:
                query = _too_few(along.focus, f"?this {along.path} ?value FILTER ({condition})", int(count))
            checks.append(_check(compiler, shape, SH.qualifiedMinCount, path_node, "none", query))
        for count in compiler.values(shape, SH.qualifiedMaxCount):
            checks.append(_check(compiler, shape, SH.qualifiedMaxCount, path_node, "none",
                                 f"SELECT ?this WHERE {{ {along.pairs(values)} {along.where(condition)} }} "
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(count)})"))
    return checks


def _pair_checks(compiler: _Compiler, shape: Node, path_node, along: _Along, values: str) -> list[Check]:
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals (one result per offending pair)."""
    checks = []
    for other in compiler.values(shape, SH.equals):
        other_term = compiler.term(other)
        missing_other = f"{along.pairs(values)} {along.where(f'NOT EXISTS {{ ?this {other_term} ?value }}')}"
        missing_path = (f"{along.pairs(f'?this {other_term} ?value .')} "
                        f"{along.where(f'NOT EXISTS {{ ?this {along.path} ?value }}')}")
        checks.append(_check(compiler, shape, SH.equals, path_node, "value",
                             f"SELECT DISTINCT ?this ?value WHERE {{ {{ {missing_other} }} UNION "
                             f"{{ {missing_path} }} }}"))
    for other in compiler.values(shape, SH.disjoint):
        shared = along.pairs(f"{values} ?this {compiler.term(other)} ?value .")
        checks.append(_check(compiler, shape, SH.disjoint, path_node, "value",
                             f"SELECT DISTINCT ?this ?value WHERE {{ {shared} }}"))
    for parameter, operator in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
        for other in compiler.values(shape, parameter):
            # pyshacl compares IRIs as strings and fails a string against a non-string.
            test = (f"COALESCE(IF(isIRI(?value) && isIRI(?other), STR(?value) {operator} STR(?other), "
                    f"?value {operator} ?other), false)")
            both = along.pairs(f"{values} ?this {compiler.term(other)} ?other .", "?this ?value ?other")
            failing = f"{both} {along.where(f'!{test}')}"
            checks.append(_check(compiler, shape, parameter, path_node, "value",
                                 f"SELECT DISTINCT ?this ?value ?other WHERE {{ {failing} }}"))
    return checks


def sparql_checks(compiler: _Compiler, shape: Node, focus: Focus, path: str | None) -> list[Check]:
    """A shape's SPARQL-based constraints, each run once for all focus nodes.

    pyshacl pre-binds ``$this`` and runs the query per focus node; here the focus sub-select is
    placed first in the query's outer group, which binds ``$this`` before the group's filters
    (FILTER EXISTS / NOT EXISTS see it) and joins it with everything else.
    """
    checks = []
    for constraint in compiler.values(shape, SH.sparql):
        if compiler.deactivated(constraint):
            continue
        select = compiler.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"{compiler.name(shape)}: a SPARQL constraint without sh:select")
        text = str(select)
        if "$shapesGraph" in text or "$currentShape" in text:
            raise UnsupportedShapeError(f"{compiler.name(shape)}: $shapesGraph / $currentShape in SPARQL")
        if PATH_VARIABLE.search(text):
            if path is None:
                raise UnsupportedShapeError(f"{compiler.name(shape)}: $PATH in a shape without a path")
            text = PATH_VARIABLE.sub(lambda _match: path, text)
        if needs_prebinding(text):  # run once per focus node with $this substituted (slower)
            query = _prefixes(compiler, constraint) + text
            focus_query = f"SELECT ?this WHERE {{ {focus.select} }}"
        else:
            query, focus_query = _prefixes(compiler, constraint) + inject_focus(text, focus.select), None
        checks.append(Check(query=query, shape=shape, severity=_severity(compiler, shape),
                            focus_query=focus_query,
                            component=SH.SPARQLConstraintComponent,
                            path=compiler.value(shape, SH.path), value_from="sparql",
                            messages=_messages(compiler, shape), constraint=constraint,
                            constraint_messages=_messages(compiler, constraint)))
    return checks


def needs_prebinding(select: str) -> bool:
    """Whether joining the focus nodes into the outer group could differ from pre-binding.

    SHACL pre-binds ``$this`` everywhere in the query. Joining the focus nodes in the outer
    group binds it the same way for the outer group and for FILTER (NOT) EXISTS (evaluated
    with the solution's bindings), but not for a nested group, a UNION branch, an OPTIONAL or a
    sub-select that uses ``$this`` on its own: those are evaluated before the join. Such
    queries are run once per focus node with ``$this`` substituted instead.
    """
    depth_kinds: list[tuple[str, bool]] = []  # (kind, inside an EXISTS)
    for position, character, before in _braces(select):
        if character == "{":
            inside_exists = bool(depth_kinds) and depth_kinds[-1][1]
            if re.search(r"\bEXISTS\s*$", before, re.IGNORECASE):
                kind = "exists"
            elif re.search(r"\bVALUES\s+(\?\w+|\$\w+|\([^)]*\))\s*$", before, re.IGNORECASE):
                kind = "values"
            elif re.match(r"\s*SELECT\b", select[position + 1:], re.IGNORECASE):
                kind = "select"
            else:
                kind = "outer" if not depth_kinds else "group"
            depth_kinds.append((kind, inside_exists or kind == "exists"))
        elif depth_kinds:
            kind, inside_exists = depth_kinds.pop()
            if kind in ("group", "select") and not inside_exists and _direct_mention(select, position):
                return True
    return False


def _braces(text: str):
    """(position, brace, text since the previous brace) for every brace outside strings,
    IRIs and comments."""
    position, last, length = 0, 0, len(text)
    while position < length:
        character = text[position]
        if character in "\"'":
            quote = character * 3 if text.startswith(character * 3, position) else character
            end = position + len(quote)
            while end < length and not text.startswith(quote, end):
                end += 2 if text[end] == "\\" else 1
            position = end + len(quote)
            continue
        if character == "#":
            position = text.find("\n", position)
            position = length if position < 0 else position
            continue
        if character == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[position:]):
            position = text.index(">", position) + 1
            continue
        if character in "{}":
            yield position, character, text[last:position]
            last = position + 1
        position += 1


def _direct_mention(text: str, closing: int) -> bool:
    """Whether the group closing at ``closing`` uses ``$this`` without binding it itself.

    A triple pattern of the group's own (not of a nested group) with ``$this`` as subject or
    object binds it, and the later join on it gives what pre-binding gives; a mention only in
    an expression or a nested EXISTS does not.
    """
    depth, position, own = 0, closing, []
    while position > 0:
        position -= 1
        character = text[position]
        if character == "}":
            depth += 1
        elif character == "{":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            own.append(character)
    if not THIS_VARIABLE.search(text[position:closing]):
        return False
    direct = "".join(reversed(own))
    return not (SUBJECT_THIS.search(direct) or OBJECT_THIS.search(direct))


def inject_focus(select: str, focus: str) -> str:
    """The SELECT with the focus sub-select first in its outer group and ``?this`` projected."""
    match = WHERE_BRACE.search(select) or re.search(r"\{", select)
    if match is None:
        raise UnsupportedShapeError(f"a SPARQL constraint without a group pattern: {select[:80]!r}")
    text = select[:match.end()] + f" {focus} " + select[match.end():]
    if not this_projected(select):
        selected = SELECT_KEYWORD.search(text)
        if selected is None:
            raise UnsupportedShapeError(f"a SPARQL constraint that is no SELECT: {select[:80]!r}")
        text = text[:selected.end()] + " ?this" + text[selected.end():]
    return text


def _prefixes(compiler: _Compiler, constraint: Node) -> str:
    lines = []
    for prefixes in compiler.values(constraint, SH.prefixes):
        for declaration in compiler.values(prefixes, SH.declare):
            prefix = compiler.value(declaration, SH.prefix)
            namespace = compiler.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _severity(compiler: _Compiler, shape: Node) -> URIRef:
    return compiler.value(shape, SH.severity) or SH.Violation


def _messages(compiler: _Compiler, node: Node) -> tuple[Literal, ...]:
    return tuple(message for message in compiler.values(node, SH.message) if isinstance(message, Literal))


def _check(compiler: _Compiler, shape: Node, parameter: URIRef, path_node, value_from: str,
           query: str) -> Check:
    return Check(query=query, shape=shape, severity=_severity(compiler, shape),
                 component=component_of(parameter), path=path_node, value_from=value_from,
                 messages=_messages(compiler, shape))


def compile_shapes(shapes: Graph, ill_typed: Callable[[URIRef], list[str]] | None = None,
                   subclasses: Callable[[URIRef], list[URIRef]] | None = None) -> list[Check]:
    """Every check that validating against ``shapes`` runs, for every targeted shape.

    ``ill_typed(datatype)`` lists the literals (as SPARQL terms) of the data whose lexical form is
    invalid for the datatype (sh:datatype rejects them); SPARQL cannot tell, so the caller finds them.
    ``subclasses(cls)`` lists ``cls`` and its subclasses in the data graph (else a property path
    is used per value).
    """
    compiler = _Compiler(shapes, ill_typed or (lambda datatype: []), subclasses)
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape))
    candidates |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        candidates |= set(shapes.subjects(predicate, None))
    checks: list[Check] = []
    for shape in sorted((node for node in candidates if isinstance(node, URIRef | BNode)), key=str):
        focus = targets(compiler, shape)
        if focus is None or compiler.deactivated(shape):
            continue
        checks.extend(shape_checks(compiler, shape, focus))
    return checks
