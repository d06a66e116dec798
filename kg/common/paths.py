"""Where the project's bundled files are, whether run from a clone or an installed wheel.

The wheel carries ontology/, shapes/, data/ and queries/ inside the package as ``kg/_bundle``
(see pyproject.toml); a clone has them at the repository root. One function decides, so every
command works from any directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # kg/, where the wheel puts _bundle
REPO_DIR = PACKAGE_DIR.parent


def bundle_dir() -> Path:
    """The directory holding ontology/, shapes/, data/ and queries/."""
    override = os.environ.get("KG_HOME")
    if override:
        return Path(override)
    bundled = PACKAGE_DIR / "_bundle"
    if (bundled / "data").is_dir():
        return bundled
    return REPO_DIR


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
