"""Where the project's files are: the clone a curator works in, else the installed wheel's copy.

The wheel carries ontology/, shapes/, data/ and queries/ inside the package as ``kg/_bundle``
(see setup.py); a clone has them at the repository root. A curator edits ``data/`` in a clone,
so a clone always wins over the frozen copy: the clone of this project that the current
directory is in (whatever is installed), else the clone this code runs from (an editable
install), else the bundle. ``$KG_HOME`` overrides all three. One function decides, so every
command reads the same files, and the commands that read data say which directory it was
(:func:`describe_data_dir`).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kg/, where the wheel puts _bundle
REPO_DIR = PACKAGE_DIR.parent
#: The distribution name in pyproject.toml, which tells a clone of this project from other folders.
PROJECT_NAME = "bg-inclusion-kg"


def is_clone(directory: Path) -> bool:
    """Whether ``directory`` is the root of a clone of this project (its own pyproject, data and
    ontology), not just any folder with a data/ directory."""
    pyproject = directory / "pyproject.toml"
    if not (pyproject.is_file() and (directory / "data" / "sources.yaml").is_file()
            and (directory / "ontology" / "bgi.ttl").is_file()):
        return False
    try:
        return f'name = "{PROJECT_NAME}"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


@functools.lru_cache(maxsize=64)
def enclosing_clone(start: Path) -> Path | None:
    """The clone of this project that ``start`` is in (``start`` or one of its parents).

    Remembered per directory: the server asks for the saved queries' folder on every API
    request, and walking up the tree reading pyproject.toml each time would be work on the
    lookup path for an answer that does not change while the process runs."""
    for directory in (start, *start.parents):
        if is_clone(directory):
            return directory
    return None


def bundle_dir() -> Path:
    """The directory holding ontology/, shapes/, data/ and queries/ (see the module)."""
    override = os.environ.get("KG_HOME")
    if override:
        return Path(override)
    clone = enclosing_clone(Path.cwd().resolve())
    if clone is not None:
        return clone
    if is_clone(REPO_DIR):
        return REPO_DIR
    bundled = PACKAGE_DIR / "_bundle"
    if (bundled / "data").is_dir():
        return bundled
    return REPO_DIR


def describe_data_dir(data: Path) -> str:
    """One line saying which data directory a command read, and whether it is the frozen copy
    inside an installed package (so a curator who edited a clone sees at once that it was not)."""
    resolved = data.resolve()
    if (PACKAGE_DIR / "_bundle").resolve() in (resolved, *resolved.parents):
        return f"data: {resolved} (the copy installed with the package; run inside a clone to read its data/)"
    return f"data: {resolved}"


def data_dir() -> Path:
    return bundle_dir() / "data"


def ontology_dir() -> Path:
    return bundle_dir() / "ontology"


def shapes_dir() -> Path:
    return bundle_dir() / "shapes"


def queries_dir() -> Path:
    return bundle_dir() / "queries"


def default_seeds_dir() -> Path:
    """The source texts: $KG_SEEDS, else ../shared/seeds beside the clone or the current directory."""
    override = os.environ.get("KG_SEEDS")
    if override:
        return Path(override)
    for base in (REPO_DIR, Path.cwd()):
        candidate = base.parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return REPO_DIR.parent / "shared" / "seeds"
