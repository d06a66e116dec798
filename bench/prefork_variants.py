"""The bare ceiling that bench/serving_ceiling.py measures: a server never to be deployed.

    python bench/prefork_variants.py STORE_DIR PORT PROCESSES

It binds one listening socket on 127.0.0.1:PORT and forks PROCESSES copies of a waitress server
that accept from it (as ``kg serve --processes`` does), each answering ``POST /sparql`` with
Flask and pyoxigraph in the same process: no time limit, no row cap, no checks, no per-client
limits, one format. Not a product: the upper bound of the stack the endpoint is built from
(Flask, waitress, pyoxigraph), the answer to "how far could any design on it go?".

Started in a session of its own, it is stopped with its copies by signalling its process group
(bench/serving_ceiling.py does).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def bare_app(store_dir: Path):
    from flask import Flask, Response, request

    from kg.store import OxigraphStore

    store = OxigraphStore.open_read_only(store_dir)
    app = Flask("bare-ceiling")

    @app.post("/sparql")
    def sparql() -> Response:
        body = store.query(request.form["query"]).serialize("json")
        return Response(body, mimetype="application/sparql-results+json")

    return app


def main(argv: list[str]) -> int:
    import waitress

    from kg.prefork import bound_listener

    store_dir, port, processes = Path(argv[0]), int(argv[1]), int(argv[2])
    listener = bound_listener("127.0.0.1", port)
    copies = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # the store is opened after the fork: a RocksDB handle must not cross it
            waitress.serve(bare_app(store_dir), sockets=[listener], threads=1, _quiet=True)
            os._exit(0)
        copies.append(pid)
    for pid in copies:
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
