"""Replace a whole directory at once: write beside it, then swap by renaming.

An export is many files that belong together (the checksums describe the others). They are
written into a temporary sibling directory; only when every file is complete is the old
directory renamed away and the new one renamed into its place. A failure before the swap
removes the half-written sibling and leaves the previous export untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_file(root: Path, name: str, data: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def replacing_directory(target: Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success it becomes ``target`` (old one removed)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(20, "not a directory", str(target))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
        staging.chmod(0o755)
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        retired.rmdir()
        if target.exists():
            target.rename(retired)
        try:
            staging.rename(target)
        except BaseException:
            if retired.exists():
                retired.rename(target)
            raise
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
