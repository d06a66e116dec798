"""``kg serve``'s own application on Granian instead of waitress: a trial, not a product.

    python bench/granian_kg_server.py BUILD_DIR PORT PROCESSES [THREADS]

Issue 22 asks to try a faster HTTP server than waitress and keep it only if it wins and passes
the security suite. This runs the very application a ``kg serve`` copy runs
(:func:`server.process.launcher.copy_app`: the published build, the query workers, the limits,
the lookup lane) as a WSGI application in PROCESSES Granian workers with THREADS threads each,
with the benchmark's settings (per-client limits and the result cache off, as bench/wrk_peers.py
runs ``kg serve``). What it does not have is what ``kg serve`` sets on waitress: the header and
body size limits answered in JSON, the slow-client timeout and the connection limit
(docs/security.md). bench/wrk_peers.py measures it beside the rest. SIGTERM stops it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

BUILD_VARIABLE, THREADS_VARIABLE = "KG_GRANIAN_TRIAL_BUILD", "KG_GRANIAN_TRIAL_THREADS"


def application():
    """One Granian worker's application (``factory=True``), made in the worker itself."""
    from server.process.launcher import ServeLimits, copy_app
    from server.workers.forkserver import start_worker_server

    start_worker_server()
    limits = ServeLimits(rate_limit=0, client_concurrency=0, cache_memory=0)
    app, _store = copy_app([], "oxigraph", Path(os.environ[BUILD_VARIABLE]),
                           int(os.environ[THREADS_VARIABLE]), limits, "http://127.0.0.1/")
    return app


def main(argv: list[str]) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    build, port, processes = Path(argv[0]).resolve(), int(argv[1]), int(argv[2])
    threads = int(argv[3]) if len(argv) > 3 else 16
    os.environ[BUILD_VARIABLE], os.environ[THREADS_VARIABLE] = str(build), str(threads)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), str(REPO)])
    sys.path.insert(0, str(Path(__file__).parent))
    Granian("granian_kg_server:application", address="127.0.0.1", port=port,
            interface=Interfaces.WSGI, workers=processes, blocking_threads=threads, factory=True,
            log_enabled=False).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
