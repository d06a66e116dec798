"""The query endpoint's limits and the errors its guarded store raises.

Their own module because everything on the query path needs them: the store that applies the
limits (server/workers/guarded_store.py), the worker pool and the conversation with one worker
(server/workers/pool.py, server/workers/reply.py), the HTTP error handlers
(server/http/query_errors.py) and ``kg serve``'s options (server/process/launcher.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.common import limits
from kg.common.errors import KgError
from kg.common.query_text import TextLimits

#: The response header that says the row cap cut the answer (its value: ``rows=N``).
TRUNCATION_HEADER = "KG-Result-Truncated"


class QueryTimeoutError(KgError):
    """The query ran out of time (or waited too long for a free worker); answer 503."""


class QueryEngineError(KgError):
    """The engine failed or its process died while running the query."""


class ReloadError(KgError):
    """A new build could not be served; the old one stays."""


@dataclass(frozen=True)
class QueryLimits:
    """The endpoint's limits; defaults in kg/common/limits.py, reasons in docs/security.md."""

    timeout: float = limits.QUERY_TIMEOUT_SECONDS
    max_timeout: float = limits.MAX_QUERY_TIMEOUT_SECONDS
    max_rows: int = limits.MAX_ROWS
    #: The most of one answer the server holds: an answer up to this size is sent whole (and a
    #: cut is announced in a header); a longer one streams (docs/decisions/0011).
    max_bytes: int = limits.MAX_ANSWER_BYTES
    #: About how much of a streamed answer each message from the worker carries.
    chunk_bytes: int = limits.CHUNK_BYTES
    text: TextLimits = field(default_factory=TextLimits)
    workers: int = limits.QUERY_WORKERS
    isolate_network: bool = True

    def effective_timeout(self, requested: float | None) -> float:
        """The client's ``timeout`` if given, never above ``max_timeout``."""
        if requested is None or requested <= 0:
            return self.timeout
        return min(requested, self.max_timeout)
