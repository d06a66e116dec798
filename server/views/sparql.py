"""``/sparql``: the SPARQL 1.1 Protocol endpoint (read-only) and its service description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.wrappers import Response as WerkzeugResponse

from kg.common.formats import content_type
from kg.store.results import QuerySyntaxError
from server.http.errors import error_response, not_acceptable
from server.http.formats import (
    DESCRIPTION_OFFERS,
    GRAPH_MEDIA,
    GRAPH_OFFERS,
    OVERRIDES,
    PAGE_HTML,
    RESULT_MEDIA,
    RESULT_OFFERS,
    FormatError,
    media_type_of,
    override_from,
)
from server.http.negotiation import choose
from server.http.result_cache import lookup
from server.views.protocol import ProtocolError, read_request
from server.views.service_description import service_description_response
from server.views.updates import is_update
from server.workers.answers import answer_response

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
@blueprint.route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def sparql() -> WerkzeugResponse:  # a redirect is werkzeug's Response, the others Flask's
    limits = getattr(current_app.config["KG_STORE"], "limits", None)
    try:
        sparql_request = read_request(request, limits.text if limits else None)
    except ProtocolError as error:
        return error_response(error.status, error.message)
    if sparql_request.query is None:
        # A browser (asking for HTML by name, above the description's Turtle) gets the query page.
        if choose(request.headers.get("Accept"), [DESCRIPTION_OFFERS[0], PAGE_HTML]) == PAGE_HTML \
                and PAGE_HTML in (request.headers.get("Accept") or ""):
            return redirect("/", code=303)
        return service_description_response()
    try:
        override = override_from(sparql_request.format_values)
    except FormatError as error:
        return error_response(400, str(error))
    store = current_app.config["KG_STORE"]
    base_iri = current_app.config["KG_PUBLIC_URL"] + "sparql"
    # A repeated query is answered from the result cache until the next publish, without a
    # worker (server/http/result_cache.py): the key is everything the answer depends on.
    accept = request.headers.get("Accept")
    cached = lookup(("sparql", sparql_request.query, tuple(sparql_request.default_graph_uris),
                     tuple(sparql_request.named_graph_uris), base_iri, override,
                     choose(accept, RESULT_OFFERS), choose(accept, GRAPH_OFFERS),
                     sparql_request.cut_allowed,
                     limits.effective_timeout(sparql_request.timeout) if limits else sparql_request.timeout,
                     limits.max_rows if limits else None))
    hit = cached.answer()
    if hit is not None:
        return hit
    try:
        # The service defines the base IRI (the protocol says it MAY be the endpoint), so
        # `CONSTRUCT { <s> <p> 1 } WHERE {}` is a valid query, not an "IRI parsing" error: the
        # configured public URL's endpoint, never one built from the client's Host header.
        # Time limit, caps, SERVICE: the guarded store (server/workers/guarded_store.py); its errors
        # become 503/400/403 in server/http/query_errors.py.
        result = store.query(sparql_request.query, sparql_request.default_graph_uris,
                             sparql_request.named_graph_uris,
                             base_iri=base_iri,
                             timeout=sparql_request.timeout)
    except QuerySyntaxError as error:
        if is_update(sparql_request.query):
            return error_response(403, "this endpoint is read-only: SPARQL Update is not accepted")
        return error_response(400, f"SPARQL syntax error: {error.message}", error.line, error.column)
    return cached.keep(_result_response(result, override, sparql_request.cut_allowed), result)


def _result_response(result, override: str | None, cut_allowed: bool) -> Response:
    graph = result.kind == "graph"
    if override:
        key = OVERRIDES[override][1 if graph else 0]
        if key is None:
            kind = "an RDF graph" if graph else "a results table or boolean"
            return error_response(406, f"format {override!r} cannot carry {kind}")
        media_type = media_type_of(key)
    else:
        offers = GRAPH_OFFERS if graph else RESULT_OFFERS
        chosen = choose(request.headers.get("Accept"), offers)
        if chosen is None:
            return not_acceptable(offers)
        key = (GRAPH_MEDIA if graph else RESULT_MEDIA)[chosen]
        media_type = chosen
    # Whole, or streamed chunk by chunk when longer than the read-ahead (server/workers/answers.py);
    # over the row cap, 422 unless the client asked for a cut answer (server/http/cut_answers.py).
    response = answer_response(result, key, cut_allowed)
    response.headers["Content-Type"] = content_type(media_type)
    response.headers["Vary"] = "Accept"
    return response
