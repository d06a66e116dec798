"""Two servers that exist only to be measured by bench/serving_ceiling.py, never to be deployed.

    python bench/prefork_variants.py bare|app STORE_DIR PORT PROCESSES

Both bind one listening socket on 127.0.0.1:PORT and fork PROCESSES copies of a waitress server
that accept from it, as a prefork server (gunicorn's sync workers) does:

* ``bare`` — Flask and waitress answering ``POST /sparql`` with pyoxigraph in the same process:
  no time limit, no row cap, no checks, no per-client limits. Not a product: it is the upper
  bound of the stack the endpoint must be built from (Flask, waitress, pyoxigraph), the answer
  to "how far could any design on it go?".
* ``app`` — the whole ``kg serve`` application (every check and limit, its query workers, one per
  copy) in each copy: what running the present design prefork would give.

Started in a session of its own, it is stopped with its copies and their query workers by
signalling its process group (bench/serving_ceiling.py does).
"""

from __future__ import annotations

import os
import socket
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


def kg_app(store_dir: Path):
    from kg.serve import start_worker_server

    start_worker_server()
    from kg.store import OxigraphStore
    from server import create_app
    from server.query_limits import QueryLimits

    return create_app(OxigraphStore.open_read_only(store_dir), build_dir=store_dir.parent, config={
        "KG_LIMITS": QueryLimits(timeout=30, max_timeout=30, max_rows=1_000_000, workers=1),
        "KG_RATE_LIMIT": 0, "KG_CLIENT_CONCURRENCY": 0})


def serve_copy(listener: socket.socket, variant: str, store_dir: Path) -> None:
    import waitress

    app = bare_app(store_dir) if variant == "bare" else kg_app(store_dir)
    waitress.serve(app, sockets=[listener], threads=1 if variant == "bare" else 4, _quiet=True)


def main(argv: list[str]) -> int:
    variant, store_dir, port, processes = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
    if variant not in ("bare", "app"):
        raise SystemExit(f"unknown variant {variant!r}: use bare or app")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    copies = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            serve_copy(listener, variant, store_dir)
            os._exit(0)
        copies.append(pid)
    for pid in copies:
        os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":  # the query workers' forkserver imports this file again
    sys.exit(main(sys.argv[1:]))
