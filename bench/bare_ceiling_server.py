"""The bare ceiling that bench/serving_ceiling.py measures: a server never to be deployed.

    python bench/bare_ceiling_server.py STORE_DIR PORT PROCESSES

PROCESSES copies of a waitress server on one socket on 127.0.0.1:PORT, under the same supervisor
as ``kg serve --processes`` (server/process/prefork.py), each answering ``POST /sparql`` with Flask and
pyoxigraph in the same process: no time limit, no row cap, no checks, no per-client limits, one
format. Not a product: the upper bound of the stack the endpoint is built from (Flask, waitress,
pyoxigraph), the answer to "how far could any design on it go?". SIGTERM stops it.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.common.formats import by_key  # noqa: E402


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


def main(argv: list[str]) -> int:
    import waitress

    from server.process.prefork import Supervisor, bound_listener

    store_dir, port, processes = Path(argv[0]), int(argv[1]), int(argv[2])
    listener = bound_listener("127.0.0.1", port)

    def serve_copy() -> None:  # the store is opened after the fork: a RocksDB handle must not cross it
        waitress.serve(bare_app(store_dir), sockets=[listener], threads=1, _quiet=True)

    return Supervisor(processes, serve_copy).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
