"""The Flask application: SPARQL endpoint, service description, VoID, Linked Data, query page.

:func:`create_app` takes an opened store (or opens the default one), so tests and ``kg serve``
build the same application; the views only translate HTTP into store calls and back.

Importing the package needs the standard library only: ``kg assets`` (server.assets) runs
before pip has installed Flask, and ``kg serve`` (server.process.launcher) starts the query workers'
fork server before it loads Flask and the views. So :func:`create_app` imports them when it is
called.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # for the annotations; create_app imports them when it runs (module docstring)
    from flask import Flask

    from kg.store.oxigraph import OxigraphStore
    from kg.store.rdflib_memory import RdflibStore
    from kg.store.remote import RemoteStore


def create_app(store: OxigraphStore | RdflibStore | RemoteStore | None = None, build_dir: Path | None = None,
               config: dict | None = None) -> Flask:
    """The application over ``store`` (default: the pyoxigraph store in ``build_dir``/store)."""
    # deferred: Flask and the store load when an application is made (module docstring)
    from flask import Flask, Response, send_file
    from flask_compress import Compress
    from flask_cors import CORS
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import Map

    from kg.common.formats import GRAPH, RESULTS, offers
    from kg.store.opening import open_store
    from server.http.errors import error_response
    from server.http.formats import DUMPS, media_type_of
    from server.http.result_cache import CACHE_HEADER
    from server.http.result_cache import status as result_cache_status
    from server.workers.guarded_store import guard
    from server.workers.limits import TRUNCATION_HEADER, QueryLimits

    # What flask-compress may gzip (when the client accepts it): the pages and scripts, and every
    # media type the server answers in (errors are application/json or text/plain, among them).
    compressed_media_types = list(dict.fromkeys(["text/html", "text/css", "application/javascript",
                                                 *offers(RESULTS), *offers(GRAPH)]))
    class NoRedirectMap(Map):
        """URL rules that never answer a redirect of their own: werkzeug would send ``//sparql``
        and ``/api/queries/`` to an absolute URL built from the client's Host header, as an
        HTML page. Here such paths match exactly or get the JSON 404 (docs/security.md)."""

        def __init__(self, *args, **kwargs) -> None:
            kwargs.update(merge_slashes=False, strict_slashes=False, redirect_defaults=False)
            super().__init__(*args, **kwargs)

    class KgFlask(Flask):
        url_map_class = NoRedirectMap

    app = KgFlask(__name__)
    build = Path(build_dir or "build")
    app.config.update(KG_STORE=store or open_store("oxigraph", build_dir=build), KG_BUILD_DIR=build,
                      COMPRESS_MIMETYPES=compressed_media_types,
                      COMPRESS_MIN_SIZE=500, JSON_AS_ASCII=False)
    app.config.update(config or {})
    # The base of every absolute IRI the server publishes about itself (service description,
    # VoID): configured (kg serve --public-url, or the address it listens on), never the Host
    # header a client sends (docs/security.md).
    app.config["KG_PUBLIC_URL"] = public_base(app.config.get("KG_PUBLIC_URL"))
    # Every view queries through the guard: worker processes, time limit, caps (docs/security.md).
    app.config["KG_STORE"] = guard(app.config["KG_STORE"], app.config.get("KG_LIMITS") or QueryLimits())
    CORS(app, resources={r"/*": {"origins": "*"}}, methods=["GET", "POST", "OPTIONS"],
         allow_headers=["Content-Type", "Accept", "Prefer"],
         expose_headers=["Content-Type", "Vary", "Retry-After", TRUNCATION_HEADER,
                         "KG-Result-Streamed", "Preference-Applied", CACHE_HEADER, "ETag"])
    Compress(app)

    # deferred: the views, once the guard has started the query workers: they load while a
    # process of the pool counts the store's quads, which /healthz then reports from the start
    from server.http.cut_answers import install as install_cut_answers
    from server.http.query_errors import install as install_query_errors
    from server.http.request_limits import install as install_limits
    from server.http.result_cache import install as install_result_cache
    from server.views.api import blueprint as api
    from server.views.linked_data import blueprint as linked_data
    from server.views.publishing import blueprint as publishing
    from server.views.query_page import blueprint as query_page
    from server.views.search import blueprint as search
    from server.views.service_description import void_response
    from server.views.sparql import blueprint as sparql

    app.register_blueprint(sparql)
    app.register_blueprint(linked_data)
    app.register_blueprint(query_page)
    app.register_blueprint(api)
    app.register_blueprint(publishing)
    app.register_blueprint(search)
    install_limits(app)
    install_query_errors(app)
    install_cut_answers(app)
    install_result_cache(app)

    @app.get("/healthz")
    def healthz() -> Response:
        store = app.config["KG_STORE"]
        # "process": which copy answered, under `kg serve --processes N` (server/process/prefork.py).
        status = {"status": "ok", "process": os.getpid(),
                  **(store.status() if hasattr(store, "status") else {}),
                  "result_cache": result_cache_status(app)}
        return Response(json.dumps(status, ensure_ascii=False, default=str), mimetype="application/json")

    @app.get("/.well-known/void")
    def void() -> Response:
        return void_response()

    @app.get("/dumps/<name>")
    def dump(name: str) -> Response:
        if name not in DUMPS:
            return error_response(404, f"no dump {name[:40]!r}; dumps: {', '.join(DUMPS)}")
        path = app.config["KG_BUILD_DIR"] / name
        if not path.is_file():
            return error_response(404, f"{name} is not built on this server")
        return send_file(path.resolve(), mimetype=media_type_of(DUMPS[name]), as_attachment=False)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return error_response(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error")
        return error_response(500, "internal error; the server log has the details")

    return app


#: The public base when none is configured: create_app on its own (tests, embedding) is not
#: bound to any address; kg serve always configures one (server/process/launcher.py).
DEFAULT_PUBLIC_URL = "http://localhost/"


def public_base(url: str | None) -> str:
    """``url`` checked and ending in one ``/`` (:data:`DEFAULT_PUBLIC_URL` when empty).

    Only an absolute http(s) URL with a host and no query or fragment makes sense as the base
    of the endpoint's IRIs; anything else is refused with ValueError, so a typo in the
    configuration stops ``kg serve`` instead of publishing broken links."""
    if not url:
        return DEFAULT_PUBLIC_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the public URL must be an absolute http(s) URL without query or "
                         f"fragment, such as https://data.example.org/kg/, not {url!r}")
    return url.rstrip("/") + "/"
