"""Publishing a build to a running server: whole generations and one pointer, flipped atomically.

``kg publish`` validates ``build/kg.nq`` against the shapes, loads it into a new store directory
``build/stores/NNNN-<sha8>/`` beside the served one, writes its manifest (quad count, SHA-256 of
the N-Quads, conformance) only once the store and its text index (``NNNN-<sha8>.search.sqlite``
beside it, kg.store.text_index) are complete, and then replaces the one-line pointer
``build/stores/CURRENT`` with ``os.replace`` (atomic on POSIX). A running ``kg serve``
notices the new pointer (a poll every second, or at once on SIGHUP), checks the manifest and
opens the new store in fresh workers; only then does it switch (server/workers/guarded_store.py).

A generation without a manifest (a load that died half-way), whose store does not hold the
quads its manifest counts, or whose manifest says it does not conform, is never served: the
server keeps the old one and says why in ``/healthz``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.common.errors import KgError
from kg.common.limits import VALIDATION_TIMEOUT_SECONDS
from kg.release.store_load import write_store
from kg.store.text_index import index_path, write_index
from kg.validate.engines import validate_files

STORES = "stores"
POINTER = "CURRENT"
MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Manifest:
    """What a generation holds and whether it passed the shapes."""

    generation: str
    quads: int
    sha256: str
    conforms: bool
    violations: int


def stores_dir(build_dir: Path) -> Path:
    return build_dir / STORES


def load_generation(nquads: Path, build_dir: Path, conforms: bool, violations: int = 0) -> Manifest:
    """A new, complete generation from ``nquads`` (not yet current); returns its manifest."""
    stores = stores_dir(build_dir)
    stores.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(nquads.read_bytes()).hexdigest()
    numbers = [int(path.name[:4]) for path in stores.iterdir() if path.name[:4].isdigit()]
    name = f"{max(numbers, default=0) + 1:04d}-{digest[:8]}"
    staging = stores / f".{name}.loading"
    try:
        quads = write_store(nquads, staging)
        # the generation's own text index, beside it, before the manifest makes it servable
        write_index(nquads, index_path(stores / name))
        staging.rename(stores / name)
    except (SyntaxError, ValueError, OSError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        index_path(stores / name).unlink(missing_ok=True)
        raise KgError(f"{nquads}: cannot load: {error}") from None
    manifest = Manifest(name, quads, digest, conforms, violations)
    _write_atomically(stores / (name + MANIFEST_SUFFIX), json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def flip(build_dir: Path, generation: str) -> None:
    """Make ``generation`` the one served: replace the pointer file in one step."""
    _write_atomically(stores_dir(build_dir) / POINTER, generation + "\n")


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def pointed_generation(build_dir: Path) -> str | None:
    """The generation the pointer names, or None if nothing was published."""
    pointer = stores_dir(build_dir) / POINTER
    try:
        return pointer.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def verified_manifest(build_dir: Path, generation: str) -> Manifest:
    """The manifest of ``generation`` if it may be served; KgError saying why not."""
    stores = stores_dir(build_dir)
    if "/" in generation or generation.startswith("."):
        raise KgError(f"{stores / POINTER}: {generation!r} is not a generation name")
    if not (stores / generation / "CURRENT").is_file():
        raise KgError(f"{stores / generation}: no complete store there")
    manifest_path = stores / (generation + MANIFEST_SUFFIX)
    try:
        manifest = Manifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise KgError(f"{manifest_path}: missing; the load did not finish (half-written "
                      "generation); run `kg publish` again") from None
    except (ValueError, TypeError) as error:
        raise KgError(f"{manifest_path}: unreadable manifest: {error}") from None
    if not manifest.conforms:
        raise KgError(f"{stores / generation}: the graph does not conform to the shapes "
                      f"({manifest.violations} violations); `kg validate` lists them")
    return manifest


def prune(build_dir: Path, keep: int = 2) -> list[str]:
    """Delete all but the ``keep`` newest generations (the current one is always kept)."""
    stores = stores_dir(build_dir)
    current = pointed_generation(build_dir)
    names = sorted(path.name for path in stores.iterdir() if path.is_dir() and path.name[:4].isdigit())
    doomed = [name for name in names[:-keep] if name != current]
    for name in doomed:
        (stores / (name + MANIFEST_SUFFIX)).unlink(missing_ok=True)
        index_path(stores / name).unlink(missing_ok=True)
        shutil.rmtree(stores / name, ignore_errors=True)
    return doomed


def publish(build_dir: Path, timeout: float = VALIDATION_TIMEOUT_SECONDS) -> tuple[Manifest, int]:
    """Validate the build, load it as a new generation and flip the pointer if it conforms.

    Returns (manifest, violations); with violations the pointer is not moved.
    """
    nquads = build_dir / "kg.nq"
    if not nquads.is_file():
        raise KgError(f"{nquads}: no build found; run `kg build` first")
    report = validate_files([nquads], timeout=timeout)
    violations = report.counts().get("Violation", 0)
    manifest = load_generation(nquads, build_dir, conforms=report.conforms, violations=violations)
    if report.conforms:
        flip(build_dir, manifest.generation)
        prune(build_dir)
    return manifest, violations
