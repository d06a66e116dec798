"""One build at a time per output directory; a killed build's staging is cleared by the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.common.errors import KgError
from kg.release.build import build
from kg.release.lock import exclusive_build, remove_leftovers
from kg.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("synth")
    synthesize(300, 3, data)
    return data


def _staging(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir()
                  if path.name.startswith(".") and path.name != ".build.lock")


def test_a_killed_build_leaves_only_staging_which_the_next_build_clears(synthetic, tmp_path, capfd):
    out = tmp_path / "build"
    build(synthetic, out, validate=False)
    served = ox.Store.read_only(str(out / "store")).query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    quads_before = next(iter(served))[0].value
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", "--data", str(synthetic), "--out",
                                str(out), "--quiet"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while not any(name.startswith(".build-") for name in _staging(out)):
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it was killed"
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, as a killed job
    process.wait()
    left = _staging(out)
    assert any(name.startswith(".build-") for name in left)
    # Nothing half-written: the previous build is still what is served.
    served = ox.Store.read_only(str(out / "store")).query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert next(iter(served))[0].value == quads_before

    capfd.readouterr()
    build(synthetic, out, validate=False, progress=True)
    assert _staging(out) == []
    assert "removed what a stopped build left" in capfd.readouterr().err


def test_every_kind_of_staging_is_cleared_and_nothing_else(tmp_path):
    out = tmp_path / "build"
    for directory in (".build-x1", ".store.x2", ".store.old"):
        (out / directory).mkdir(parents=True)
        (out / directory / "part.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    for name in (".kg.nq.x3", ".kg.trig.x4", "kg.nq", "kg.trig"):
        (out / name).write_text("x", encoding="utf-8")
    (out / "store").mkdir()
    (out / "stores").mkdir()
    removed = remove_leftovers(out)
    assert sorted(removed) == [".build-x1", ".kg.nq.x3", ".kg.trig.x4", ".store.old", ".store.x2"]
    assert sorted(path.name for path in out.iterdir()) == ["kg.nq", "kg.trig", "store", "stores"]


def test_a_store_stranded_by_an_interrupted_swap_is_put_back(tmp_path):
    """Killed between the swap's two renames: no store, the previous one as .store.old."""
    out = tmp_path / "build"
    out.mkdir()
    previous = ox.Store(str(out / ".store.old"))
    previous.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("kept")))
    previous.flush()
    del previous
    remove_leftovers(out)
    assert not (out / ".store.old").exists()
    assert [str(row[0].value) for row in ox.Store.read_only(str(out / "store")).query(
        "SELECT ?o { ?s ?p ?o }")] == ["kept"]


def test_a_second_build_into_the_same_directory_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "build"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path\n"
         "from kg.release.lock import exclusive_build\n"
         f"with exclusive_build(Path({str(out)!r})):\n    print('held', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = rf"another `kg build` is writing here \(process {holder.pid}\)"
        with pytest.raises(KgError, match=refused), exclusive_build(out):
            pass
    finally:
        holder.communicate("")
    with exclusive_build(out) as removed:
        assert removed == []
