"""Shared fixtures: the repository paths, the seed texts, and one build of the bundled graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mutation_suite import write_fixture_tree
from rdflib import Dataset

from kg.common import paths

REPO = Path(__file__).resolve().parent.parent
SEEDS = paths.default_seeds_dir() if paths.default_seeds_dir().is_dir() else REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"the source texts are missing at {SEEDS} (CI has ../shared beside the clone)")
    return SEEDS


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return paths.data_dir()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The bundled graph built once for the session (with the OWL-RL graph)."""
    from kg.release.build import build

    out = tmp_path_factory.mktemp("build")
    build(paths.data_dir(), out, reason=True, progress=False)
    return out


@pytest.fixture(scope="session")
def dataset(built: Path) -> Dataset:
    from kg.store.rdflib_memory import open_dataset

    return open_dataset(built)


@pytest.fixture(scope="session")
def shacl_fixtures(tmp_path_factory) -> Path:
    """The SHACL fixtures: valid/ (committed) and invalid/ (the mutation suite's rows, written once)."""
    return write_fixture_tree(tmp_path_factory.mktemp("shacl-fixtures"))


@pytest.fixture
def data_copy(tmp_path: Path, data_dir: Path) -> Path:
    """A writable copy of data/ for tests that break records on purpose."""
    target = tmp_path / "data"
    shutil.copytree(data_dir, target)
    return target
