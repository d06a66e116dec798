"""Shared fixtures: the repository paths, the seed texts, and one build of the bundled graph.

And what a run includes. A test marked ``needs("tool", …)`` is skipped on a machine without the
tool, its reason saying how to install it (tests/tools.py knows every tool); a test marked
``slow`` is left out of the default run, which must stay within minutes on two cores. One
variable undoes both: ``KG_TEST_ALL=1`` (set by .ci/run) runs the slow tests and turns every
missing tool into a failure. A slow test also runs when named by its node id
(``pytest tests/test_x.py::test_y``) or when ``-m`` chooses the markers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tools
from mutation_suite import write_fixture_tree
from rdflib import Dataset

from kg.common import paths

REPO = Path(__file__).resolve().parent.parent
SEEDS = paths.default_seeds_dir() if paths.default_seeds_dir().is_dir() else REPO.parent / "shared" / "seeds"


def _named_on_the_command_line(item: pytest.Item, config: pytest.Config) -> bool:
    """Whether ``item`` was asked for by node id (``path::name``), not just by its file."""
    for argument in config.args:
        path, separator, name = argument.partition("::")
        if not separator or Path(path).resolve() != item.path:
            continue
        wanted = item.nodeid.partition("::")[2]
        if wanted == name or wanted.startswith((name + "[", name + "::")):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the slow tests out of a default run; mark the tests whose tools are missing as
    skipped (reported at the test's own line). Under KG_TEST_ALL both are left to setup, which
    fails a test whose tool is missing."""
    if tools.strict():
        return
    if not config.option.markexpr:
        slow = [item for item in items
                if item.get_closest_marker("slow") and not _named_on_the_command_line(item, config)]
        if slow:
            config.hook.pytest_deselected(items=slow)
            left_out = set(slow)
            items[:] = [item for item in items if item not in left_out]
    for item in items:
        for marker in item.iter_markers("needs"):
            reason = tools.first_missing(marker.args)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
                break


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say that the slow tests were left out: under xdist the summary's "deselected" count, which
    the workers know, never reaches the line the user reads."""
    if not tools.strict() and not config.option.markexpr:
        terminalreporter.write_line(f"tests marked slow are left out of this run; {tools.STRICT_VARIABLE}=1 "
                                    "runs them, and fails a test whose tool is missing")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Under KG_TEST_ALL a missing tool fails the test, before any fixture is set up."""
    if not tools.strict():
        return  # the skip marks of collection say it, at the test's own line
    for marker in item.iter_markers("needs"):
        reason = tools.first_missing(marker.args)
        if reason:
            tools.unavailable(reason)


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
