"""The project keeps its promises: README commands, CI script, lint, and a complete wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: Files read as text by the search for machine paths are all but these.
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".gz", ".zip", ".whl"}


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_the_two_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert "kg assets" in commands[0] and "kg serve" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in script.splitlines()


def test_every_python_file_is_ruff_clean():
    """``ruff check .``: kg, server, tests, bench, setup.py and any Python file added later."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-files", "."], cwd=REPO,
                             capture_output=True, text=True).stdout
    for path in ("kg/cli.py", "server/__init__.py", "tests/conftest.py", "bench/run.py", "setup.py"):
        assert str(REPO / path) in checked, path


def test_kg_and_server_type_check_with_mypy():
    """``mypy kg server`` with the [tool.mypy] settings of pyproject.toml reports no error."""
    result = subprocess.run([sys.executable, "-m", "mypy", "kg", "server"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_no_committed_file_names_a_path_of_one_machine():
    """Paths are relative to the repository, from the environment, or temporary directories
    made at run time: never a home, work or temporary directory of the machine that wrote it."""
    machine_path = re.compile(r"(?<![\w.-])/(?:work|root|tmp|home/\w+)/")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: " + listed.stderr.strip())
    found = []
    for name in listed.stdout.split("\0"):
        path = REPO / name
        if not name or not path.is_file() or path.suffix in BINARY_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{name}:{number}" for number, line in enumerate(text.splitlines(), 1)
                  if machine_path.search(line)]
    assert found == []


def test_the_wheel_carries_ontology_shapes_data_and_queries(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                             "-q", "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("kg/_bundle/ontology/bgi.ttl", "kg/_bundle/ontology/vocabularies.ttl",
                   "kg/_bundle/data/sources.yaml", "kg/_bundle/queries/project-budget.rq",
                   "kg/_bundle/data/records/vidin-integrated-approach.yaml",
                   "kg/_bundle/package.json", "kg/_bundle/package-lock.json",
                   "server/static/query-page.js", "server/templates/index.html",
                   "server/templates/api.html", "kg/ontology_docs/templates/ontology_reference.html"):
        assert needed in names, needed
