"""SHACL shapes compiled to SPARQL SELECT queries, so a store can validate a large graph fast.

pyshacl walks the data graph node by node in Python and runs every SPARQL-based constraint once
per focus node; at 100× the bundled graph that takes more than five minutes. The same checks,
written as one SPARQL query per constraint over all focus nodes at once, run in seconds on
pyoxigraph. This module only translates: :func:`kg.validate.shacl_checks.compile_shapes` turns a
shapes graph into
:class:`Check` objects (a query plus what a result of it reports); :mod:`kg.validate.sparql_engine` runs
them and builds the report.

The translation follows pyshacl's behaviour where SHACL leaves room (which results carry a
``sh:value``, how a node shape's SPARQL constraint reports its focus node, how duplicates
are removed), so both engines report the same results; the tests compare them on the bundled
graph and on every mutation fixture. Shapes that use a feature outside the supported subset
raise :class:`UnsupportedShapeError` naming the shape and the feature; ``kg validate`` then
falls back to pyshacl.

Supported: targets (class with subclasses, node, subjects-of, objects-of, implicit class);
paths (predicate, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one);
sh:class, datatype, nodeKind, min/maxInclusive, min/maxExclusive, min/maxLength, pattern,
languageIn, in, hasValue, node, or, and, not, xone, minCount, maxCount, uniqueLang,
qualifiedValueShape with qualifiedMin/MaxCount, equals, disjoint, lessThan, lessThanOrEquals,
and SPARQL-based constraints (SELECT, with ``$this``, ``$PATH`` and sh:prefixes).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.common.errors import KgError

Node = URIRef | BNode
VALUE_COMPONENTS = (SH["class"], SH.datatype, SH.nodeKind, SH.minInclusive, SH.maxInclusive,
                    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern,
                    SH.languageIn, SH["in"], SH.node, SH["or"], SH["and"], SH["not"], SH.xone)
SUPPORTED = {*VALUE_COMPONENTS, SH.hasValue, SH.minCount, SH.maxCount, SH.uniqueLang,
             SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
             SH.qualifiedValueShapesDisjoint, SH.equals, SH.disjoint, SH.lessThan,
             SH.lessThanOrEquals, SH.sparql, SH.property, SH.flags}
SHAPE_PREDICATES = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path,
                    SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order,
                    SH.group, SH.defaultValue, RDF.type, RDFS.label, RDFS.comment}
UNSUPPORTED = {SH.closed, SH.ignoredProperties, SH.target, SH.rule, SH.js, SH.expression}
NODE_KINDS = {SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
              SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
              SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
              SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))"}
RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
COMPONENT_NAMES = {SH["class"]: "Class", SH["in"]: "In", SH["or"]: "Or", SH["and"]: "And",
                   SH["not"]: "Not", SH.xone: "Xone", SH.qualifiedMinCount: "QualifiedMinCount",
                   SH.qualifiedMaxCount: "QualifiedMaxCount"}
THIS_VARIABLE = re.compile(r"[?$]this\b")


class UnsupportedShapeError(KgError):
    """A shape uses a SHACL feature the SPARQL translation does not cover."""


def component_of(parameter: URIRef) -> URIRef:
    """``sh:minCount`` → ``sh:MinCountConstraintComponent``."""
    name = COMPONENT_NAMES.get(parameter) or str(parameter).rsplit("#", 1)[-1]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


@dataclass(frozen=True)
class Check:
    """One query and what each of its rows reports.

    A row binds ``?this`` (the focus node) and, depending on ``value_from``: ``"value"`` the
    result's value in ``?value``, ``"focus"`` the focus node itself, ``"none"`` no value;
    ``"sparql"`` follows SHACL-SPARQL (``?value``/``?path`` if bound, all variables fill the
    message templates).
    """

    query: str
    shape: Node
    severity: URIRef
    component: URIRef
    path: Node | None
    value_from: str
    messages: tuple[Literal, ...]
    constraint: Node | None = None
    constraint_messages: tuple[Literal, ...] = ()
    #: For SPARQL constraints that need ``$this`` pre-bound: the query of the focus nodes; the
    #: check's query is then run once per focus node with ``$this`` substituted.
    focus_query: str | None = None


@dataclass
class _Compiler:
    shapes: Graph
    ill_typed: Callable[[URIRef], list[str]] = field(default=lambda datatype: [])
    #: The class and its subclasses in the data graph (rdfs:subClassOf*), when the caller knows
    #: them: a test against that list is much faster than the property path per value.
    subclasses: Callable[[URIRef], list[URIRef]] | None = None
    _counter: Iterator[int] = field(default_factory=itertools.count)

    # ------------------------------------------------------------------ the shapes graph
    def values(self, node: Node, predicate: URIRef) -> list:
        return sorted(self.shapes.objects(node, predicate), key=str)

    def value(self, node: Node, predicate: URIRef):
        found = self.values(node, predicate)
        return found[0] if found else None

    def items(self, node: Node) -> list:
        return list(Collection(self.shapes, node))

    def fresh(self) -> str:
        return f"?_v{next(self._counter)}"

    def name(self, shape: Node) -> str:
        return shape.n3() if isinstance(shape, URIRef) else f"a blank-node shape ({shape})"

    def deactivated(self, shape: Node) -> bool:
        return self.value(shape, SH.deactivated) == Literal(True)

    def check_supported(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape)):
            if predicate in UNSUPPORTED or (str(predicate).startswith(str(SH))
                                            and predicate not in SUPPORTED | SHAPE_PREDICATES):
                name = "sh:" + str(predicate)[len(str(SH)):] if str(predicate).startswith(str(SH)) \
                    else predicate.n3()
                raise UnsupportedShapeError(f"{self.name(shape)} uses {name}, which the "
                                            "SPARQL validator does not translate")

    # ------------------------------------------------------------------ terms and paths
    def term(self, node) -> str:
        if isinstance(node, BNode):
            raise UnsupportedShapeError(f"a blank node ({node}) as a constraint value")
        return node.n3()

    def bounded_path(self, node) -> bool:
        """Whether the path has no ``*``, ``+`` or ``?``: then it can be evaluated with neither
        end bound at the cost of reading its triples (a zero-length path would match every node
        of the graph, a closure every pair), so a check may start from the path."""
        if isinstance(node, URIRef):
            return True
        if (node, RDF.first, None) in self.shapes:
            return all(self.bounded_path(item) for item in self.items(node))
        if any(self.value(node, predicate) is not None
               for predicate in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)):
            return False
        inner = self.value(node, SH.inversePath)
        if inner is not None:
            return self.bounded_path(inner)
        alternatives = self.value(node, SH.alternativePath)
        if alternatives is not None:
            return all(self.bounded_path(item) for item in self.items(alternatives))
        return False

    def path(self, node) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        if (node, RDF.first, None) in self.shapes:
            return "(" + "/".join(self.path(item) for item in self.items(node)) + ")"
        for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                    (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
            inner = self.value(node, predicate)
            if inner is not None:
                return "(" + template.format(self.path(inner)) + ")"
        alternatives = self.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(item) for item in self.items(alternatives)) + ")"
        raise UnsupportedShapeError(f"a path the SPARQL validator does not understand ({node})")

    # ------------------------------------------------------------------ conditions
    def value_condition(self, shape: Node, parameter: URIRef, argument, variable: str) -> str:
        """A SPARQL expression true when ``variable`` satisfies one value-type constraint."""
        v = variable
        if parameter == SH["class"]:
            return f"EXISTS {{ {self.instance_pattern(v, argument)} }}"
        if parameter == SH.datatype:
            return self.datatype_condition(argument, v)
        if parameter == SH.nodeKind:
            if argument not in NODE_KINDS:
                raise UnsupportedShapeError(f"{self.name(shape)}: unknown sh:nodeKind {argument}")
            return NODE_KINDS[argument].format(v=v)
        if parameter in RANGES:
            return f"COALESCE({v} {RANGES[parameter]} {self.term(argument)}, false)"
        if parameter in (SH.minLength, SH.maxLength):
            operator = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {int(argument)})"
        if parameter == SH.pattern:
            flags = self.value(shape, SH.flags)
            flag_text = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {Literal(str(argument)).n3()}{flag_text}))"
        if parameter == SH.languageIn:
            tags = " || ".join(f"langMatches(LANG({v}), {Literal(str(tag)).n3()})"
                               for tag in self.items(argument))
            return f"(isLiteral({v}) && ({tags or 'false'}))"
        if parameter == SH["in"]:
            matches = " || ".join(f"sameTerm({v}, {self.term(item)})" for item in self.items(argument))
            return f"({matches or 'false'})"
        if parameter == SH.node:
            return self.conforms(argument, v)
        if parameter == SH["not"]:
            return f"(!{self.conforms(argument, v)})"
        if parameter in (SH["or"], SH["and"]):
            joiner = " || " if parameter == SH["or"] else " && "
            members = [self.conforms(item, v) for item in self.items(argument)]
            return "(" + (joiner.join(members) or ("false" if parameter == SH["or"] else "true")) + ")"
        if parameter == SH.xone:
            members = [f"IF({self.conforms(item, v)}, 1, 0)" for item in self.items(argument)]
            return "((" + (" + ".join(members) or "0") + ") = 1)"
        raise UnsupportedShapeError(f"{self.name(shape)}: {parameter.n3()} is not a value constraint")

    def instance_pattern(self, v: str, cls) -> str:
        """A pattern matching when ``v`` has ``rdf:type`` ``cls`` or one of its subclasses."""
        if self.subclasses is None or isinstance(cls, BNode):
            return f"{v} <{RDF.type}>/<{RDFS.subClassOf}>* {self.term(cls)} ."
        classes = " ".join(self.term(each) for each in self.subclasses(cls))
        each = self.fresh()
        return f"{v} <{RDF.type}> {each} . VALUES {each} {{ {classes} }}"

    def datatype_condition(self, datatype, v: str) -> str:
        """pyshacl's rule: a literal of that datatype whose lexical form is valid for it."""
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        condition = f"(isLiteral({v}) && DATATYPE({v}) = {self.term(datatype)})"
        bad = self.ill_typed(datatype)
        if bad:
            excluded = " || ".join(f"sameTerm({v}, {literal})" for literal in bad)
            condition = f"({condition} && !({excluded}))"
        return condition

    def instances_of(self, shape: Node, v: str) -> str | None:
        """A graph pattern matching when ``v`` conforms to ``shape``, for a shape of sh:class
        constraints only (else None).

        A join or MINUS with it compares node ids; the equivalent EXISTS in a FILTER is a
        separate evaluation per value, several times slower on pyoxigraph.
        """
        if self.deactivated(shape) or self.values(shape, SH.sparql) or self.value(shape, SH.path) is not None:
            return None
        self.check_supported(shape)
        parameters = {parameter for parameter in (*VALUE_COMPONENTS, SH.hasValue, SH.property)
                      if self.values(shape, parameter)}
        classes = self.values(shape, SH["class"])
        if parameters != {SH["class"]} or any(isinstance(cls, BNode) for cls in classes):
            return None
        return " ".join(self.instance_pattern(v, cls) for cls in classes)

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when ``v`` conforms to ``shape`` (used inside sh:or, sh:node …)."""
        if self.deactivated(shape):
            return "true"
        self.check_supported(shape)
        if self.values(shape, SH.sparql):
            raise UnsupportedShapeError(f"{self.name(shape)}: a SPARQL constraint in a nested shape")
        path = self.value(shape, SH.path)
        if path is not None:
            return self.property_conforms(shape, path, v)
        parts = [self.value_condition(shape, parameter, argument, v)
                 for parameter in VALUE_COMPONENTS for argument in self.values(shape, parameter)]
        parts += [f"sameTerm({v}, {self.term(value)})" for value in self.values(shape, SH.hasValue)]
        parts += [self.conforms(prop, v) for prop in self.values(shape, SH.property)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_conforms(self, shape: Node, path_node, focus: str) -> str:
        path = self.path(path_node)
        parts = []
        for count in self.values(shape, SH.minCount):
            if int(count) > 1:
                raise UnsupportedShapeError(f"{self.name(shape)}: sh:minCount above 1 in a nested shape")
            if int(count) == 1:
                parts.append(f"EXISTS {{ {focus} {path} {self.fresh()} }}")
        for count in self.values(shape, SH.maxCount):
            first, second = self.fresh(), self.fresh()
            if int(count) == 0:
                parts.append(f"NOT EXISTS {{ {focus} {path} {first} }}")
            elif int(count) == 1:
                parts.append(f"NOT EXISTS {{ {focus} {path} {first} . {focus} {path} {second} . "
                             f"FILTER (!sameTerm({first}, {second})) }}")
            else:
                raise UnsupportedShapeError(f"{self.name(shape)}: sh:maxCount above 1 in a nested shape")
        for value in self.values(shape, SH.hasValue):
            parts.append(f"EXISTS {{ {focus} {path} {self.term(value)} }}")
        for parameter in VALUE_COMPONENTS:
            for argument in self.values(shape, parameter):
                each = self.fresh()
                condition = self.value_condition(shape, parameter, argument, each)
                parts.append(f"NOT EXISTS {{ {focus} {path} {each} . FILTER (!{condition}) }}")
        for parameter in (SH.uniqueLang, SH.qualifiedValueShape, SH.equals, SH.disjoint, SH.lessThan,
                          SH.lessThanOrEquals, SH.property):
            if self.values(shape, parameter):
                raise UnsupportedShapeError(f"{self.name(shape)}: {parameter.n3()} in a nested shape")
        return "(" + (" && ".join(parts) or "true") + ")"


#: Bound by :attr:`Focus.marked` only, so that a FILTER naming it stays above the join.
FOCUS_MARK = "?_focus"


@dataclass(frozen=True)
class Focus:
    """A shape's focus nodes: ``union`` binds ``?this`` to each (with repeats).

    pyoxigraph joins a sub-select with a triple pattern by a loop that looks the pattern up once
    per row of the sub-select, but two sub-selects by a hash join that reads each side once.
    Checks along a path of fixed length (:mod:`kg.validate.shacl_checks`) join :attr:`marked` with a
    sub-select of the path's triples: that reads the path's triples once (a sequential scan)
    instead of looking them up per focus node, and costs little both when the shape has few
    focus nodes and when it has many.
    """

    union: str

    @property
    def select(self) -> str:
        """A sub-select binding ``?this`` to every focus node once."""
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self.union} }} }}"

    @property
    def marked(self) -> str:
        """:attr:`select` that also binds :data:`FOCUS_MARK` to true.

        pyoxigraph moves a FILTER into the side of a join that binds all of its variables: a
        test of ``?value`` would run on every triple of the path, before the join drops those of
        nodes that are no focus node. A FILTER that also names the mark can only run after it.
        """
        return f"{{ SELECT DISTINCT ?this (true AS {FOCUS_MARK}) WHERE {{ {self.union} }} }}"


def targets(compiler: _Compiler, shape: Node) -> Focus | None:
    """The shape's focus nodes as ``?this``, or None for an untargeted shape."""
    branches = []
    for target in compiler.values(shape, SH.targetClass):
        branches.append(compiler.instance_pattern("?this", target))
    if (shape, RDF.type, RDFS.Class) in compiler.shapes or (shape, RDF.type, OWL.Class) in compiler.shapes:
        branches.append(compiler.instance_pattern("?this", shape))
    for node in compiler.values(shape, SH.targetNode):
        branches.append(f"VALUES ?this {{ {compiler.term(node)} }}")
    for predicate in compiler.values(shape, SH.targetSubjectsOf):
        branches.append(f"?this {compiler.term(predicate)} [] .")
    for predicate in compiler.values(shape, SH.targetObjectsOf):
        branches.append(f"[] {compiler.term(predicate)} ?this .")
    if not branches:
        return None
    return Focus(" UNION ".join("{ " + branch + " }" for branch in branches))


def this_projected(select: str) -> bool:
    """Whether a SELECT's projection names ``$this`` (else the focus is added to it)."""
    head = select[:select.upper().find("WHERE")] if "WHERE" in select.upper() else select
    return bool(THIS_VARIABLE.search(head)) or re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", head,
                                                          re.IGNORECASE) is not None
