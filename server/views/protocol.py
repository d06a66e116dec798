"""Read a SPARQL 1.1 Protocol request (GET, POST form, POST direct) into one typed value.

Every way a request can be malformed has its own status and a message that says why: a second
``query`` (400), a body that is not UTF-8 (400), an unsupported content type (415), another
method (405), and any update at all (403: this endpoint is read-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Request

from kg.common.query_text import QueryRefusedError, TextLimits, check_shape
from server.http.cut_answers import OptInError, cut_allowed
from server.workers.limits import CUT_PARAMETER

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
FORMAT_PARAMETERS = ("format", "output", "results")


class ProtocolError(Exception):
    """A request the protocol does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class SparqlRequest:
    """What a client asked: the query (None for a bare GET), the dataset and format overrides."""

    query: str | None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    format_values: list[str] = field(default_factory=list)
    timeout: float | None = None
    #: The client asked for a cut answer rather than a 422 (``truncate=1``, ``Prefer: truncate``).
    cut_allowed: bool = False


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {error.start})") from None


def _charset_is_utf8(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset[:30]!r} is not supported; send UTF-8")


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    """Decoded pairs; a percent-escape that is not UTF-8 is an error, never a silent U+FFFD."""
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the {what} has a percent-escape that is not valid UTF-8 "
                                 f"({error.reason})") from None


def _url_parameters(request: Request) -> list[tuple[str, str]]:
    return _pairs(_utf8(request.query_string, "URL query string"), "URL query string")


def _timeout(values: list[str]) -> float | None:
    """The client's ``timeout`` in seconds (capped later by the server's maximum)."""
    if not values:
        return None
    if len(values) > 1:
        raise ProtocolError(400, "give the 'timeout' parameter once")
    try:
        seconds = float(values[0])
    except ValueError:
        raise ProtocolError(400, f"'timeout' must be a number of seconds, not {values[0][:20]!r}") from None
    if not 0 < seconds < 1e6:
        raise ProtocolError(400, "'timeout' must be a positive number of seconds")
    return seconds


def read_request(request: Request, limits: TextLimits | None = None) -> SparqlRequest:
    """The SparqlRequest of a Flask request, or ProtocolError."""
    if request.method not in ("GET", "POST", "HEAD"):
        raise ProtocolError(405, f"{request.method} is not allowed here; use GET or POST")
    parameters = _url_parameters(request)
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            _charset_is_utf8(request)
            body = _utf8(request.get_data(cache=True), "request body")
            parameters += _pairs(body, "request body")
        elif mimetype == DIRECT_QUERY:
            _charset_is_utf8(request)
            parameters.append(("query", _utf8(request.get_data(cache=True), "query")))
        elif mimetype == DIRECT_UPDATE:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        elif not mimetype:
            raise ProtocolError(415, "a POST needs a Content-Type: application/sparql-query or "
                                     "application/x-www-form-urlencoded")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {mimetype[:60]!r}; use "
                                     "application/sparql-query or application/x-www-form-urlencoded")
    names = [name for name, _ in parameters]
    if "update" in names or any(name.startswith("using-") for name in names):
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    queries = [value for name, value in parameters if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one 'query' parameter is allowed")
    if queries and not queries[0].strip():
        raise ProtocolError(400, "the 'query' parameter is empty")
    if request.method == "POST" and not queries:
        raise ProtocolError(400, "a POST needs a query ('query' form field or a direct body)")
    if queries:  # size and nesting here; SERVICE is read from the parse tree in the worker
        try:
            check_shape(queries[0], limits or TextLimits())
        except QueryRefusedError as error:
            raise ProtocolError(error.status, error.message) from None
    try:
        allowed = cut_allowed([value for name, value in parameters if name == CUT_PARAMETER], request)
    except OptInError as error:
        raise ProtocolError(400, str(error)) from None
    return SparqlRequest(
        query=queries[0] if queries else None,
        default_graph_uris=[value for name, value in parameters if name == "default-graph-uri"],
        named_graph_uris=[value for name, value in parameters if name == "named-graph-uri"],
        format_values=[value for name, value in parameters if name in FORMAT_PARAMETERS],
        timeout=_timeout([value for name, value in parameters if name == "timeout"]),
        cut_allowed=allowed)
