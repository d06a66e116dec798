"""One build at a time per output directory, and what a killed build left behind cleared away.

A build stages everything beside its outputs and swaps it in at the end (kg/release/build_stream.py,
kg/release/store_load.py, kg/release/files.py), so a killed build leaves nothing half-written, only staging:
``.build-*`` work directories, ``.store.*`` staging stores and ``.kg.nq.*`` / ``.kg.trig.*``
temporary files — gigabytes at 100 000 contracts — and, if it died between the two renames of
a swap, the previous store as ``.store.old`` with no ``store``.

While it runs, a build holds a lock on ``.build.lock`` in its output directory: a POSIX record
lock, which the kernel drops when the process ends however it ends, and which the build's forked
workers do not inherit. So a second build into the same directory is refused with a clear error
instead of racing the first one's swaps, and whatever staging a build finds once it holds the
lock belongs to a build that is gone: it is removed, after a stranded previous store is put back.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.common.errors import KgError

LOCK_NAME = ".build.lock"
#: What a build stages in its output directory (the publish generations live in stores/).
LEFTOVER_PATTERNS = (".build-*", ".store.*", ".kg.nq.*", ".kg.trig.*")


@contextmanager
def exclusive_build(out_dir: Path) -> Iterator[list[str]]:
    """Hold ``out_dir``'s build lock for the ``with`` block; yields the names of the leftovers
    of dead builds it removed. KgError if another process is building there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK_NAME, "a+", encoding="utf-8") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise KgError(f"{out_dir}: another `kg build` is writing here (process {holder}); "
                          "wait for it to finish, or build into another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield remove_leftovers(out_dir)
    # Closing the file dropped the lock.


def remove_leftovers(out_dir: Path) -> list[str]:
    """Remove the staging of dead builds from ``out_dir`` (only under its lock: see the module),
    putting back a previous store that a swap left as ``.store.old``; the names removed."""
    store, retired = out_dir / "store", out_dir / ".store.old"
    if retired.is_dir() and not store.exists():
        retired.rename(store)
    removed = []
    for pattern in LEFTOVER_PATTERNS:
        for path in sorted(out_dir.glob(pattern)):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
