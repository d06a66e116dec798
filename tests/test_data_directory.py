"""Curators edit data in a clone: the clone's files win over the copy frozen into an installed
wheel, and the commands that read data say which directory they read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.common import paths

REPO = Path(__file__).resolve().parent.parent
BROKEN_FILE = "vidin-integrated-approach.yaml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project as a non-editable install would lay it out: the wheel unpacked into a
    site directory (ontology, shapes, data and queries frozen inside as kg/_bundle)."""
    work = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work),
                             str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    site = work / "site"
    zipfile.ZipFile(next(work.glob("*.whl"))).extractall(site)
    return site


@pytest.fixture
def edited_clone(tmp_path) -> Path:
    """A clone in which a curator has just broken a record."""
    clone = tmp_path / "clone"
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / name, clone / name)
    shutil.copyfile(REPO / "pyproject.toml", clone / "pyproject.toml")
    record_file = clone / "data" / "records" / BROKEN_FILE
    text = record_file.read_text(encoding="utf-8")
    record_file.write_text(text.replace("type: Fund", "type: NoSuchType", 1), encoding="utf-8")
    return clone


def _kg(site: Path, cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "KG_HOME"}
    environment["PYTHONPATH"] = str(site)  # the unpacked wheel, not this checkout
    return subprocess.run([sys.executable, "-m", "kg", *arguments], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_inside_a_clone_kg_check_reads_the_clones_edited_data_not_the_installed_copy(installed, edited_clone):
    seeds = str(REPO.parent / "shared" / "seeds")
    result = _kg(installed, edited_clone / "data" / "records", "check", "--seeds", seeds)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"data: {(edited_clone / 'data').resolve()}" in result.stderr
    assert BROKEN_FILE in result.stderr and "NoSuchType" in result.stderr


def test_inside_a_clone_kg_build_refuses_the_clones_broken_record(installed, edited_clone, tmp_path):
    result = _kg(installed, edited_clone, "build", "--quiet", "--out", str(tmp_path / "build"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"data: {(edited_clone / 'data').resolve()}" in result.stderr
    assert not (tmp_path / "build" / "kg.nq").exists()


def test_outside_a_clone_the_installed_copy_is_read_and_the_output_says_so(installed, tmp_path):
    result = _kg(installed, tmp_path, "check", "--no-citations")
    assert result.returncode == 0, result.stdout + result.stderr
    assert str((installed / "kg" / "_bundle" / "data").resolve()) in result.stderr
    assert "the copy installed with the package" in result.stderr


def test_a_folder_with_a_data_directory_is_not_taken_for_a_clone(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    assert paths.enclosing_clone(tmp_path) is None
    assert paths.enclosing_clone(REPO / "data" / "records") == REPO
