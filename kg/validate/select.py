"""SELECT on a pyoxigraph store, typed as what it returns.

``Store.query`` is typed for every query form (solutions, a boolean or triples); the
validation only runs SELECT queries and reads their solutions and variables.
"""

from __future__ import annotations

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def select(store: ox.Store, query: str, substitutions: dict[ox.Variable, Term] | None = None
           ) -> ox.QuerySolutions:
    """The solutions of a SELECT query (with ``substitutions`` bound before it runs)."""
    result = store.query(query, substitutions=substitutions)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:80]!r}")
    return result
