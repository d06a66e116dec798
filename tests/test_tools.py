"""What a run of the README's test command includes (tests/tools.py, tests/conftest.py).

On a machine without a tool, a test that needs it is skipped with the tool's install command;
under ``KG_TEST_ALL=1``, which .ci/run exports, the same test fails. Shown here by running pytest
on one small test that needs wrk, with PATH stripped of wrk, once without and once with the
variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tools

REPO = Path(__file__).resolve().parent.parent
NEEDS_WRK = ("tests/security/test_load_bench.py::"
             "test_the_load_test_runs_for_its_fixed_duration_and_writes_its_section")


def _pytest_without_wrk(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """pytest on NEEDS_WRK in a fresh process whose PATH has no wrk (and no KG_TEST_ALL unless
    given): the machine without the tool, whatever this one has."""
    path = os.pathsep.join(directory for directory in os.environ.get("PATH", "").split(os.pathsep)
                           if directory and not (Path(directory) / "wrk").exists())
    environment = {name: value for name, value in os.environ.items() if name != tools.STRICT_VARIABLE}
    environment.update(PATH=path, **variables)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                           "--basetemp", str(tmp_path / "basetemp"), NEEDS_WRK],
                          cwd=REPO, env=environment, capture_output=True, text=True, timeout=300)


def test_without_the_tool_the_test_is_skipped_with_its_install_command(tmp_path):
    run = _pytest_without_wrk(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout and "passed" not in run.stdout, run.stdout
    skipped = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1 and "tests/security/test_load_bench.py" in skipped[0], run.stdout
    assert skipped[0].endswith("needs wrk: apt-get install wrk")


def test_with_kg_test_all_the_missing_tool_is_a_failure(tmp_path):
    run = _pytest_without_wrk(tmp_path, KG_TEST_ALL="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout and "1 skipped" not in run.stdout, run.stdout
    assert "needs wrk: apt-get install wrk (KG_TEST_ALL is set: nothing may be skipped)" in run.stdout


def test_every_reason_names_the_tool_and_how_to_install_it():
    for name, requirement in tools.REQUIREMENTS.items():
        what, _, install = requirement.reason.removeprefix("needs ").partition(": ")
        assert what and install, name
        assert install.startswith(("apt-get install ", "python ", "kg ", "bash ")), requirement.reason


def test_an_unknown_tool_in_a_marker_is_an_error_not_a_skip():
    with pytest.raises(ValueError, match="unknown tool 'wrkk'"):
        tools.first_missing(["wrkk"])


def test_ci_exports_kg_test_all_before_the_readme_test_command():
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pytest" in lines[-1] and f"\n{lines[-1]}\n" in readme  # the test command, last
    assert f"export {tools.STRICT_VARIABLE}=1" in lines[:-1]
