"""The project keeps its promises: README commands, CI script, lint, and a complete wheel."""

from __future__ import annotations

import ast
import os
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


def uncommented_function_imports(source: str) -> list[int]:
    """Lines of imports inside a function with no ``# deferred:`` comment saying why.

    The comment goes on the import's line or in the comment lines just above it; one comment
    above a run of consecutive import statements covers the run. Everything else belongs at the
    top of the module.
    """
    tree = ast.parse(source)
    lines = source.splitlines()

    def commented(first: int, last: int) -> bool:
        above = first - 1
        while above >= 1 and lines[above - 1].strip().startswith("#"):
            above -= 1
        return any("# deferred:" in lines[number - 1] for number in range(above + 1, last + 1))

    in_functions = {id(node) for function in ast.walk(tree)
                    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
                    for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        for _field, value in ast.iter_fields(node):
            if not isinstance(value, list):
                continue
            run_start = None
            for statement in value:
                if not isinstance(statement, ast.Import | ast.ImportFrom):
                    run_start = None
                    continue
                run_start = run_start or statement.lineno
                if id(statement) in in_functions and not (
                        commented(statement.lineno, statement.end_lineno or statement.lineno)
                        or commented(run_start, run_start)):
                    found.append(statement.lineno)
    return sorted(found)


def test_the_import_rule_wants_a_reason_for_an_import_inside_a_function():
    assert uncommented_function_imports("import os\n\ndef f():\n    return os.sep\n") == []
    assert uncommented_function_imports("def f():\n    import os\n    return os.sep\n") == [2]
    assert uncommented_function_imports(
        "def f():\n    # deferred: heavy, and only this path needs it\n    import os\n    import sys\n"
        "    x = 1\n    import json\n    return os, sys, json, x\n") == [6]
    assert uncommented_function_imports(
        "def f(flag):\n    if flag:\n        import os  # deferred: only with the flag\n") == []
    assert uncommented_function_imports(
        "def f():\n    # deferred: a reason that takes\n    # two lines\n    import os\n") == []
    assert uncommented_function_imports(
        "def f():\n    # deferred: not for the import after the code\n    x = 1\n    import os\n") == [4]


def test_kg_and_server_import_inside_functions_only_what_they_defer_on_purpose():
    found = [f"{path.relative_to(REPO)}:{line}"
             for package in ("kg", "server") for path in sorted((REPO / package).rglob("*.py"))
             for line in uncommented_function_imports(path.read_text(encoding="utf-8"))]
    assert found == []


def test_kg_assets_runs_with_the_standard_library_alone():
    """``python -m kg assets`` is run before pip installs anything (.ci/run): importing any
    third-party module on its way is an error, not a slow start."""
    script = (
        "import importlib.abc, sys\n"
        "class Refuse(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        top = name.partition('.')[0]\n"
        "        if top not in sys.stdlib_module_names and top not in ('kg', 'server'):\n"
        "            raise ImportError('not in the standard library: ' + name)\n"
        "sys.meta_path.insert(0, Refuse())\n"
        "from kg.cli import main\n"
        "raise SystemExit(main(['assets', '--npm', 'no-such-npm-here']))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert "not in the standard library" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert "no-such-npm-here: not found" in result.stderr


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
