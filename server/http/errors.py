"""Every error answer the server writes: JSON (or text/plain when the client prefers it), never
HTML and never a traceback. One home, so the SPARQL endpoint, the Linked Data pages, the API
and the request limits answer errors alike.
"""

from __future__ import annotations

import json

from flask import Response, request

from server.http.negotiation import choose


def error_response(status: int, message: str, line: int | None = None,
                   column: int | None = None) -> Response:
    """A JSON error body (text/plain when the client prefers it); never HTML, never a traceback."""
    if choose(request.headers.get("Accept"), ["application/json", "text/plain"]) == "text/plain":
        where = f" (line {line}, column {column})" if line else ""
        response = Response(f"{message}{where}\n", status=status, mimetype="text/plain")
    else:
        body: dict[str, object] = {"error": _reason(status), "message": message}
        if line is not None:
            body.update(line=line, column=column)
        response = Response(json.dumps(body, ensure_ascii=False), status=status,
                            mimetype="application/json")
    if status == 405:
        response.headers["Allow"] = "GET, POST, OPTIONS"
    response.headers["Vary"] = "Accept"
    return response


def not_acceptable(offers: list[str]) -> Response:
    """406: the Accept header admits none of ``offers``, which the answer lists so the client
    can ask again."""
    return error_response(406, "none of the offered media types is acceptable: " + ", ".join(offers))


def _reason(status: int) -> str:
    return {400: "bad request", 403: "forbidden", 404: "not found", 405: "method not allowed",
            406: "not acceptable", 413: "payload too large", 414: "URI too long",
            415: "unsupported media type", 429: "too many requests", 500: "internal error",
            503: "service unavailable"}.get(status, "error")
