"""The query page at ``/``: YASGUI when its assets are installed, a plain form otherwise.

Both are prefilled with the project's prefixes and list the saved queries (queries/*.rq), each
runnable with one click. With Chart.js installed too (``kg assets``, server/static/chartjs),
YASGUI's results get a "Chart" view (server/static/chart-view.js): bar, line or pie. YASGUI
comes from the npm registry (``@zazuko/yasgui``, installed by ``kg assets``) into
server/static/yasgui; nothing is loaded from a CDN. Setting ``KG_NO_YASGUI=1``
serves the plain form even when the assets are there (the tests use it for the fallback).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from kg.common.limits import MAX_QUERY_LENGTH
from kg.query.catalogue import catalogue
from kg.records.iris import BASE, PREFIXES
from server.http.formats import download_buttons

blueprint = Blueprint("query_page", __name__)
STATIC = Path(__file__).resolve().parent.parent / "static"  # server/static
EXAMPLE = """SELECT ?project ?title WHERE {
  ?project a bgi:Project ; rdfs:label ?title .
  FILTER (lang(?title) = "bg")
}"""


def prefix_block() -> str:
    return "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in PREFIXES.items())


def yasgui_available() -> bool:
    """YASGUI's built files are installed (and KG_NO_YASGUI does not hide them)."""
    if os.environ.get("KG_NO_YASGUI", "").strip() not in ("", "0"):
        return False
    return (STATIC / "yasgui" / "yasgui.min.js").is_file() and \
        (STATIC / "yasgui" / "yasgui.min.css").is_file()


def query_page_url(text: str, title: str) -> str:
    """The query page (YASGUI reads ``?query=`` and ``?tabTitle=``) with ``text`` in a tab."""
    return "/?" + urlencode({"query": text, "tabTitle": title})


def charts_available() -> bool:
    """Chart.js is installed (``kg assets`` puts it in server/static/chartjs): the query page gets
    its chart view and the Linked Data pages draw their budget tables (shown without it)."""
    return (STATIC / "chartjs" / "chart.umd.min.js").is_file()


@blueprint.get("/")
def index() -> Response:
    queries = [{"name": saved.name, "title": saved.title, "title_bg": saved.title_bg,
                "description": saved.description, "text": saved.text_with_defaults()}
               for saved in catalogue().values()]
    # ?query= prefills the editor (the API catalogue's "open in the query page" links); YASGUI
    # reads it from the URL itself, the plain form gets it here.
    given = request.args.get("query", "")[:MAX_QUERY_LENGTH]
    return Response(render_template("index.html", queries=queries, prefixes=prefix_block(),
                                    example=given or prefix_block() + "\n" + EXAMPLE,
                                    example_body=EXAMPLE,
                                    base=BASE, downloads=download_buttons(),
                                    yasgui=yasgui_available(), charts=charts_available()))
