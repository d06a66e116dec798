"""Tell a SPARQL Update from a broken query, so updates sent as ``query=`` get 403, not 400.

rdflib's SPARQL parser is not safe to use from several threads at once, so calls are
serialised with a lock; this runs only for texts the query engine has already refused.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()


def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL 1.1 Update request."""
    # deferred: rdflib's SPARQL grammar only for a text the engine has already refused
    from rdflib.plugins.sparql.parser import parseUpdate

    with _lock:
        try:
            parseUpdate(text)
        except Exception:  # any parse failure means: not an update
            return False
    return True
