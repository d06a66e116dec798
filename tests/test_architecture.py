"""The floor plan holds: imports run one way down the pipeline and close no circle (decision 0016).

The contracts live in pyproject.toml ([tool.importlinter]); import-linter checks them from the
imports of kg/ and server/ as written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    program = Path(sys.executable).with_name("lint-imports")
    command = [str(program)] if program.exists() else ["lint-imports"]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(root)})


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    for name in ("kg", "server"):
        shutil.copytree(REPO / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "_bundle", "yasgui", "static"))
    shutil.copyfile(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_import_contracts_are_kept():
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kept, 0 broken" in result.stdout


def test_an_import_up_the_pipeline_breaks_the_layers_contract(copy_of_the_code):
    iris = copy_of_the_code / "kg" / "records" / "iris.py"
    iris.write_text(iris.read_text(encoding="utf-8") + "\nfrom kg.release import build  # noqa\n",
                    encoding="utf-8")
    result = _lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "kg.records is not allowed to import kg.release" in result.stdout


def test_an_import_circle_inside_a_stage_breaks_the_acyclic_contract(copy_of_the_code):
    shapes = copy_of_the_code / "kg" / "validate" / "shapes.py"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\nfrom kg.validate import engines  # noqa\n",
                      encoding="utf-8")
    result = _lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "No cycles are allowed in kg.validate" in result.stdout

