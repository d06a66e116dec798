"""A saved query's bound parameters written into its text as constants (decision 0025).

The API and ``kg query`` bind a saved query's parameters to RDF terms. Handed to pyoxigraph as
its ``substitutions`` (or as a VALUES block), a bound variable is planned as if unknown and
joined in late: at 100 000 contracts the contract lookup took 0.8–2.1 s bound and 0.8 ms with
the number written in, the provenance of one resource 335 ms bound (18 s as VALUES) and 0.7 ms
written in. A constant is what pyoxigraph's planner uses to choose an index, so the parameters
are written in, where that is provably the same query:

* the text is read as SPARQL tokens (comments, strings and IRIs are never touched), and the
  variable is replaced by the term in the WHERE group, in a CONSTRUCT template, in HAVING and
  in expressions; as ``(term AS ?name)`` where a SELECT projects it, so the answer still has
  the column; as ``(term)`` where ORDER BY names it, or GROUP BY names it alone (grouping by a
  constant keeps an empty answer empty, as grouping by the bound variable does); left out of a
  GROUP BY with other conditions (it changes no group there);
* a query is not written in (its parameter stays a substitution) where the constant would mean
  something else: the variable is the target of ``AS`` (BIND or a projection), listed in
  VALUES, used inside a sub-SELECT (a variable of its own there), a MINUS or a SERVICE, or
  the query is ``SELECT *`` or ``DESCRIBE *``;
* the result must parse (``BOUND(<iri>)`` does not: refused), and rdflib's algebra of it must
  hold the original's triple patterns with the variable replaced by the term and project the
  same variables (:func:`check_written_in`) — proved once per version of a saved query, the
  first time it runs (kg.query.catalogue: parsing every query when the catalogue is read made
  each ``kg query`` command 2 s slower).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier, Variable

#: SPARQL's lexical pieces that matter here; everything else is one character of "other".
TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<space>\s+)
  | (?P<other>.)
''', re.X | re.S)

#: The keywords that say where in a query a token stands (function names and the like do not).
KEYWORDS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE", "WHERE", "VALUES", "GROUP", "ORDER", "HAVING",
            "LIMIT", "OFFSET", "FILTER", "OPTIONAL", "MINUS", "SERVICE", "BIND", "GRAPH", "UNION",
            "FROM", "PREFIX", "BASE"}
#: Words that open or continue a solution modifier, not a GROUP BY condition.
CLAUSE_WORDS = {"GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "ASC", "DESC"}

#: rdflib's SPARQL parser (pyparsing) keeps state across calls and fails when two threads parse at
#: once (the server's threads may read the catalogue together on its first calls).
PARSER_LOCK = threading.Lock()


class NotWritableError(ValueError):
    """The parameter cannot be written in as a constant: the message says where and why."""


@dataclass(frozen=True)
class Slot:
    """A place in the text where a parameter stands, and how: ``term``, ``projected`` (a SELECT
    column), ``grouped`` (a GROUP BY or ORDER BY condition: ``(term)``) or ``dropped`` (a GROUP
    BY condition beside others: grouping by a constant as well changes no group, and rdflib's
    engine fails on a constant condition beside an unbound variable)."""

    key: str
    kind: str

    def shape(self, term: str) -> str:
        if self.kind == "projected":
            return f"({term} AS ?{self.key})"
        if self.kind == "dropped":
            return ""
        return f"({term})" if self.kind == "grouped" else term


@dataclass(frozen=True)
class Template:
    """A query's text cut at its parameters' places, to be filled with terms per call."""

    keys: frozenset[str]
    pieces: tuple[str | Slot, ...]

    def fill(self, terms: dict[str, str]) -> str:
        """The text with ``terms`` (RDF terms in SPARQL syntax, already checked; one for each of
        the template's keys) written in."""
        return "".join(piece if isinstance(piece, str) else piece.shape(terms[piece.key])
                       for piece in self.pieces)


def template(text: str, keys: frozenset[str] | set[str]) -> Template:
    """Cut ``text`` at every place one of ``keys`` stands; NotWritableError where a constant
    there would not be the same query (see the module text)."""
    tokens = [(match.lastgroup or "other", match.group()) for match in TOKEN.finditer(text)]
    pieces: list[str | Slot] = []
    plain: list[str] = []
    section = "prologue"  # prologue, head, body, modifiers
    form = ""
    parens = 0
    groups: list[str] = []  # kinds of the open groups of the body: group, subselect, guarded
    guard_next = False  # a MINUS or SERVICE: the next group opened is guarded
    last_word = ""  # the last keyword seen, upper case
    previous = ""  # the previous significant token's text
    previous_kind = ""
    group_conditions = 0  # conditions of the outer GROUP BY
    grouping_slots: list[int] = []  # where a key stands in the outer GROUP BY (pieces' indices)

    def refuse(key: str, why: str) -> None:
        raise NotWritableError(f"?{key} {why}, where a constant would change the query")

    for kind, value in tokens:
        if section == "modifiers" and last_word == "GROUP" and parens == 0 and (
                kind in ("var", "iri")
                or (kind == "word" and previous != ":" and value.upper() not in CLAUSE_WORDS)
                or (value == "(" and previous_kind not in ("word", "iri"))):
            group_conditions += 1
        if kind in ("comment", "space", "string", "iri"):
            plain.append(value)
            if kind in ("string", "iri"):
                previous, previous_kind = value, kind
            continue
        if kind == "word" and previous != ":":
            word = value.upper()
            if section == "prologue" and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                section, form = "head", word
            elif word in ("MINUS", "SERVICE") and section == "body":
                guard_next = True
            elif word == "SELECT" and section == "body":
                groups[-1] = "subselect"
            last_word = word if word in KEYWORDS else last_word
        elif kind == "other" and value == "*" and section == "head" and parens == 0 \
                and form in ("SELECT", "DESCRIBE") and previous.upper() in (
                    "SELECT", "DISTINCT", "REDUCED", "DESCRIBE"):
            for key in keys:
                if re.search(r"[?$]" + re.escape(key) + r"(?![\w\u00B7])", text):
                    refuse(key, "is projected by *")
        elif kind == "other" and value in "({":
            if value == "(":
                parens += 1
            elif section == "head" and (form != "CONSTRUCT" or last_word == "WHERE"):
                section = "body"
                groups.append("group")
            elif section == "head":  # a CONSTRUCT template: its variables are the pattern's
                groups.append("template")
            elif section == "body":
                groups.append("guarded" if guard_next else "group")
                guard_next = False
        elif kind == "other" and value in ")}":
            if value == ")":
                parens -= 1
            elif groups:
                groups.pop()
                if not groups and section == "body":
                    section = "modifiers"
                elif not groups and section == "head":
                    pass  # the CONSTRUCT template closed; WHERE follows
        elif kind == "var" and value[1:] in keys:
            key = value[1:]
            if previous.upper() == "AS":
                refuse(key, "is bound by AS (a BIND or a projection)")
            if last_word == "VALUES":
                refuse(key, "is listed in VALUES")
            if any(group in ("subselect", "guarded") for group in groups):
                refuse(key, "is used inside a sub-SELECT, a MINUS or a SERVICE")
            if section == "head" and form == "SELECT" and parens == 0:
                slot = Slot(key, "projected")
            elif section == "modifiers" and parens == 0 and last_word in ("GROUP", "ORDER"):
                slot = Slot(key, "grouped")
                if last_word == "GROUP":
                    grouping_slots.append(len(pieces) + 1)
            else:
                slot = Slot(key, "term")
            pieces.append("".join(plain))
            plain = []
            pieces.append(slot)
            previous, previous_kind = value, kind
            continue
        if kind == "other" and value in "{}" and last_word == "VALUES":
            last_word = "" if value == "}" else last_word
        plain.append(value)
        previous, previous_kind = value, kind
    pieces.append("".join(plain))
    if group_conditions > len(grouping_slots):
        for index in grouping_slots:
            grouped = pieces[index]
            assert isinstance(grouped, Slot)
            pieces[index] = Slot(grouped.key, "dropped")
    return Template(frozenset(keys), tuple(pieces))


def writable(text: str, samples: dict[str, Identifier]) -> tuple[Template, dict[str, str]]:
    """The template of ``text`` for those of the parameters that can be written in, and why each
    other one cannot. The query is parsed once; all parameters are tried together first (the
    usual case: one more parse), then one by one only if that fails."""
    if not samples:
        return Template(frozenset(), (text,)), {}
    try:
        original = _algebra(text)
    except NotWritableError as error:
        return Template(frozenset(), (text,)), {key: str(error) for key in samples}
    try:
        _check(text, original, samples)
        return template(text, set(samples)), {}
    except NotWritableError:
        pass
    refused: dict[str, str] = {}
    for key, sample in samples.items():
        try:
            _check(text, original, {key: sample})
        except NotWritableError as error:
            refused[key] = str(error)
    chosen = {key: sample for key, sample in samples.items() if key not in refused}
    if chosen:
        try:
            _check(text, original, chosen)
        except NotWritableError as error:  # each alone, but not all together: none
            refused.update({key: str(error) for key in chosen})
            chosen = {}
    return template(text, set(chosen)), refused


def check_written_in(text: str, samples: dict[str, Identifier]) -> None:
    """NotWritableError unless writing each sample in for its variable gives a query that
    parses, holds the original's triple patterns with the variables replaced by the samples and
    projects the same variables: then writing terms in is binding them."""
    _check(text, _algebra(text), samples)


def _algebra(text: str):
    """rdflib's algebra of ``text``; NotWritableError with the parser's words if it does not parse."""
    try:
        with PARSER_LOCK:
            return prepareQuery(text).algebra
    except Exception as error:  # the parser's own words
        raise NotWritableError(f"the query does not parse: {error}") from None


def _check(text: str, original, samples: dict[str, Identifier]) -> None:
    """:func:`check_written_in` against the original's algebra, parsed once by the caller."""
    keys = ", ".join(f"?{key}" for key in samples)
    substituted_text = template(text, set(samples)).fill(
        {key: sample.n3() for key, sample in samples.items()})
    try:
        substituted = _algebra(substituted_text)
    except NotWritableError as error:
        raise NotWritableError(f"the query with {keys} written in does not parse: "
                               f"{str(error).removeprefix('the query does not parse: ')}") from None
    before: list[tuple] = []
    after: list[tuple] = []
    collect_patterns(original, before)
    collect_patterns(substituted, after)
    replaced = {Variable(key): sample for key, sample in samples.items()}
    expected = {tuple(_n3(replaced.get(term, term)) for term in pattern) for pattern in before}
    if getattr(original, "PV", None) != getattr(substituted, "PV", None):
        raise NotWritableError(f"writing a value in for {keys} changes what it projects")
    if {tuple(_n3(term) for term in pattern) for pattern in after} != expected:
        raise NotWritableError(f"writing a value in for {keys} changes the query beyond its "
                               "patterns")


def collect_patterns(node, patterns: list[tuple], allowed: set[str] | None = None) -> None:
    """Every triple pattern under ``node`` (rdflib's algebra); with ``allowed``, a ValueError
    names the first operator outside it."""
    if isinstance(node, CompValue):
        if allowed is not None and node.name not in allowed:
            raise ValueError(node.name)
        if node.name == "BGP":
            patterns.extend(node.triples)
        for name, value in node.items():
            if name not in ("triples", "_vars", "PV", "datasetClause"):
                collect_patterns(value, patterns, allowed)
    elif isinstance(node, (list, tuple)):
        for item in node:
            collect_patterns(item, patterns, allowed)


def _n3(term) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)
