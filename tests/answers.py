"""Answers in a comparable form, for tests that compare two ways of asking the same question."""

from __future__ import annotations

import re
from decimal import Decimal


def canonical_cell(value: str | None) -> str | None:
    """A cell (an RDF term in N-Triples syntax) in a comparable form: GROUP_CONCAT has no defined
    order, so its parts are sorted, and a decimal is compared by value (pyoxigraph keeps its
    canonical form, rdflib the form loaded)."""
    match = re.match(r'^"(.*)"(@[a-z-]+|\^\^<[^>]+>)?$', value or "", re.S)
    if not match:
        return value
    lexical, suffix = match.group(1), match.group(2) or ""
    if suffix == "^^<http://www.w3.org/2001/XMLSchema#decimal>":  # one value, two spellings:
        return f"{Decimal(lexical).normalize():f}" + suffix  # "183626.0" (rdflib), "183626" (oxigraph)
    for separator in (" | ", ", "):
        if separator in lexical:
            return '"' + separator.join(sorted(lexical.split(separator))) + '"' + suffix
    return value


def canonical_rows(rows):
    """Rows (tuples of cells) in a comparable form, in a fixed order (see :func:`canonical_cell`)."""
    return sorted((tuple(canonical_cell(value) for value in row) for row in rows), key=repr)
