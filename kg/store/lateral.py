"""OPTIONAL groups evaluated row by row on pyoxigraph, where that is provably the same query
(decision 0026).

pyoxigraph 0.5 evaluates ``X OPTIONAL { B }`` as a hash join that builds its table from the
whole of ``B`` first: ``OPTIONAL { ?project rdfs:label ?title }`` reads every label in the store
(1.9 million at 100 000 contracts) even when ``X`` has a few thousand projects. A region's
project list took 8.9 s that way, 0.4 s when the label is looked up per project. The engine's
own answer to this is SEP-0006's ``LATERAL``, which it evaluates as a loop over the rows of
what precedes it (Oxigraph's later optimizer makes the same change itself under the same
conditions), so a query on the embedded store has each qualifying ``OPTIONAL { B }`` written as
``LATERAL { OPTIONAL { B } }``.

The two are the same query when, for every row μ of ``X``, ``B`` with μ's values put in gives
exactly the rows of ``B`` compatible with μ. For triple patterns and FILTERs that holds (a
FILTER inside an OPTIONAL is evaluated on the joined row either way); it fails for a nested
OPTIONAL, MINUS or sub-SELECT, whose answer changes when a value is put in before they are
evaluated (tests/test_lateral.py shows one). And a variable that is unbound in some row of
``X`` would make ``B`` run unrestricted for that row, a scan per row. So the rewrite is made
only where

* the OPTIONAL stands directly in the query's WHERE group (not in a nested group, a UNION
  branch, a sub-SELECT, a MINUS, a GRAPH or an EXISTS);
* ``B`` is one triple pattern (a property path counts as one) and FILTERs: no nested group,
  OPTIONAL, UNION, BIND, VALUES, GRAPH, SERVICE, MINUS, EXISTS or sub-SELECT, and not several
  patterns (pyoxigraph plans a LATERAL group without the values the loop puts in, so several
  patterns may start from the wrong one on every row: see :func:`_one_triple_pattern`);
* every variable of ``B`` that occurs earlier in the WHERE group occurs there in a triple
  pattern of the group itself (so it is bound in every row), never only inside a nested group,
  an earlier OPTIONAL, a BIND, a VALUES block, a GRAPH name or an expression;
* ``B`` shares at least one variable with what precedes it, in one of its triple patterns (else
  the loop would scan the same patterns once per row);
* the text has no ``\\u`` escapes (the engine expands them before parsing, so the structure the
  rewriter reads might not be the engine's).

Anything else is left as written. Only the embedded pyoxigraph store does this
(:class:`kg.store.oxigraph.OxigraphStore`); a remote engine or rdflib gets the text unchanged,
and if the engine refuses the rewritten text the original runs, so an error message is always
about what the client sent. tests/test_lateral.py checks the rules and that the rewritten text
gives the same rows as the original on the W3C SPARQL 1.1 queries with OPTIONAL, on every saved
query and on graphs made to catch a wrong rule.
"""

from __future__ import annotations

from kg.common.limits import QUERY_MEMO_SIZE
from kg.common.query_text import TextMemo, digest_of, has_unicode_escapes, lex

#: Query forms: the first group at bracket depth 0 after one of them is the WHERE group (for
#: CONSTRUCT with a template, the second).
FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
#: The only words that may stand outside an expression inside a rewritten OPTIONAL (besides the
#: name of a function called right after FILTER, as in ``FILTER regex(…)``).
TRIPLE_WORDS = {"A", "TRUE", "FALSE", "FILTER"}
#: Keywords whose variable that follows is a graph or endpoint name, not a triple's term.
NAMING_WORDS = {"GRAPH", "SERVICE"}


#: Where each recent text gets its insertions (offsets), by the text's digest: clients repeat
#: their queries, and a text is lexed once.
_insertions = TextMemo(QUERY_MEMO_SIZE)


def lateral_optionals(text: str) -> str:
    """``text`` with each OPTIONAL that qualifies (see the module) written as
    ``LATERAL { OPTIONAL { … } }``; ``text`` itself when none does."""
    if "optional" not in text.lower():
        return text
    key = digest_of(text)
    insertions = _insertions.get(key)
    if insertions is None:
        insertions = _find_insertions(text)
        _insertions.put(key, insertions)
    if not insertions:
        return text
    pieces, last = [], 0
    for offset, insert in insertions:
        pieces += [text[last:offset], insert]
        last = offset
    return "".join(pieces) + text[last:]


def solutions_query(text: str) -> str | None:
    """``SELECT * WHERE { … }`` over the query's own WHERE group and prologue, or None (no group):
    the solutions before grouping and aggregation, the only part the rewrite touches. Equal
    solutions give equal answers, up to what SAMPLE and GROUP_CONCAT leave open, so this is
    what tests and bench/lateral_optionals.py compare."""
    tokens = lex(text)
    start = _where_group(tokens)
    end = _matching(tokens, start) if start is not None else None
    form = next((offset for kind, value, offset in tokens
                 if kind == "word" and value.upper() in FORMS), None)
    if start is None or end is None or form is None:
        return None
    return text[:form] + "SELECT * WHERE " + text[tokens[start][2]:tokens[end][2] + 1]


def _find_insertions(text: str) -> tuple[tuple[int, str], ...]:
    """The (offset, text) insertions that make each qualifying OPTIONAL a LATERAL, in order."""
    if has_unicode_escapes(text):
        return ()
    tokens = lex(text)
    start = _where_group(tokens)
    if start is None:
        return ()
    insertions: list[tuple[int, str]] = []
    for opening, closing in _qualifying_optionals(tokens, start):
        insertions.append((tokens[opening][2], "LATERAL { "))
        insertions.append((tokens[closing][2] + 1, " }"))
    return tuple(insertions)


def _where_group(tokens: list[tuple[str, str, int]]) -> int | None:
    """Index of the ``{`` that opens the query's WHERE group, or None (no query form found)."""
    form = None
    parens = 0
    skip_template = False
    index = 0
    while index < len(tokens):
        kind, value, _ = tokens[index]
        if form is None:
            if kind == "word" and value.upper() in FORMS:
                form = value.upper()
                skip_template = form == "CONSTRUCT"
        elif value == "(":
            parens += 1
        elif value == ")":
            parens -= 1
        elif value == "{" and parens == 0:
            if skip_template and not _after_where(tokens, index):
                template_end = _matching(tokens, index)
                if template_end is None:
                    return None
                index, skip_template = template_end, False
            else:
                return index
        elif kind == "word" and value.upper() == "WHERE":
            skip_template = False
        index += 1
    return None


def _after_where(tokens: list[tuple[str, str, int]], index: int) -> bool:
    return index > 0 and tokens[index - 1][0] == "word" and tokens[index - 1][1].upper() == "WHERE"


def _matching(tokens: list[tuple[str, str, int]], opening: int) -> int | None:
    """Index of the ``}`` closing the ``{`` at ``opening`` (brackets of other kinds may nest)."""
    depth = 0
    for index in range(opening, len(tokens)):
        value = tokens[index][1]
        if tokens[index][0] != "other":
            continue
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _name(variable: str) -> str:
    return variable[1:]  # ?x and $x are the same variable


def _qualifying_optionals(tokens: list[tuple[str, str, int]], start: int):
    """Yield (index of the OPTIONAL keyword, index of its group's ``}``) for each OPTIONAL of the
    group opened at ``start`` that may run row by row."""
    end = _matching(tokens, start)
    if end is None:
        return
    seen: set[str] = set()  # every variable met so far in the group, anywhere
    bound: set[str] = set()  # those met in one of the group's own triple patterns
    parens = 0
    index = start + 1
    naming = False  # the previous token was GRAPH or SERVICE
    in_values = False  # inside a VALUES clause of the group, up to its data block
    while index < end:
        kind, value, _ = tokens[index]
        upper = value.upper() if kind == "word" else ""
        if value == "(" and kind == "other":
            parens += 1
        elif value == ")" and kind == "other":
            parens -= 1
        elif value == "{" and kind == "other":
            closing = _matching(tokens, index)
            if closing is None:
                return
            seen |= _variables(tokens, index, closing)
            index, naming, in_values = closing + 1, False, False
            continue
        elif upper == "OPTIONAL" and parens == 0:
            opening = index + 1
            closing = _matching(tokens, opening) if opening < end and tokens[opening][1] == "{" \
                else None
            if closing is None:
                return
            if _qualifies(tokens, opening, closing, seen, bound):
                yield index, closing
            seen |= _variables(tokens, opening, closing)
            index = closing + 1
            continue
        elif kind == "var":
            seen.add(_name(value))
            if parens == 0 and not naming and not in_values:
                bound.add(_name(value))
        naming = upper in NAMING_WORDS or (naming and upper == "SILENT")
        in_values = in_values or upper == "VALUES"
        index += 1


def _variables(tokens: list[tuple[str, str, int]], first: int, last: int) -> set[str]:
    return {_name(value) for kind, value, _ in tokens[first:last + 1] if kind == "var"}


def _qualifies(tokens: list[tuple[str, str, int]], opening: int, closing: int,
               seen: set[str], bound: set[str]) -> bool:
    """Whether the OPTIONAL group between ``opening`` and ``closing`` may run per row."""
    parens = 0
    in_pattern: set[str] = set()  # the variables of its triple pattern
    anywhere: set[str] = set()
    pattern: list[str] = []  # the triple pattern's tokens (FILTER and its call left out)
    previous = ""
    for kind, value, _ in tokens[opening + 1:closing]:
        upper = value.upper() if kind == "word" else ""
        if kind == "other" and value in "{}":
            return False  # a nested group, EXISTS or sub-SELECT
        if kind == "other" and value == "(":
            parens += 1
        elif kind == "other" and value == ")":
            parens -= 1
        elif (parens == 0 and upper == "FILTER") or previous == "FILTER":
            pass  # the FILTER keyword, or the function it calls without brackets
        elif kind == "word" and parens == 0 and upper not in TRIPLE_WORDS:
            return False  # OPTIONAL, UNION, BIND, VALUES, GRAPH, MINUS, SERVICE, SELECT …
        elif parens == 0:
            pattern.append(value)
        if kind == "var":
            anywhere.add(_name(value))
            if parens == 0:
                in_pattern.add(_name(value))
        previous = upper
    if not _one_triple_pattern(pattern):
        return False
    shared = anywhere & seen
    return shared <= bound and bool(in_pattern & shared)


def _one_triple_pattern(pattern: list[str]) -> bool:
    """Whether the tokens are one triple pattern (a property path counts as one): no ``;``,
    ``,`` or blank-node brackets, and a ``.`` only at the end. pyoxigraph plans the group of a
    LATERAL without the values the loop puts in, so a group of several patterns may start from
    the wrong one on every row (the current value of 87 500 projects: 18 s as a join, 21 s row
    by row); one pattern is an index lookup. Oxigraph's later optimizer loops over one pattern
    only, too."""
    while pattern and pattern[-1] == ".":
        pattern = pattern[:-1]
    return bool(pattern) and not any(value in (";", ",", "[", ".") for value in pattern)
