"""The peer engine's own venv (bench/.venv-peers), made on first use from bench/peers-requirements.txt.

rdflib-endpoint (engine (d) of the harness) brings its own rdflib, FastAPI and uvicorn; installed
beside the project they could change what the project's tests run on, so it lives in a venv of
its own. The harness makes that venv itself, so that one command from a fresh clone produces the
whole table. A venv counts as made only once pip has finished (a marker file holding the
requirements it was made from): a half-made one (pip failed: no network, a yanked release) is
removed and made again, never mistaken for a working one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS_VENV = REPO / "bench" / ".venv-peers"
REQUIREMENTS = REPO / "bench" / "peers-requirements.txt"
MARKER = "installed-requirements.txt"


def peer_binary(venv: Path = PEERS_VENV) -> Path:
    return venv / "bin" / "rdflib-endpoint"


def peers_venv_ready(venv: Path = PEERS_VENV, requirements: Path = REQUIREMENTS) -> bool:
    """Whether ``venv`` was made, to the end, from these very requirements (so that using it
    installs nothing: the tests ask before they run the harness on a machine without network)."""
    marker = venv / MARKER
    wanted = requirements.read_text(encoding="utf-8")
    return marker.is_file() and marker.read_text(encoding="utf-8") == wanted and peer_binary(venv).is_file()


def ensure_peers_venv(venv: Path = PEERS_VENV, requirements: Path = REQUIREMENTS) -> Path:
    """The rdflib-endpoint command, installing it into ``venv`` first unless it was installed
    there from these very requirements.

    Raises RuntimeError saying which step failed, with pip's last words."""
    if peers_venv_ready(venv, requirements):
        return peer_binary(venv)
    wanted = requirements.read_text(encoding="utf-8")
    marker = venv / MARKER
    shutil.rmtree(venv, ignore_errors=True)
    for step in ([sys.executable, "-m", "venv", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", str(requirements)]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            last_words = " / ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise RuntimeError(f"cannot make the peer engine's venv {venv} ({' '.join(step[1:4])}): "
                               f"{last_words or f'exit status {done.returncode}'}")
    marker.write_text(wanted, encoding="utf-8")
    return peer_binary(venv)


if __name__ == "__main__":  # .ci/run makes the venv before the tests: `python bench/peers.py`
    print(ensure_peers_venv())
