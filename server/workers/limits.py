"""The query endpoint's limits and the errors its guarded store raises.

Their own module because everything on the query path needs them: the store that applies the
limits (server/workers/guarded_store.py), the worker pool and the conversation with one worker
(server/workers/pool.py, server/workers/reply.py), the HTTP error handlers
(server/http/query_errors.py) and ``kg serve``'s options (server/process/launcher.py).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

from kg.common import limits
from kg.common.errors import KgError
from kg.common.query_text import TextLimits

#: The response header that says the row cap cut the answer (its value: ``rows=N``).
TRUNCATION_HEADER = "KG-Result-Truncated"
#: How a client asks for a cut answer rather than an error: the request parameter
#: ``truncate=1`` or the header ``Prefer: truncate`` (RFC 7240), answered with
#: ``Preference-Applied: truncate``.
CUT_PARAMETER = "truncate"
CUT_PREFERENCE = "truncate"


class AnswerCutError(KgError):
    """The answer has more rows than the cap and the client did not ask for a cut one: answered
    422 before any byte of it, or, when it was already streaming, by ending the body without
    its end (docs/decisions/0019-cut-answers-are-refused-unless-asked.md)."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(
            f"the answer has more than {max_rows} rows, the most this server sends for one "
            f"query. Page through it: ORDER BY enough variables to make the order unique, then "
            f"LIMIT {max_rows} OFFSET 0, LIMIT {max_rows} OFFSET {max_rows}, … until a page "
            f"has fewer rows. Or ask for the first {max_rows} rows, marked as cut, with the "
            f"parameter {CUT_PARAMETER}=1 or the header 'Prefer: {CUT_PREFERENCE}'")
        self.max_rows = max_rows


class QueryTimeoutError(KgError):
    """The query ran out of time (or waited too long for a free worker); answer 503."""


class QueryMemoryError(QueryTimeoutError):
    """The query needed more memory than its worker may have (the worker replaced).

    Answered as a timeout is (503): the server is healthy, this query is too big for it."""


class QueryEngineError(KgError):
    """The engine failed or its process died while running the query."""


class ReloadError(KgError):
    """A new build could not be served; the old one stays."""


@dataclass(frozen=True)
class Asker:
    """Who is asking, for the fair shares of the worker pool (docs/decisions/0018): the client's
    key (its address, or the trusted proxy's forwarded one) and whether the request is a
    ``/sparql`` query (heavy) or a cheap one (a Linked Data page, a saved query)."""

    client: str | None = None
    heavy: bool = False


#: The current request's :class:`Asker`; server/http/request_limits.py sets it per request, so
#: every view's ``KG_STORE.query(...)`` is counted without passing it along.
ASKER: contextvars.ContextVar[Asker | None] = contextvars.ContextVar("kg_asker", default=None)


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
    #: Workers one client may hold at once; None: half of ``workers``, at least one; 0: all.
    client_workers: int | None = None
    #: Workers ``/sparql`` queries never take (kept for the cheap lane), when there are 2 or more.
    light_workers: int = limits.LIGHT_LANE_WORKERS
    #: Address space per worker in bytes (RLIMIT_AS); 0: no cap.
    worker_memory: int = limits.WORKER_MEMORY_BYTES
    isolate_network: bool = True

    def client_share(self) -> int:
        """The most workers one client may hold at once."""
        if self.client_workers is None:
            return max(1, self.workers // 2)
        if self.client_workers <= 0:
            return self.workers
        return min(self.client_workers, self.workers)

    def heavy_share(self) -> int:
        """The most workers ``/sparql`` queries may hold together."""
        if self.workers < 2:
            return self.workers
        return max(1, self.workers - max(0, self.light_workers))

    def effective_timeout(self, requested: float | None) -> float:
        """The client's ``timeout`` if given, never above ``max_timeout``."""
        if requested is None or requested <= 0:
            return self.timeout
        return min(requested, self.max_timeout)
