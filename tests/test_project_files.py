"""The project keeps its promises: README commands, CI script, lint, and a complete wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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


def test_the_code_is_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "kg", "tests"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


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
