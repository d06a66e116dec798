"""Read a SPARQL 1.1 Protocol request (GET, POST form, POST direct) into one typed value.

Every way a request can be malformed has its own status and a message that says why: a second
``query`` (400), a body that is not UTF-8 (400), an unsupported content type (415), another
method (405), and any update at all (403: this endpoint is read-only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Request

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
FORMAT_PARAMETERS = ("format", "output", "results")
_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_SERVICE = re.compile(r"(servic)(e)", re.IGNORECASE)


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


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {error.start})") from None


def _charset_is_utf8(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"charset {charset[:30]!r} is not supported; send UTF-8")


def _url_parameters(request: Request) -> list[tuple[str, str]]:
    raw = request.query_string
    return parse_qsl(_utf8(raw, "URL query string"), keep_blank_values=True, errors="strict")


def uses_service(query: str) -> bool:
    """Whether the engine could read the keyword SERVICE in ``query`` (and fetch from there).

    Fails closed, using pyoxigraph's own parser: every "service" (any case) is respelt
    "servicx" and the result is parsed on an empty store. If it still parses, each occurrence
    sat in a string, IRI, name or comment; if not, one may be the keyword (pyoxigraph even reads
    ``SERVICEp:x`` as SERVICE). An escaped spelling (rdflib expands ``\\u0053ERVICE``) counts.
    """
    lowered = query.lower()
    if "service" not in lowered and "\\" not in query:
        return False
    expanded = _ESCAPE.sub(lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), query).lower()
    if expanded.count("service") != lowered.count("service"):
        return True
    if "service" not in lowered:
        return False
    probe = _SERVICE.sub(lambda m: m.group(1) + ("X" if m.group(2) == "E" else "x"), query)
    try:
        ox.Store().query(probe, base_iri="http://localhost/")  # solutions are lazy: parse only
    except SyntaxError:
        return True
    except Exception:  # parsed, then failed on the empty store: no SERVICE
        return False
    return False


def read_request(request: Request) -> SparqlRequest:
    """The SparqlRequest of a Flask request, or ProtocolError."""
    if request.method not in ("GET", "POST", "HEAD"):
        raise ProtocolError(405, f"{request.method} is not allowed here; use GET or POST")
    parameters = _url_parameters(request)
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            _charset_is_utf8(request)
            body = _utf8(request.get_data(cache=True), "request body")
            parameters += parse_qsl(body, keep_blank_values=True)
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
    if queries and uses_service(queries[0]):  # the engine would fetch from any address given
        raise ProtocolError(400, "SERVICE (federated query) is not supported: this endpoint "
                                 "never fetches from other servers (a query that says 'service' "
                                 "and does not parse is refused the same way)")
    return SparqlRequest(
        query=queries[0] if queries else None,
        default_graph_uris=[value for name, value in parameters if name == "default-graph-uri"],
        named_graph_uris=[value for name, value in parameters if name == "named-graph-uri"],
        format_values=[value for name, value in parameters if name in FORMAT_PARAMETERS])
