"""A deployment under its own base ($KG_BASE) builds, validates, exports and serves end to end.

ontology/, shapes/ and queries/ are written with the default base (https://w3id.org/bg-inclusion/);
under another base they are read rebased (kg.records.iris.rebased), so the code lists, the shapes
and the saved queries speak of the same IRIs as the records. Each step runs as a user runs it: ``kg``
in a subprocess with KG_BASE set, and a real ``kg serve`` answering HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from server_process import running_server

# A whole build, two validations, an export and a server under another base: CI runs it
# (KG_TEST_ALL=1); the default run leaves it out to stay within its few minutes.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BASE = "https://data.example.bg/kg/"
DEFAULT_BASE = "https://w3id.org/bg-inclusion/"


def kg(*arguments: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KG_BASE=BASE,
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "kg", *arguments], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def rebased_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg-base") / "build"
    result = kg("build", "--quiet", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms: 0 violations" in result.stdout
    return out


def test_the_build_under_another_base_conforms_and_names_only_that_base(rebased_build):
    text = (rebased_build / "kg.nq").read_text(encoding="utf-8")
    assert f"<{BASE}ontology#GrantContract>" in text
    assert f"<{BASE}id/scheme/target-groups>" in text
    assert DEFAULT_BASE not in text


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_kg_validate_under_another_base_checks_with_the_rebased_shapes(rebased_build, engine):
    result = kg("validate", "--engine", engine, "--format", "json", "--build", str(rebased_build))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    # the same warnings as under the default base: the shapes did select the rebased resources
    assert report["counts"]["Warning"] > 0
    assert all(not result["shape"].endswith("#DefinedOntologyTerm") for result in report["results"])


def test_kg_export_under_another_base(rebased_build, tmp_path):
    result = kg("export", "--build", str(rebased_build), "--out", str(tmp_path / "dist"),
                "--release-date", "2025-01-31")
    assert result.returncode == 0, result.stdout + result.stderr
    dumps = [path for path in (tmp_path / "dist").rglob("*")
             if path.is_file() and path.suffix in (".ttl", ".nt")]
    assert dumps
    for dump in dumps:
        text = dump.read_text(encoding="utf-8")
        assert BASE in text and DEFAULT_BASE not in text, dump


def _get(url: str, accept: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def test_kg_serve_under_another_base(rebased_build, monkeypatch):
    monkeypatch.setenv("KG_BASE", BASE)
    with running_server(["--build", str(rebased_build)]) as url:
        status, page = _get(url + "/id/scheme/target-groups", "text/turtle")
        assert status == 200 and "skos:ConceptScheme" in page
        assert BASE in page and DEFAULT_BASE not in page
        status, ontology = _get(url + "/ontology", "text/turtle")
        assert status == 200 and f"{BASE}ontology#" in ontology and DEFAULT_BASE not in ontology
        status, body = _get(url + "/api/queries/disagreements", "application/json")
        assert status == 200
        assert DEFAULT_BASE not in body and json.loads(body)
