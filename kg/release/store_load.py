"""(Re)build the on-disk pyoxigraph store from a release, atomically: load beside, then swap.

The store is loaded into a staging directory beside ``build/store`` (:func:`new_staging_dir`)
and renamed into place only once complete (:func:`swap_into_place`), so a killed build leaves
staging behind (kg/release/lock.py clears it), never a half-loaded store.

:func:`load_oxigraph` does this for the small build's kg.nq. :func:`load_oxigraph_streaming`
does it for a large release in bounded memory; it also dumps kg.trig from the store (pyoxigraph
writes it streaming, where rdflib's Turtle serializer would hold the whole graph) and says what
it is doing, since at 100 000 contracts each step takes tens of seconds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.common.steps import timed_step
from kg.records.iris import PREFIXES
from kg.store.oxigraph import materialise_union


def load_oxigraph(nquads: Path, store_dir: Path) -> None:
    """(Re)build the on-disk store from the release, atomically: load beside, then swap."""
    staging = new_staging_dir(store_dir)
    try:
        write_store(nquads, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_into_place(staging, store_dir)


def write_store(nquads: Path, directory: Path) -> int:
    """A store at ``directory`` holding the quads of ``nquads`` and their union as the default
    graph, compacted and closed; the number of quads it holds. (A small release: the union is
    made by one SPARQL Update; :func:`stage_store` loads a large one's from a file.)"""
    store = ox.Store(str(directory))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    materialise_union(store)
    store.optimize()
    store.flush()
    quads = len(store)
    del store
    return quads


def new_staging_dir(store_dir: Path) -> Path:
    """An empty directory beside ``store_dir`` (same file system: the swap is a rename)."""
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.", dir=store_dir.parent))


def swap_into_place(staging: Path, store_dir: Path) -> None:
    """Replace ``store_dir`` by the staged store (the old one is removed once the new is there)."""
    retired = store_dir.with_name(f".{store_dir.name}.old")
    if retired.exists():
        shutil.rmtree(retired)
    if store_dir.exists():
        store_dir.rename(retired)
    staging.rename(store_dir)
    if retired.exists():
        shutil.rmtree(retired)


def load_oxigraph_streaming(nquads: Path, store_dir: Path, trig_path: Path | None = None,
                            progress: bool = False, union_triples: Path | None = None) -> None:
    """Bulk-load ``nquads`` into a staging store, dump TriG, add the union graph, then swap.

    The union default graph comes from ``union_triples`` (every triple once, N-Triples) by the
    bulk loader, which needs no memory for it; a SPARQL ``INSERT … WHERE { GRAPH ?g … }`` would
    hold the whole insertion in one transaction (gigabytes at 100 000 contracts).
    """
    staging = new_staging_dir(store_dir)
    try:
        stage_store(nquads, staging, trig_path, progress, union_triples)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_into_place(staging, store_dir)


def stage_store(nquads: Path, staging: Path, trig_path: Path | None = None, progress: bool = False,
                union_triples: Path | None = None, copy_to: Path | None = None) -> None:
    """The whole store in ``staging``: the quads, the union default graph, optimised, closed.

    With ``copy_to``, a copy of it there too (pyoxigraph's ``backup``: hard links to the store's
    immutable files, so it takes a second and no space): the build's validation adds its index
    to the copy instead of bulk-loading the union a second time (kg/validate/release_check.py)."""
    store = ox.Store(str(staging))
    timed_step(progress, "loading kg.nq into pyoxigraph", lambda: store.bulk_load(
        path=str(nquads), format=ox.RdfFormat.N_QUADS))
    if trig_path is not None:
        handle, temporary = tempfile.mkstemp(prefix=f".{trig_path.name}.", dir=trig_path.parent)
        os.close(handle)
        try:
            timed_step(progress, "writing kg.trig", lambda: store.dump(
                temporary, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))
            os.replace(temporary, trig_path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    if union_triples is not None:
        # Lenient (IRIs not checked again): every term of the union was just read, checked, from
        # the quads; the check costs a tenth of the load.
        timed_step(progress, "adding the union default graph", lambda: store.bulk_load(
            path=str(union_triples), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(),
            lenient=True))
    else:
        timed_step(progress, "adding the union default graph", lambda: materialise_union(store))
    timed_step(progress, "optimising the store", store.optimize)
    store.flush()
    if copy_to is not None:
        timed_step(progress, "copying the store for validation", lambda: store.backup(str(copy_to)))
    # The store closes when this function returns (this frame holds its last reference), so
    # before the caller renames the staging directory.
