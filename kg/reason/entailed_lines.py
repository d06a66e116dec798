"""N-Quads lines of mapped triples and of what they entail, made as text.

The streaming build writes every triple of 100 000 contracts (13 million lines) and more than
as many entailed ones, most of them repeats (each triple whose predicate has a domain restates
its subject's types). :meth:`Entailments.entailed` builds a tuple of rdflib terms per entailed
triple, :func:`kg.reason.compiled.keeps` filters it, and the serializer quotes it again: that was
a third of the map pass. :class:`EntailedLines` compiles each predicate's plan once into the
text of the entailed terms with the :func:`~kg.reason.compiled.keeps` filter applied to what is
fixed per predicate (no ``owl:sameAs``, no bookkeeping classes, no blank-node classes), so a
triple costs two string tests and one f-string per entailed line. The lines are the same as
the generic path's (``tests/test_reason_fast.py`` compares the whole build byte for byte with
the small build's), which still handles the predicates whose entailments feed the joins.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import BNode, Literal, Node
from rdflib.plugins.serializers.nquads import _quoteLiteral

from kg.reason.compiled import DATA_PREFIX, NOISE, SAME_AS, TYPE, Entailments, keeps
from kg.records import iris

INFERRED_TEXT = iris.INFERRED_GRAPH.n3()
_DATA_OPEN = "<" + DATA_PREFIX


class TermText:
    """Terms as rdflib's N-Quads serializer writes them, IRIs and blank nodes memoised."""

    def __init__(self) -> None:
        self._nodes: dict[object, str] = {}

    def term(self, term: Node) -> str:
        if type(term) is Literal:
            return _quoteLiteral(term)
        text = self._nodes.get(term)
        if text is None:
            text = term.n3()
            if len(self._nodes) > 200_000:
                self._nodes.clear()
            self._nodes[term] = text
        return text

    def quad(self, triple: tuple, graph: str) -> str:
        return f"{self.term(triple[0])} {self.term(triple[1])} {self.term(triple[2])} {graph} .\n"


class _TextPlan:
    """One predicate's kept entailments as text: ``forward`` properties (s q o), ``backward``
    ones (o r s), and the classes its subject and object get."""

    __slots__ = ("backward", "forward", "object_types", "subject_types")

    def __init__(self, forward: list[str], backward: list[str], subject_types: list[str],
                 object_types: list[str]) -> None:
        self.forward, self.backward = forward, backward
        self.subject_types, self.object_types = subject_types, object_types


class EntailedLines:
    """Adds a triple's line and its kept entailments' lines to a buffer; join edges aside."""

    def __init__(self, entailments: Entailments | None, text: TermText | None = None) -> None:
        """``entailments`` None: the lines of the triples only (``kg build --no-reason``)."""
        self.entailments, self.text = entailments, text or TermText()
        self.joins = entailments.join_properties if entailments else frozenset()
        self._plans: dict[object, _TextPlan | None] = {}
        self._type_plans: dict[object, list[str]] = {}
        self._type_text = self.text.term(TYPE)
        #: rdf:type triples need no join bookkeeping (rdf:type is no join property)
        self._types_are_plain = TYPE not in self.joins

    def add(self, triples: Iterator[tuple], graph_text: str, buffer: list[str], edges: list[tuple]) -> int:
        """Append the lines of ``triples`` (in the graph ``graph_text``) and of their entailments
        (in the inferred graph); triples of the join properties go to ``edges``. Returns the
        number of ``triples``."""
        if self.entailments is None:
            return _plain_lines(triples, graph_text, buffer, self.text)
        term, append = self.text.term, buffer.append
        type_text, inferred = self._type_text, INFERRED_TEXT
        count = 0
        for triple in triples:
            subject, predicate, obj = triple
            subject_text, predicate_text, object_text = term(subject), term(predicate), term(obj)
            append(f"{subject_text} {predicate_text} {object_text} {graph_text} .\n")
            count += 1
            subject_is_data = subject_text.startswith(_DATA_OPEN)
            if predicate_text == type_text and self._types_are_plain:
                if subject_is_data:
                    for cls in self._classes(obj):
                        append(f"{subject_text} {type_text} {cls} {inferred} .\n")
                continue
            try:
                plan = self._plans[predicate]
            except KeyError:  # a predicate seen for the first time (a handful per build)
                plan = self._compile(predicate)
            if plan is None:
                self._generic(triple, buffer, edges)
                continue
            if subject_is_data:
                if not object_text.startswith("_:"):
                    for prop in plan.forward:
                        append(f"{subject_text} {prop} {object_text} {inferred} .\n")
                for cls in plan.subject_types:
                    append(f"{subject_text} {type_text} {cls} {inferred} .\n")
            if object_text.startswith(_DATA_OPEN):
                if not subject_text.startswith("_:"):
                    for prop in plan.backward:
                        append(f"{object_text} {prop} {subject_text} {inferred} .\n")
                for cls in plan.object_types:
                    append(f"{object_text} {type_text} {cls} {inferred} .\n")
        return count

    def _hierarchy(self) -> Entailments:
        """The entailments: only reached when there are some (:meth:`add` checks first)."""
        if self.entailments is None:
            raise RuntimeError("no entailments to apply: kg build --no-reason writes plain lines")
        return self.entailments

    def _classes(self, cls: Node) -> list[str]:
        """The kept superclasses of ``cls`` (``rdf:type cls`` entails ``rdf:type`` each)."""
        kept = self._type_plans.get(cls)
        if kept is None:
            kept = self._class_texts(self._hierarchy().classes_of(cls)[1:])
            self._type_plans[cls] = kept
        return kept

    def _class_texts(self, classes) -> list[str]:
        return [self.text.term(cls) for cls in classes if type(cls) is not BNode and (TYPE, cls) not in NOISE]

    def _compile(self, predicate: Node) -> _TextPlan | None:
        """The text plan of ``predicate``, or None where the generic path must run (a join
        property, or an entailed property that is one, or ``rdf:type`` / ``owl:sameAs``)."""
        plan = self._hierarchy().plan(predicate)
        special = {TYPE, SAME_AS} | set(self.joins)
        compiled: _TextPlan | None = None
        if predicate not in special and not (set(plan.forward) | set(plan.backward)) & special:
            compiled = _TextPlan([self.text.term(prop) for prop in plan.forward],
                                 [self.text.term(prop) for prop in plan.backward],
                                 self._class_texts(plan.subject_types), self._class_texts(plan.object_types))
        self._plans[predicate] = compiled
        return compiled

    def _generic(self, triple: tuple, buffer: list[str], edges: list[tuple]) -> None:
        """Entailments through :meth:`Entailments.entailed` and :func:`keeps`, joins noted."""
        if triple[1] in self.joins:
            edges.append(triple)
        for entailed in self._hierarchy().entailed(triple):
            if entailed[1] in self.joins:
                edges.append(entailed)
            if keeps(entailed):
                buffer.append(self.text.quad(entailed, INFERRED_TEXT))



def _plain_lines(triples: Iterator[tuple], graph_text: str, buffer: list[str], text: TermText) -> int:
    count = 0
    for triple in triples:
        buffer.append(text.quad(triple, graph_text))
        count += 1
    return count
