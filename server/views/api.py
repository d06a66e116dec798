"""The named-query API: every ``queries/*.rq`` at ``/api/queries/<name>``, for developers who do
not write SPARQL.

* ``GET /api/queries`` — the catalogue as JSON (titles and descriptions in bg and en, the
  parameters, an example call).
* ``GET /api/queries/<name>?param=value`` — the answer. Each parameter is checked against its
  declared type and allowed values and made one RDF term, which is written into the text at the
  places the catalogue found where that is the same query (decision 0025: pyoxigraph plans a
  constant, not a substituted variable, as an index lookup), else bound as a substitution;
  never the raw string. Defaults fill the rest.
  Unknown, repeated or wrong parameters get 400 with the reason as JSON; an unknown query 404.
* Formats: SPARQL JSON results by default (also for ``Accept: */*`` and for browsers), CSV for
  ``Accept: text/csv``, and SPARQL XML and TSV by content negotiation; ``format=json|csv|tsv|xml``
  overrides the ``Accept`` header (for links).
* An answer over the row cap is 422, as on ``/sparql``, unless the call asks for the first rows
  with ``truncate=1`` (or ``Prefer: truncate``); the name is reserved, no query declares it.
* ``GET /api/openapi.json`` — the OpenAPI 3.1 document generated from the ``#+`` headers, and
  ``GET /api`` — the catalogue as an HTML page.
* ``POST /api/ingest`` — an announcement's text (``text/plain`` or ``text/html``, at most the
  server's body limit) -> its draft records as JSON (``kg ingest``, :mod:`kg.ingest`), stored
  nowhere. Off unless the operator turns it on (``kg serve --allow-ingest`` or
  ``KG_ALLOW_INGEST``): then 404 as JSON.

Queries run through the application's store (``KG_STORE``) exactly as ``/sparql`` runs them, so
whatever limits the store enforces apply here too.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from kg.common import paths
from kg.common.formats import by_key, content_type
from kg.query.catalogue import ParameterError, SavedQuery, catalogue
from server.http.cut_answers import OptInError, cut_allowed
from server.http.errors import error_response, not_acceptable
from server.http.formats import (
    API_GRAPH_KEYS,
    API_GRAPH_OFFERS,
    API_TABLE_KEYS,
    API_TABLE_OFFERS,
    GRAPH_MEDIA,
    RESULT_MEDIA,
    media_type_of,
)
from server.http.negotiation import choose
from server.http.result_cache import lookup
from server.views.openapi import openapi_document
from server.views.query_page import query_page_url
from server.views.search import openapi_paths as search_paths
from server.workers.answers import answer_response
from server.workers.limits import CUT_PARAMETER

blueprint = Blueprint("api", __name__)


def _error(status: int, message: str) -> Response:
    return error_response(status, message)


def example_call(saved: SavedQuery) -> str:
    """The path and query string of a call with every default written out."""
    values = {parameter.name: parameter.default for parameter in saved.parameters
              if parameter.default is not None}
    return f"/api/queries/{saved.name}" + (f"?{urlencode(values)}" if values else "")


def query_page_link(saved: SavedQuery) -> str:
    """The query page (YASGUI reads ``?query=``) prefilled with the query and its defaults."""
    return query_page_url(saved.text_with_defaults(), saved.name)


def describe(saved: SavedQuery) -> dict:
    """One catalogue entry, as the JSON catalogue and the HTML page show it."""
    return {
        "name": saved.name, "title": saved.title, "title_bg": saved.title_bg,
        "description": saved.description, "description_bg": saved.description_bg,
        "form": saved.form,
        "parameters": [{"name": parameter.name, "type": parameter.type,
                        "default": parameter.default, "allowed": list(parameter.allowed),
                        "description": parameter.description,
                        "description_bg": parameter.description_bg}
                       for parameter in saved.parameters],
        "url": f"/api/queries/{saved.name}", "example": example_call(saved),
        "query_page": query_page_link(saved), "sparql": saved.text,
    }


@blueprint.get("/api/queries")
def queries() -> Response:
    body = {"queries": [describe(saved) for saved in catalogue().values()],
            "openapi": "/api/openapi.json"}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")


@blueprint.get("/api/openapi.json")
def openapi() -> Response:
    document = openapi_document(catalogue(), example_call)
    document["paths"].update(search_paths())
    document["tags"].append({"name": "search", "description": "search by name / търсене по име"})
    return Response(json.dumps(document, ensure_ascii=False, indent=1), mimetype="application/json")


@blueprint.get("/api")
@blueprint.get("/api/")
def catalogue_page() -> Response:
    entries = [describe(saved) for saved in catalogue().values()]
    return Response(render_template("api.html", queries=entries))


INGEST_MEDIA = ("text/plain", "text/html")


@lru_cache(maxsize=4)
def _ingest_context(data_dir: str | None):
    # deferred: the extraction engine and the corpus load only where ingest is turned on
    from kg.ingest.run import Context

    return Context.of_data(Path(data_dir) if data_dir else None)


@blueprint.post("/api/ingest")
def ingest() -> Response:
    if not current_app.config.get("KG_ALLOW_INGEST"):
        return _error(404, "POST /api/ingest is not turned on here; an operator turns it on with "
                      "kg serve --allow-ingest")
    # deferred: only where ingest is turned on
    from kg.ingest.run import draft_document
    from kg.ingest.text import IngestInputError, read_bytes

    media = (request.mimetype or "").lower()
    if media not in INGEST_MEDIA:
        return _error(415, f"send the announcement as {' or '.join(INGEST_MEDIA)}, not "
                      f"{media[:60] or 'no Content-Type'}")
    data = request.get_data(cache=False)
    data_dir = current_app.config.get("KG_INGEST_DATA")
    if data_dir is None and (paths.data_dir() / "sources.yaml").is_file():
        data_dir = str(paths.data_dir())
    try:
        result = draft_document(read_bytes(data, "request", html=media == "text/html"),
                                _ingest_context(data_dir))
    except IngestInputError as error:
        return _error(400, str(error))
    return Response(json.dumps(result.as_json(), ensure_ascii=False, indent=1),
                    mimetype="application/json")


@blueprint.get("/api/queries/<name>")
def run(name: str) -> Response:
    saved = catalogue().get(name)
    if saved is None:
        return _error(404, f"no saved query {name[:80]!r}; the catalogue is at /api/queries")
    given: dict[str, str] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            return _error(400, f"parameter {key[:80]!r} is given {len(values)} times; give it once")
        given[key] = values[0]
    override = given.pop("format", None)
    truncate = given.pop(CUT_PARAMETER, None)
    try:
        allowed = cut_allowed([] if truncate is None else [truncate], request)
    except OptInError as error:
        return _error(400, str(error))
    try:
        bindings = saved.bindings(given)
    except ParameterError as error:
        return _error(400, str(error))
    graph = saved.form in ("CONSTRUCT", "DESCRIBE")
    chosen = _chosen_format(override, graph)
    if isinstance(chosen, Response):
        return chosen
    key, media_type = chosen
    store = current_app.config["KG_STORE"]
    limits = getattr(store, "limits", None)
    # Answered from the result cache until the next publish when asked before
    # (server/http/result_cache.py): the parameters as bound, defaults filled in, are the key.
    cached = lookup(("api", saved.name, saved.text, tuple(sorted(_binding_key(bindings).items())),
                     key, media_type, allowed, limits.timeout if limits else None,
                     limits.max_rows if limits else None))
    hit = cached.answer()
    if hit is not None:
        return hit
    # The parameters written in as constants where proved the same query (decision 0025); a
    # lookup with its key bound is answered without a query worker (decision 0024).
    text, others = saved.bound_query(bindings)
    if saved.lookup is not None and saved.lookup not in others and hasattr(store, "lookup"):
        result = store.lookup(saved.name, text, others)
    else:
        result = store.query(text, bindings=others)
    response = answer_response(result, key, allowed)  # over the row cap: 422 unless asked
    response.headers["Content-Type"] = content_type(media_type)
    response.headers["Vary"] = "Accept"
    if key == "csv" or key == "tsv":
        response.headers["Content-Disposition"] = f'inline; filename="{saved.name}{by_key(key).extension}"'
    return cached.keep(response, result)


def _binding_key(bindings: dict | None) -> dict[str, str]:
    """The bound terms as N3 text: datatype and language tags included, an IRI never like a literal."""
    return {str(name): term.n3() if hasattr(term, "n3") else repr(term)
            for name, term in (bindings or {}).items()}


def _chosen_format(override: str | None, graph: bool) -> tuple[str, str] | Response:
    """(format key, media type) from ``format=`` or the Accept header, or the error response."""
    if override is not None:
        names = API_GRAPH_KEYS if graph else API_TABLE_KEYS
        if override not in names:
            return _error(400, f"format {override[:40]!r} is not offered for this query; "
                          f"use one of {', '.join(names)}")
        return override, media_type_of(override)
    offers = API_GRAPH_OFFERS if graph else API_TABLE_OFFERS
    chosen = choose(request.headers.get("Accept"), offers)
    if chosen is None:
        return not_acceptable(offers)
    return (GRAPH_MEDIA if graph else RESULT_MEDIA)[chosen], chosen
