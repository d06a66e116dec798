"""``/context.jsonld``: the JSON-LD context that the export's documents name by URL.

Computed from the store the server serves, with the same code as ``kg export``
(:func:`kg.export.jsonld_context.build_context`), so the served context and the exported
``context.jsonld`` of one release are byte-identical.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, current_app

from kg.common.formats import by_key, content_type
from kg.export.jsonld_context import build_context, context_text

blueprint = Blueprint("publishing", __name__)


@lru_cache(maxsize=8)
def _context_text(store_id: int) -> str:  # keyed by the store object's id: one per app
    return context_text(build_context(current_app.config["KG_STORE"]))


@blueprint.get("/context.jsonld")
def context() -> Response:
    body = _context_text(id(current_app.config["KG_STORE"]))
    response = Response(body.encode("utf-8"), status=200)
    response.headers["Content-Type"] = content_type(by_key("jsonld").media_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
