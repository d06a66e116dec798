"""Which saved queries are lookups: answered by following a key, never by scanning the graph.

A saved query may declare ``lookup: PARAMETER`` in its ``#+`` header. ``kg serve`` then answers
it, when the call binds that parameter, in its own process instead of a query worker
(docs/decisions/0024): the worker round trip (pickling, a pipe, a process switch) costs more than
such a query does. A query run in the server's process cannot be killed at the time limit, so the
declaration is checked here, once, when the catalogue is read, against the query's algebra
(rdflib's SPARQL parser), and a query that is not a lookup is refused with the reason.

A query is a lookup on ``?key`` when the work it can cause is bounded by what is stated about the
resources it reaches from the key, not by the size of the graph:

* every triple pattern has a constant predicate (no variable predicate, no ``*`` or ``+`` path);
* the patterns are reached from the key: a pattern is reached when its subject or its object is
  the key (the one step allowed *into* a resource: a key such as a contract number names few
  subjects), or when its subject is a variable already reached (then its object is reached).
  Only outgoing links are followed from there: a resource states few things, but a hub (a
  programme, a municipality) is the object of thousands of links, and following them would scan;
* the algebra holds only patterns, joins, OPTIONAL, FILTER, BIND, projection, LIMIT/OFFSET and
  VALUES: no subquery, GRAPH, SERVICE, UNION, MINUS, aggregate, EXISTS or DESCRIBE (their cost is
  not bounded by the rule above), and no DISTINCT or ORDER BY, so the engine's answer is lazy and
  stops at the server's row cap.

What the rule cannot see is how many subjects state the key's value: a key is declared by the
query's author as an identifier (a contract number, a registry id). The server also times every
lookup it answers itself and sends a query whose lookup ever takes longer than a threshold back
to the workers (server/workers/guarded_store.py).
"""

from __future__ import annotations

from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import URIRef, Variable

from kg.query.write_in import PARSER_LOCK, collect_patterns

#: Algebra operators a lookup may use (rdflib's names).
ALLOWED = {"SelectQuery", "ConstructQuery", "AskQuery", "Project", "BGP", "Join",
           "LeftJoin", "Filter", "Extend", "Slice", "ToMultiSet",
           "values", "Builtin_LANG", "Builtin_STR", "Builtin_LCASE", "Builtin_UCASE",
           "Builtin_LANGMATCHES", "Builtin_BOUND", "Builtin_REPLACE", "Builtin_COALESCE",
           "Builtin_IF", "Builtin_CONCAT", "Builtin_STRLEN", "Builtin_CONTAINS",
           "Builtin_STRSTARTS", "Builtin_sameTerm", "Builtin_isIRI", "Builtin_isLITERAL",
           "Builtin_DATATYPE", "RelationalExpression", "ConditionalAndExpression",
           "ConditionalOrExpression", "UnaryNot", "AdditiveExpression",
           "MultiplicativeExpression", "OrderCondition", "TrueFilter", "Function"}


class NotALookupError(ValueError):
    """The query is not a lookup on the key: the message says which part and why."""


def check_lookup(text: str, key: str) -> None:
    """Raise NotALookupError unless ``text`` is a lookup on ``?key`` (see the module text)."""
    try:
        with PARSER_LOCK:
            algebra = prepareQuery(text).algebra
    except Exception as error:  # the parser's own words: the header is wrong, not the server
        raise NotALookupError(f"the query does not parse: {error}") from None
    patterns: list[tuple] = []
    _collect(algebra, patterns)
    if not patterns:
        raise NotALookupError("it has no triple pattern to follow from the key")
    key_variable = Variable(key)
    reached = {key_variable}
    pending = list(patterns)
    for subject, predicate, _obj in pending:
        if isinstance(predicate, Variable) or _unbounded(predicate):
            raise NotALookupError(f"the pattern {_show((subject, predicate, _obj))} has a variable "
                                  "predicate or a path with * or +: it can scan the graph")
    progress = True
    while pending and progress:
        progress = False
        for pattern in list(pending):
            subject, predicate, obj = pattern
            backwards = _has_inverse(predicate)
            if subject == key_variable or (not backwards and (
                    subject in reached or not isinstance(subject, Variable))):
                pass  # outgoing links of a resource reached (or named in the query)
            elif obj == key_variable and not backwards:
                pass  # the one step into a resource: the subjects that have the key
            else:
                continue
            reached.update(term for term in (subject, obj) if isinstance(term, Variable))
            pending.remove(pattern)
            progress = True
    if pending:
        raise NotALookupError(f"the pattern {_show(pending[0])} is not reached from ?{key} by "
                              "outgoing links: it can scan the graph or fan out over a hub")


def _collect(node, patterns: list[tuple]) -> None:
    """Every triple pattern under ``node``; NotALookupError on an operator outside ALLOWED."""
    try:
        collect_patterns(node, patterns, ALLOWED)
    except ValueError as error:
        raise NotALookupError(f"it uses {error}, which a lookup may not") from None


def _unbounded(predicate) -> bool:
    if isinstance(predicate, MulPath):
        return predicate.mod in ("*", "+")
    if isinstance(predicate, (SequencePath, AlternativePath)):
        return any(_unbounded(part) for part in predicate.args)
    if isinstance(predicate, InvPath):
        return _unbounded(predicate.arg)
    if isinstance(predicate, NegatedPath):
        return True  # any predicate but some: as good as a variable
    return not isinstance(predicate, URIRef)


def _has_inverse(predicate) -> bool:
    if isinstance(predicate, InvPath):
        return True
    if isinstance(predicate, (SequencePath, AlternativePath)):
        return any(_has_inverse(part) for part in predicate.args)
    if isinstance(predicate, MulPath):
        return _has_inverse(predicate.path)
    return False


def _show(pattern: tuple) -> str:
    return " ".join(term.n3() if hasattr(term, "n3") else str(term) for term in pattern)
