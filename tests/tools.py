"""What the tests need beyond Python and pip, found in one place.

The README's test command must pass on a bare machine (Python and npm, nothing else), and CI must
still run everything. So a test that needs a tool pip cannot install says so with a marker,
``@pytest.mark.needs("wrk")`` (several names: checked in order, the first missing one is the
reason); tests/conftest.py reads the marker. Without the tool the test is skipped, and the reason
names the tool and the command that installs it. With ``KG_TEST_ALL=1`` (``.ci/run`` sets it) the
same test fails instead, so a green CI run means every test really ran.

A fixture that hands a test the tool itself (the browser's path, Jena's classpath) calls
:func:`require`, which answers from the same lookup and skips or fails the same way.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from server.assets import BUILT_FILES, CHART_DIRECTORY, CHART_FILES

REPO = Path(__file__).resolve().parent.parent
STRICT_VARIABLE = "KG_TEST_ALL"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Requirement:
    """A tool as the tests look for it: ``locate`` answers what the tests use (a path, a
    classpath) or None when it is missing."""

    what: str
    install: str
    locate: Callable[[], Any]

    @property
    def reason(self) -> str:
        return f"needs {self.what}: {self.install}"


def _on_path(name: str) -> Callable[[], str | None]:
    return lambda: shutil.which(name)


def _chromium() -> tuple[str, str] | None:
    """Chromium (under any of its names) and chromedriver, which only work as a pair."""
    browser = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def _nginx() -> str | None:
    """nginx on PATH, or in the sbin beside a bin on PATH: Debian installs it in /usr/sbin, which
    a non-root user's PATH lacks."""
    directories = os.environ.get("PATH", "").split(os.pathsep)
    sbins = [str(Path(directory).with_name("sbin")) for directory in directories
             if Path(directory).name == "bin"]
    return shutil.which("nginx", path=os.pathsep.join(directories + sbins))


def _jena() -> str | None:
    """The classpath of Apache Jena, as the cross-check finds it ($JENA_CP or jena-setup.sh)."""
    from shacl_cross_check import jena_classpath  # deferred: it loads rdflib and the shapes

    return jena_classpath()


def _peers() -> Path | None:
    """The rdflib-endpoint of bench/.venv-peers, only if the venv is complete: the harness would
    otherwise make it, which needs the network."""
    spec = importlib.util.spec_from_file_location("bench_peers", REPO / "bench" / "peers.py")
    assert spec is not None and spec.loader is not None
    peers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peers)
    return peers.peer_binary() if peers.peers_venv_ready() else None


def _yasgui() -> Path | None:
    """The query page's YASGUI in this clone's server/static, which the served test pages load."""
    static = REPO / "server" / "static" / "yasgui"
    return static if all((static / name).is_file() for name in BUILT_FILES) else None


def _chartjs() -> Path | None:
    """Chart.js in this clone's server/static (``kg assets``), which the served charts load."""
    static = REPO / "server" / "static" / CHART_DIRECTORY
    return static if all((static / name).is_file() for name in CHART_FILES) else None


REQUIREMENTS: dict[str, Requirement] = {
    "chromium": Requirement("chromium and chromedriver", "apt-get install chromium chromium-driver",
                            _chromium),
    "javac": Requirement("a JDK (javac)", "apt-get install default-jdk-headless", _on_path("javac")),
    "jena": Requirement("Apache Jena's jars", "bash ../shared/tools/jena-setup.sh (or set JENA_CP)", _jena),
    "nginx": Requirement("nginx", "apt-get install nginx-light", _nginx),
    "wrk": Requirement("wrk", "apt-get install wrk", _on_path("wrk")),
    "peers": Requirement("the peer venv", "python bench/peers.py", _peers),
    "yasgui": Requirement("the query page assets", "kg assets", _yasgui),
    "chartjs": Requirement("Chart.js for the charts", "kg assets", _chartjs),
    "oxigraph": Requirement("the Oxigraph server binary", 'python -m pip install ".[test]"',
                            _on_path("oxigraph")),
    "granian": Requirement("Granian (the HTTP server tried in bench/wrk_peers.py)",
                           'python -m pip install ".[test]"', lambda: importlib.util.find_spec("granian")),
}


def strict() -> bool:
    """Whether this run must run everything (``KG_TEST_ALL=1``): no tool skips, no slow deselection."""
    return os.environ.get(STRICT_VARIABLE, "") not in ("", "0")


def unavailable(reason: str) -> NoReturn:
    """Skip the current test for ``reason``, or fail it when the run must run everything."""
    if strict():
        pytest.fail(f"{reason} ({STRICT_VARIABLE} is set: nothing may be skipped)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def locate(name: str) -> Any:
    """What ``name`` is on this machine (its path, classpath, …), None when missing; looked up once."""
    return REQUIREMENTS[name].locate()


def first_missing(names: Iterable[str]) -> str | None:
    """The reason of the first of ``names`` this machine lacks, None when it has them all.

    An unknown name is a typo in a marker, and an error rather than a silent skip."""
    for name in names:
        if name not in REQUIREMENTS:
            raise ValueError(f"unknown tool {name!r} in a needs marker; known: {', '.join(REQUIREMENTS)}")
        if locate(name) is None:
            return REQUIREMENTS[name].reason
    return None


def require(name: str) -> Any:
    """What ``name`` is on this machine; skips (or, under KG_TEST_ALL, fails) the test without it."""
    reason = first_missing([name])
    if reason:
        unavailable(reason)
    return locate(name)
