"""Tell a SPARQL Update from a broken query, so updates sent as ``query=`` get 403, not 400.

The SPARQL lexer of kg/common/query_text.py reads the first operation's keyword: no parser, so
no update is too long to be recognised, and no lock (it keeps no state).
"""

from __future__ import annotations

from kg.common.query_text import starts_as_update


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL 1.1 Update request (see :func:`starts_as_update`)."""
    return starts_as_update(text)
