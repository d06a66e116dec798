"""The version has one home, pyproject.toml; the code reads it from the installed package's
metadata."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import kg
from kg.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_the_version_is_pyprojects_as_the_installed_metadata_has_it():
    stated = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert kg.__version__ == importlib.metadata.version("bg-inclusion-kg") == stated, \
        "pyproject.toml's version changed: reinstall the package (pip install -e .)"


def test_kg_version_prints_it(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"kg {kg.__version__}"


def test_no_module_writes_the_version_out():
    modules = [path for folder in ("kg", "server") for path in (REPO / folder).rglob("*.py")]
    written = [str(path.relative_to(REPO)) for path in modules
               if f'"{kg.__version__}"' in path.read_text(encoding="utf-8")]
    assert written == []
