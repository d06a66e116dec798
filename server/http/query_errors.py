"""What a query's failure looks like over HTTP, for every view that queries the store.

The views call ``KG_STORE.query`` and let these errors rise; one handler per kind answers with
a JSON (or text) error and the right status, so ``/sparql``, the Linked Data pages and the
named-query API report a stopped, refused or crashed query the same way — never a traceback.
"""

from __future__ import annotations

from flask import Flask, Response

from kg.common.limits import RETRY_AFTER_TIMEOUT_SECONDS
from kg.common.query_text import QueryRefusedError
from kg.store.results import QuerySyntaxError
from server.http.errors import error_response
from server.workers.limits import QueryEngineError, QueryTimeoutError

RETRY_AFTER_TIMEOUT = str(RETRY_AFTER_TIMEOUT_SECONDS)


def install(app: Flask) -> None:
    @app.errorhandler(QueryTimeoutError)
    def timed_out(error: QueryTimeoutError) -> Response:
        response = error_response(503, str(error))
        response.headers["Retry-After"] = RETRY_AFTER_TIMEOUT
        return response

    @app.errorhandler(QueryRefusedError)
    def refused(error: QueryRefusedError) -> Response:
        return error_response(error.status, error.message)

    @app.errorhandler(QuerySyntaxError)
    def syntax(error: QuerySyntaxError) -> Response:
        return error_response(400, f"SPARQL syntax error: {error.message}", error.line, error.column)

    @app.errorhandler(QueryEngineError)
    def engine(error: QueryEngineError) -> Response:
        return error_response(500, str(error))
