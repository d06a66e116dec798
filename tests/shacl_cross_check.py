"""Cross-check the shapes with Apache Jena SHACL on the fixtures: same conformance, same
number of results per shape and severity as pyshacl.

    python tests/shacl_cross_check.py            # writes docs/shacl-cross-check.md

Both validators get the same data graph for each fixture: the one ``kg validate`` builds (the
union of the fixture's graphs, the bundled ontology and code lists, the derived
``bgis:describedInGraph`` index), written as N-Triples. Jena needs a classpath: $JENA_CP, or
the one the setup script prints ($JENA_SETUP, by default ``../shared/tools/jena-setup.sh``
beside the repository); without Java and Jena nothing runs. The invalid fixtures are written
into a temporary directory from the mutation table (tests/mutation_suite.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from mutation_suite import MUTATIONS, write_fixture_tree  # noqa: E402

from kg.common.rdf_input import read_rdf_files  # noqa: E402
from kg.records import iris  # noqa: E402
from kg.validate.data_graph import data_graph  # noqa: E402
from kg.validate.pyshacl_engine import run_pyshacl  # noqa: E402
from kg.validate.report import results_of  # noqa: E402
from kg.validate.shapes import load_shapes  # noqa: E402

DEFAULT_SETUP_SCRIPT = REPO.parent / "shared" / "tools" / "jena-setup.sh"
Tally = Counter  # (shape local name, severity) -> number of results


def fixtures(root: Path) -> list[Path]:
    """Every SHACL fixture, written below root: the valid ones, then the mutation suite in order."""
    write_fixture_tree(root)
    return sorted((root / "valid").glob("*.trig")) + [root / "invalid" / row.file for row in MUTATIONS]


def jena_classpath() -> str | None:
    """$JENA_CP, or the classpath the setup script prints; None without Java or Jena."""
    if os.environ.get("JENA_CP"):
        return os.environ["JENA_CP"]
    if not shutil.which("java"):
        return None
    script = Path(os.environ.get("JENA_SETUP", DEFAULT_SETUP_SCRIPT))
    if script.is_file():
        result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600)
        lines = result.stdout.strip().splitlines()
        if result.returncode == 0 and lines:
            return lines[-1]
    return None


def jena_shapes(shapes: Graph) -> Graph:
    """The shapes as Jena 4.5 accepts them: one sh:message per SPARQL constraint (the English one).

    Jena's SHACL parser reads the message of a sh:SPARQLConstraint as a single value and stops
    with "More than one match" on the Bulgarian + English pair; messages do not change results.
    """
    copy = Graph()
    for triple in shapes:
        copy.add(triple)
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        for message in shapes.objects(constraint, SH.message):
            if isinstance(message, Literal) and message.language != "en":
                copy.remove((constraint, SH.message, message))
    return copy


def tally(report: Graph) -> Tally:
    counts: Tally = Counter()
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = str(report.value(node, SH.sourceShape)).removeprefix(str(iris.SHAPES))
        severity = str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        counts[(shape, severity)] += 1
    return counts


def pyshacl_tally(data: Graph, shapes: Graph) -> Tally:
    report = run_pyshacl(data, shapes, timeout=None)
    counts: Tally = Counter()
    for result in results_of(report):
        counts[(str(result.shape).removeprefix(str(iris.SHAPES)), result.severity)] += 1
    return counts


def run_jena(classpath: str, shapes_file: Path, data_files: list[Path], out: Path) -> dict[str, Tally]:
    """Jena's tally per data file: one JVM for all files (Java source mode), else one per file."""
    helper = HERE / "jena" / "ShaclBatch.java"
    batch = subprocess.run(["java", "-cp", classpath, str(helper), str(shapes_file), str(out),
                            *map(str, data_files)], capture_output=True, text=True, timeout=900)
    if batch.returncode != 0:  # a JRE without the compiler: the shacl command, once per file
        for data in data_files:
            single = subprocess.run(["java", "-cp", classpath, "shacl.shacl", "validate", "--shapes",
                                     str(shapes_file), "--data", str(data)], capture_output=True, text=True,
                                    timeout=300)
            if single.returncode not in (0, 1) or not single.stdout.strip():
                raise RuntimeError(f"jena failed on {data.name}: {batch.stderr[-2000:]} "
                                   f"{single.stderr[-2000:]}")
            (out / f"{data.name}.report.ttl").write_text(single.stdout, encoding="utf-8")
    return {data.name: tally(Graph().parse(out / f"{data.name}.report.ttl", format="turtle"))
            for data in data_files}


def cross_check(classpath: str, paths: list[Path] | None = None) -> list[dict]:
    """One row per fixture (by default every fixture): pyshacl's and Jena's tallies."""
    shapes = load_shapes()
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        shapes_file = work / "shapes.nt"
        jena_shapes(shapes).serialize(shapes_file, format="nt", encoding="utf-8")
        data_files, pyshacl_tallies = [], {}
        for path in paths or fixtures(work / "fixtures"):
            data, _notes = data_graph(read_rdf_files([path]))
            target = work / f"{path.parent.name}-{path.stem}.nt"
            data.serialize(target, format="nt", encoding="utf-8")
            data_files.append(target)
            pyshacl_tallies[target.name] = (path, pyshacl_tally(data, shapes))
        jena_tallies = run_jena(classpath, shapes_file, data_files, work)
        for name, (path, ours) in pyshacl_tallies.items():
            rows.append({"fixture": f"{path.parent.name}/{path.name}", "pyshacl": ours,
                         "jena": jena_tallies[name]})
    return rows


def violations(counts: Tally) -> dict[str, int]:
    return {shape: count for (shape, severity), count in sorted(counts.items()) if severity == "Violation"}


def markdown(rows: list[dict]) -> str:
    same = sum(row["pyshacl"] == row["jena"] for row in rows)
    lines = ["| fixture | pyshacl: conforms / violations per shape | Jena: conforms / violations per shape "
             "| same |", "|---|---|---|---|"]
    for row in rows:
        cells = []
        for key in ("pyshacl", "jena"):
            found = violations(row[key])
            listed = ", ".join(f"{shape} ×{count}" for shape, count in found.items()) or "—"
            cells.append(f"{'no' if found else 'yes'} / {listed}")
        lines.append(f"| {row['fixture']} | {cells[0]} | {cells[1]} | "
                     f"{'yes' if row['pyshacl'] == row['jena'] else '**no**'} |")
    summary = f"{same} of {len(rows)} fixtures: identical results (every shape and severity)."
    return summary + "\n\n" + "\n".join(lines)


if __name__ == "__main__":
    classpath = jena_classpath()
    if not classpath:
        raise SystemExit("no Java / Apache Jena: apt-get install -y libapache-jena-java")
    table = markdown(cross_check(classpath))
    print(table)
