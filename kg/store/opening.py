"""Which store a command asked for: the build's pyoxigraph store, rdflib in memory
(``--store memory``), RDF files a user names, or a remote SPARQL endpoint (``--store URL``).

* :class:`kg.store.oxigraph.OxigraphStore` — the default.
* :class:`kg.store.rdflib_memory.RdflibStore` — rdflib's in-memory Dataset: slower, but the
  reference the tests compare against (every saved query gives the same rows on both).
* :class:`kg.store.remote.RemoteStore` — an external SPARQL endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.common.errors import KgError
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore

if TYPE_CHECKING:
    from kg.store.rdflib_memory import RdflibStore


def open_store(kind: str = "oxigraph", build_dir: Path | None = None,
               files: Sequence[Path] = ()) -> OxigraphStore | RdflibStore | RemoteStore:
    """The store ``kg serve`` and ``kg query`` use: given files, the build in ``build_dir``, or
    a remote SPARQL endpoint when ``kind`` is its URL (kg.store.remote)."""
    if kind.startswith(("http://", "https://")):
        if files:
            raise KgError("a remote --store serves what the endpoint holds; name no files")
        return RemoteStore(kind)
    if kind not in ("oxigraph", "memory"):
        raise KgError(f"unknown store {kind!r}; use 'oxigraph', 'memory' or the URL of a SPARQL endpoint")
    build = build_dir or Path("build")
    if files:
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise KgError(f"no such file: {', '.join(missing)}")
        if kind == "oxigraph":
            return OxigraphStore.from_files(files)
    elif kind == "oxigraph":
        return OxigraphStore.open_read_only(build / "store")
    # deferred: rdflib's SPARQL engine is loaded only when "memory" is asked for
    from kg.store.rdflib_memory import RdflibStore

    if files:
        return RdflibStore.from_files(files)
    nquads = build / "kg.nq"
    if not nquads.is_file():
        raise KgError(f"{nquads}: no build found; run `kg build` first")
    return RdflibStore.from_files([nquads])
