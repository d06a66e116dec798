"""The command line fed other people's files: limits with a clear message and exit code, and no
file read or URL fetched beyond what it was given — an audit hook records every open and
connection in the process, and the canary HTTP server must receive nothing.

Each case: the input, the exit code and message expected, and "nothing lost" (the build's
store unchanged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from conftest import fingerprint

from kg import cli

REPO = Path(__file__).resolve().parents[2]
AUDITED: list[tuple[str, str]] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        AUDITED.append(("open", os.fsdecode(args[0])))
    elif event in ("socket.connect", "urllib.Request", "http.client.connect"):
        AUDITED.append((event, repr(args)[:200]))


sys.addaudithook(_audit)  # cannot be removed: it records for the rest of this test process

#: Where the CLI may read from: the project, Python and its libraries, the given tmp files.
ALLOWED_ROOTS = [str(REPO), sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                 sysconfig.get_paths()["platlib"], sys.prefix, sys.base_prefix, "/dev/", "/proc/",
                 "/sys/", "/etc/localtime", "/usr/share/zoneinfo", "/usr/lib/", "/lib/"]
#: pytest's temporary directories (of this and earlier sessions), wherever the system keeps them.
PYTEST_TEMPORARY = str(Path(tempfile.gettempdir()) / "pytest-of-")


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    AUDITED.clear()
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def assert_contained(tmp_path: Path) -> None:
    connections = [entry for entry in AUDITED if entry[0] != "open"]
    assert connections == [], connections
    stray = [path for kind, path in AUDITED if kind == "open" and not path.startswith(
        (*ALLOWED_ROOTS, str(tmp_path), PYTEST_TEMPORARY)) and not path.isdigit()]
    assert stray == [], stray


CASES = {
    "rdfxml-doctype-entity-bomb": (
        "bomb.rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<rdf:RDF xmlns:rdf='
        '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', 2, "bomb.rdf:2: <!DOCTYPE is not accepted"),
    "rdfxml-external-entity": (
        "passwd.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '\n<!ENTITY x SYSTEM "file:///etc/passwd">\n</rdf:RDF>', 2, "<!ENTITY is not accepted"),
    "jsonld-remote-context": (
        "remote.jsonld", json.dumps({"@context": "CANARY", "@id": "urn:x:a", "urn:x:p": "v"}), 2,
        "would be fetched"),
    "jsonld-nested-remote-context": (
        "nested.jsonld", json.dumps({"@context": {"x": "urn:x:"}, "@graph": [
            {"@context": ["CANARY"], "@id": "urn:x:a"}]}), 2, "would be fetched"),
    "jsonld-relative-file-context": (
        "local.jsonld", json.dumps({"@context": "../../../../etc/passwd", "@id": "urn:x:a"}), 2,
        "would be fetched"),
    "turtle-owl-imports-not-followed": (
        "imports.ttl", "<urn:x:o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#imports> <CANARY> .\n", 0, "Conforms"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_cli_input_case(name, tmp_path, capsys, canary, store_dir, original):
    filename, text, expected_code, message = CASES[name]
    path = tmp_path / filename
    path.write_text(text.replace("CANARY", canary.url), encoding="utf-8")
    code, output = run_cli(["validate", str(path), "--timeout", "120"], capsys)
    assert code == expected_code, output
    assert message.lower() in output.lower(), output
    assert "Traceback" not in output
    assert canary.requests == []
    assert_contained(tmp_path)
    assert fingerprint(store_dir) == original


def test_remote_contexts_only_with_the_explicit_option(tmp_path, capsys, canary):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": canary.url, "@id": "urn:x:a", "urn:x:p": "v"}))
    run_cli(["validate", str(path), "--allow-remote-contexts", "--timeout", "120"], capsys)
    assert len(canary.requests) == 1  # asked for, so fetched: the option is what allows it
    canary.requests.clear()


def test_a_file_over_the_size_cap_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KG_MAX_INPUT_BYTES", "100")
    path = tmp_path / "big.ttl"
    path.write_text("<urn:x:s> <urn:x:p> " + '"' + "x" * 200 + '" .\n')
    code, output = run_cli(["validate", str(path)], capsys)
    assert code == 2 and "the limit is 100" in output and "KG_MAX_INPUT_BYTES" in output


def test_input_over_the_triple_cap_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KG_MAX_INPUT_TRIPLES", "3")
    path = tmp_path / "many.nt"
    path.write_text("".join(f"<urn:x:s{n}> <urn:x:p> <urn:x:o> .\n" for n in range(5)))
    code, output = run_cli(["validate", str(path)], capsys)
    assert code == 2 and "5 triples; the limit is 3" in output


def test_a_validation_over_its_time_is_exit_code_3(built, capsys):
    code, output = run_cli(["validate", str(built / "kg.nq"), "--engine", "pyshacl", "--timeout", "0.5"],
                           capsys)
    assert code == 3 and "did not finish within 0.5 seconds" in output


def test_kg_serve_refuses_a_doctype_file_before_parsing(tmp_path):
    path = tmp_path / "bomb.rdf"
    path.write_text(CASES["rdfxml-doctype-entity-bomb"][1], encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "kg", "serve", str(path), "--port", "9"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 2 and "<!DOCTYPE is not accepted" in done.stderr


@pytest.mark.parametrize("engine", ["auto", "pyshacl", "sparql"])
def test_shapes_whose_sparql_uses_service_are_refused(engine, tmp_path, capsys, canary, store_dir, original):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ;\n"
        f'  sh:sparql [ sh:select "SELECT $this WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}" ] .\n',
        encoding="utf-8")
    data = tmp_path / "data.nt"
    data.write_text("<urn:x:a> <urn:x:p> <urn:x:b> .\n", encoding="utf-8")
    code, output = run_cli(["validate", str(data), "--shapes", str(shapes), "--engine", engine], capsys)
    assert code == 2 and "uses SERVICE" in output, output
    assert canary.requests == []
    assert_contained(tmp_path)
    assert fingerprint(store_dir) == original
