"""The bare ceiling that the throughput benchmarks measure: a server never to be deployed.

    python bench/bare_ceiling_server.py STORE_DIR PORT PROCESSES [waitress|granian]

PROCESSES copies of a server on 127.0.0.1:PORT, each answering ``POST /sparql`` (a form with
``query``) with Flask and pyoxigraph in the same process: no time limit, no row cap, no checks,
no per-client limits, one format. Not a product: the upper bound of the stack the endpoint is
built from, the answer to "how far could any design on it go?". SIGTERM stops it.

* ``waitress`` (the default, the WSGI server ``kg serve`` runs on): copies of a waitress server
  on one socket under the same supervisor as ``kg serve --processes`` (server/process/prefork.py).
* ``granian``: Granian (a Rust HTTP server) running the same Flask application as a WSGI app in
  PROCESSES worker processes of its own — what a faster HTTP layer under Flask could give.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.common.formats import by_key  # noqa: E402

#: Where a Granian worker (a new interpreter) finds the store: set before Granian starts them.
STORE_VARIABLE = "KG_BARE_CEILING_STORE"


def bare_app(store_dir: Path):
    from flask import Flask, Response, request

    from kg.store.oxigraph import OxigraphStore

    store = OxigraphStore.open_read_only(store_dir)
    app = Flask("bare-ceiling")

    @app.post("/sparql")
    def sparql() -> Response:
        body = store.query(request.form["query"]).serialize("json")
        return Response(body, mimetype=by_key("json").media_type)

    return app


def granian_app():
    """The application of one Granian worker (``factory=True``): opened in the worker itself."""
    return bare_app(Path(os.environ[STORE_VARIABLE]))


def serve_waitress(store_dir: Path, port: int, processes: int) -> int:
    import waitress

    from server.process.prefork import Supervisor, bound_listener

    listener = bound_listener("127.0.0.1", port)

    def serve_copy() -> None:  # the store is opened after the fork: a RocksDB handle must not cross it
        waitress.serve(bare_app(store_dir), sockets=[listener], threads=1, _quiet=True)

    return Supervisor(processes, serve_copy).run()


def serve_granian(store_dir: Path, port: int, processes: int) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    os.environ[STORE_VARIABLE] = str(store_dir)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), str(REPO)])
    sys.path.insert(0, str(Path(__file__).parent))
    Granian("bare_ceiling_server:granian_app", address="127.0.0.1", port=port,
            interface=Interfaces.WSGI, workers=processes, blocking_threads=1, factory=True,
            log_enabled=False).serve()
    return 0


def main(argv: list[str]) -> int:
    store_dir, port, processes = Path(argv[0]), int(argv[1]), int(argv[2])
    http = argv[3] if len(argv) > 3 else "waitress"
    if http == "granian":
        return serve_granian(store_dir, port, processes)
    return serve_waitress(store_dir, port, processes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
