"""Search by a word of a name: ``GET /api/search?q=…`` (JSON) and ``GET /search?q=…`` (the page
the search box of every page submits to, which works without JavaScript).

Both read the text index of the store being served (:mod:`kg.store.text_index`): the file beside
that store's directory, so after ``kg publish`` the next search reads the new generation's index
and never the old one's. A connection is opened per request (a fraction of a millisecond): a
reload cannot leave a request reading one generation's store and another's index.

Limits: ``q`` at most 200 characters and 12 words, ``limit`` 1–100 (default 20), ``kind`` a class
name; anything else is 400 with the reason as JSON. The per-client rate limits of every route
apply (server/http/request_limits.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from kg.store.text_index import (
    KIND,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Hit,
    SearchQueryError,
    SearchUnavailableError,
    index_path,
    open_index,
    search,
)
from server.http.errors import error_response
from server.views.linked_data import local_href

blueprint = Blueprint("search", __name__)

DEFAULT_LIMIT = 20
#: Hits the /search page shows.
PAGE_LIMIT = 40
PARAMETERS = ("q", "limit", "kind")
#: The kinds the page offers in its menu (the API takes any class name).
PAGE_KINDS = ("Project", "Organisation", "Place", "Activity", "Programme", "Procedure",
              "GrantContract", "Measure", "TargetGroup", "Concept", "Class")


def served_index() -> Path:
    """The text index of the store the application serves now; SearchUnavailableError if the
    store is not a built store directory (``kg serve FILE…``, a remote endpoint)."""
    configured = current_app.config.get("KG_SEARCH_INDEX")
    if configured:
        return Path(configured)
    source = getattr(current_app.config["KG_STORE"], "source", None)
    if source is None or source.kind != "oxigraph-dir" or not source.path:
        raise SearchUnavailableError("search needs a built store (kg build / kg publish); this "
                                     "server serves files or a remote endpoint")
    return index_path(Path(source.path))


def generation_label() -> str:
    source = getattr(current_app.config["KG_STORE"], "source", None)
    label = getattr(source, "label", "") or ""
    return Path(label).name if label.startswith("/") else label


def _arguments() -> tuple[str, int, str | None]:
    """(q, limit, kind) from the query string; SearchQueryError for a bad one."""
    for key in request.args:
        if key not in PARAMETERS:
            raise SearchQueryError(f"unknown parameter {key[:40]!r}; give {', '.join(PARAMETERS)}")
        if len(request.args.getlist(key)) > 1:
            raise SearchQueryError(f"parameter {key!r} is given more than once; give it once")
    text = request.args.get("q")
    if text is None or not text.strip():
        raise SearchQueryError("give the words to search for as q=…")
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isascii() or not raw_limit.isdigit() or len(raw_limit) > 4:
        raise SearchQueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    kind = request.args.get("kind") or None
    return text, int(raw_limit), kind


def _run(text: str, limit: int, kind: str | None) -> list[Hit]:
    connection = open_index(served_index())
    try:
        return search(connection, text, limit, kind)
    finally:
        connection.close()


def hit_json(hit: Hit) -> dict:
    return {"iri": hit.iri, "label": hit.label, "kind": hit.kind, "kinds": list(hit.kinds),
            "href": local_href(hit.iri), "snippet": hit.snippet, "score": hit.score,
            "exact": hit.exact}


@blueprint.get("/api/search")
def api_search() -> Response:
    try:
        text, limit, kind = _arguments()
        hits = _run(text, limit, kind)
    except SearchQueryError as error:
        return error_response(400, str(error))
    except SearchUnavailableError as error:
        return error_response(503, str(error))
    body = {"q": text, "kind": kind, "limit": limit, "generation": generation_label(),
            "hits": [hit_json(hit) for hit in hits]}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


@blueprint.get("/search")
def page() -> Response:
    text = request.args.get("q", "")
    kind = request.args.get("kind") or None
    hits: list[Hit] = []
    message, status = "", 200
    if text.strip():
        try:
            if kind is not None and not KIND.match(kind):
                raise SearchQueryError("kind must be a class name such as Project or Organisation")
            hits = _run(text, PAGE_LIMIT, kind)
        except SearchQueryError as error:
            message, status = str(error), 400
        except SearchUnavailableError as error:
            message, status = str(error), 503
    results = [{**hit_json(hit), "segments": hit.segments} for hit in hits]
    return Response(render_template("search.html", q=text[:MAX_QUERY_CHARS * 2], kind=kind or "",
                                    kinds=PAGE_KINDS, hits=results, message=message,
                                    limit=PAGE_LIMIT,
                                    searched=bool(text.strip())), status=status)


def openapi_paths() -> dict:
    """The OpenAPI description of ``/api/search`` (merged into /api/openapi.json)."""
    hit = {"type": "object", "required": ["iri", "label", "kind", "kinds", "href", "snippet", "score"],
           "properties": {
               "iri": {"type": "string", "description": "the resource's IRI"},
               "label": {"type": "string", "description": "its name (Bulgarian first)"},
               "kind": {"type": "string", "description": "its most specific class, e.g. Project"},
               "kinds": {"type": "array", "items": {"type": "string"},
                         "description": "every class it has, asserted or inferred"},
               "href": {"type": ["string", "null"], "description": "its Linked Data page here"},
               "snippet": {"type": "string",
                           "description": "the matched name or text, matched words in [brackets]"},
               "score": {"type": "number", "description": "bm25 relevance, higher is better"},
               "exact": {"type": "boolean", "description": "a name equals the query"}}}
    answer = {"type": "object", "required": ["q", "limit", "hits"], "properties": {
        "q": {"type": "string"}, "kind": {"type": ["string", "null"]},
        "limit": {"type": "integer"}, "generation": {"type": "string"},
        "hits": {"type": "array", "items": hit}}}
    error = {"description": "q missing, empty, too long or without a word; a bad limit or kind; an "
                            "unknown or repeated parameter",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {"/api/search": {"get": {
        "operationId": "search", "tags": ["search"],
        "summary": "Find resources by a word of their name / Търсене по дума от името",
        "description": (
            "Names, titles, labels and activity texts, ranked: a name equal to the query first, "
            "then names starting with it, then by relevance. Case and diacritics do not matter; "
            "Latin finds Cyrillic (`Kyustendil` finds `Кюстендил`); every word must match; "
            "`word*` is a prefix and so is the last word.\n\n"
            "Имена, заглавия и текстове на дейности; латиница намира кирилица."),
        "parameters": [
            {"name": "q", "in": "query", "required": True, "example": "Кюстендил",
             "description": "the words / думите",
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}},
            {"name": "limit", "in": "query", "required": False, "example": 10,
             "description": "how many hits at most / най-много резултати",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT}},
            {"name": "kind", "in": "query", "required": False, "example": "Project",
             "description": "only resources of this class (or a subclass of it) / само от този клас",
             "schema": {"type": "string", "pattern": KIND.pattern}}],
        "responses": {
            "200": {"description": "the hits, best first / резултатите",
                    "content": {"application/json": {"schema": answer}}},
            "400": error,
            "414": {"$ref": "#/components/responses/TooLong"},
            "429": {"$ref": "#/components/responses/TooMany"},
            "503": {"description": "no text index for the served store (files or a remote "
                                   "endpoint are served), or the server is busy",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}},
        }}}}
