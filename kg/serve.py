"""``kg serve``: the Flask application behind waitress, a production WSGI server.

With no files it serves the build (the pyoxigraph store in build/store, built on the spot from
the bundled records if there is none yet); with files it serves exactly those.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg import paths


def serve(files: list[Path], store_kind: str, build_dir: Path, host: str, port: int,
          threads: int) -> int:
    from waitress import serve as waitress_serve

    from kg.store import open_store
    from server import create_app

    if (not files and store_kind == "oxigraph" and not (build_dir / "store" / "CURRENT").is_file()) \
            or (not files and store_kind == "memory" and not (build_dir / "kg.nq").is_file()):
        from kg.build import build

        print(f"no build in {build_dir}: building it from {paths.data_dir()} …", file=sys.stderr)
        print(build(paths.data_dir(), build_dir, progress=True).summary(), file=sys.stderr)
    store = open_store(store_kind, build_dir=build_dir, files=files)
    app = create_app(store, build_dir=build_dir)
    print(f"serving {store.description} at http://{host}:{port}/ (SPARQL: /sparql)",
          file=sys.stderr, flush=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="bg-inclusion-kg",
                   channel_timeout=30, connection_limit=200)
    return 0
