"""SHACL validation of a large release from its N-Triples files, in bounded memory, on two cores.

The general SPARQL engine (:mod:`kg.validate.sparql_engine`) loads its input as named graphs and then
derives pyshacl's data graph with SPARQL Update: the provenance index and the union of the
graphs, one transaction each. At 100 000 contracts those transactions need tens of gigabytes.
The streaming build (:mod:`kg.release.build_stream`) already writes, in its sort pass, exactly the
triples of that data graph:

* ``union.nt``: every triple of every graph once (ontology and code lists included), and
* ``index.nt``: ``?s bgis:describedInGraph ?g`` for every IRI subject of every graph but the
  ontology and code-list graphs — the index :func:`kg.validate.data_store.prepare_data_graph` makes.

So the data graph is two bulk loads into an on-disk store (no transaction, little memory) — or,
in a build that loads the served store anyway, one: the index added to a copy of the served store
(whose default graph is the union; its named graphs are never read by the checks, which ask the
default graph only). The ill-typed literals that ``sh:datatype`` must reject are found by one
scan of ``union.nt`` (a SPARQL filter over every triple costs pyoxigraph seconds per million),
and the compiled checks are shared out to worker processes that each open the store read-only;
the report is assembled in check order, so it is the report :func:`kg.validate.sparql_report.run_checks`
would write.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.parsers.ntriples import unquote
from tqdm import tqdm

from kg.common.steps import timed_step
from kg.validate.data_store import LoadedData
from kg.validate.report import SEVERITIES, ValidationReport, report_of
from kg.validate.shacl_checks import compile_shapes
from kg.validate.shacl_sparql import Check
from kg.validate.shapes import load_shapes
from kg.validate.sparql_engine import subclass_closure
from kg.validate.sparql_report import add_result, check_solutions, new_report, row_result
from kg.validate.typed_literals import rejected_by_datatype

#: A worker's checks and store (set by :func:`_open_store`).
_SHARED: dict[str, Any] = {}  # values of two types, read back by key


def ill_typed_in_ntriples(path: Path, datatypes: Iterable[URIRef]) -> dict[URIRef, list[str]]:
    """Per datatype, the literals of ``path`` (N-Triples) that pyshacl's sh:datatype rejects.

    The same test as :func:`kg.validate.data_store.ill_typed_literals` (rdflib's ill_typed, and the
    Python type of the value), made once per distinct literal, found by text: the object of an
    N-Triples line ``… "lexical"^^<datatype> .`` ends the line.
    """
    wanted = {f"<{datatype}>": URIRef(datatype) for datatype in datatypes}
    found: dict[URIRef, list[str]] = {datatype: [] for datatype in wanted.values()}
    if not wanted:
        return found
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.endswith('> .\n'):
                continue
            marker = line.rfind('"^^<')
            if marker < 0:
                continue
            datatype_text = line[marker + 3:-3]
            datatype = wanted.get(datatype_text)
            if datatype is None:
                continue
            start = _object_start(line)
            term = line[start:-3]
            if term in seen:
                continue
            seen.add(term)
            lexical = line[start + 1:marker]
            literal = Literal(unquote(lexical) if "\\" in lexical else lexical, datatype=datatype)
            if rejected_by_datatype(literal, datatype):
                found[datatype].append(term)
    return {datatype: sorted(terms) for datatype, terms in found.items()}


def _object_start(line: str) -> int:
    """Where the object of an N-Triples line begins: after the subject and the predicate,
    which hold no spaces (IRIs and blank-node labels)."""
    subject_end = line.index(" ")
    predicate_end = line.index(" ", subject_end + 1)
    return predicate_end + 1


def shape_datatypes(shapes: Graph) -> set[URIRef]:
    """The datatypes that sh:datatype constraints of ``shapes`` ask for."""
    return {datatype for datatype in shapes.objects(None, SH.datatype) if isinstance(datatype, URIRef)}


def load_release_data_graph(directory: Path, files: Iterable[Path]) -> None:
    """Bulk-load N-Triples ``files`` into the default graph of the store at ``directory`` (made
    if need be), and compact it: the bulk loader leaves many small sorted files, which every
    lookup of the checks then searches (at 100 000 contracts the checks took 238 s on the loaded
    store and 114 s after a 17 s ``optimize()``). Also when only the index is added to the
    build's compacted copy of its store: 212–218 s of checks uncompacted, 131–132 s after 14–16 s
    of compaction (bench/RESULTS.md, 2026-12-04)."""
    store = ox.Store(str(directory))
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.optimize()
    store.flush()
    del store


def validate_release(union: Path, index: Path, shapes: Graph, work: Path | None = None,
                     workers: int | None = None, progress: bool = False,
                     only_violations: bool = False,
                     data_store: Callable[[], Path] | None = None) -> tuple[Graph, Counter]:
    """The SHACL report graph of the data graph ``union`` + ``index`` (see the module text), with
    every result (only the violations with ``only_violations``), and the number of results of
    each severity (``Violation``, ``Warning``, ``Info``) of every check.

    ``data_store``, if given, returns (once it is ready: it may wait) a store directory whose
    default graph already holds ``union`` — the build's copy of its served store; the index is
    added to it. Without it, both files are loaded into a store of this function's own."""
    workers = workers or min(2, os.cpu_count() or 1)
    # First, while the build's store may still be loading on the other core.
    bad = timed_step(progress, "finding ill-typed literals", lambda: ill_typed_in_ntriples(
        union, shape_datatypes(shapes)))
    if data_store is not None:
        store_dir = timed_step(progress, "waiting for the copy of the store", data_store)
        timed_step(progress, "adding the provenance index to it",
                   lambda: load_release_data_graph(store_dir, [index]))
        return _validate_store(store_dir, bad, shapes, workers, progress, only_violations)
    with tempfile.TemporaryDirectory(prefix=".validate-", dir=work or union.parent) as directory:
        store_dir = Path(directory) / "store"
        timed_step(progress, "loading the data graph",
                   lambda: load_release_data_graph(store_dir, [union, index]))
        return _validate_store(store_dir, bad, shapes, workers, progress, only_violations)


def _validate_store(store_dir: Path, bad: dict[URIRef, list[str]], shapes: Graph, workers: int,
                    progress: bool, only_violations: bool) -> tuple[Graph, Counter]:
    """The checks of ``shapes`` compiled against the data graph in ``store_dir`` and run."""
    store = ox.Store.read_only(str(store_dir))
    checks = compile_shapes(shapes, lambda datatype: bad.get(datatype, []), subclass_closure(store))
    del store
    return _run_checks_in_workers(store_dir, checks, shapes, workers, progress, only_violations)


def _run_checks_in_workers(store_dir: Path, checks: list[Check], shapes: Graph, workers: int,
                           progress: bool = False, only_violations: bool = False) -> tuple[Graph, Counter]:
    """Every check's results, computed by ``workers`` processes, added to one report in order;
    with ``only_violations``, those of warning and info checks only counted (at 100 000 contracts the
    build's 209 000 warnings cost minutes as an rdflib graph, and it reports only their number).

    With ``progress``, a bar over the checks, and the slowest ones named at the end (at 100 000
    contracts validation takes minutes: where they go is worth knowing)."""
    report, node = new_report(shapes)
    counts: Counter = Counter()
    # Fresh interpreters (the checks travel pickled): RocksDB's threads do not survive a fork.
    context = multiprocessing.get_context("spawn")
    # The slowest checks first, so that no worker is left with a long one at the end.
    order = sorted(range(len(checks)), key=lambda number: _expected_cost(checks[number]))
    jobs = [(number, not only_violations or checks[number].severity == SH.Violation) for number in order]
    by_number: dict[int, list[tuple]] = {}
    seconds: dict[int, float] = {}
    bar = tqdm(total=len(checks), desc="validating (SHACL as SPARQL)", unit="check", disable=not progress,
               file=sys.stderr)
    with context.Pool(workers, initializer=_open_store, initargs=(checks, str(store_dir))) as pool:
        for number, results, count, took in pool.imap_unordered(_check_results, jobs):
            by_number[number] = results
            counts[_severity_name(checks[number])] += count
            seconds[number] = took
            bar.update()
    bar.close()
    if progress:
        slowest = sorted(seconds, key=seconds.__getitem__, reverse=True)[:5]
        print("  slowest checks: " + "; ".join(f"{_check_name(checks[number])} {seconds[number]:.1f} s"
                                               for number in slowest), file=sys.stderr, flush=True)
    for number, check in enumerate(checks):
        for result in by_number.pop(number):
            add_result(report, node, shapes, check, *result)
    report.add((node, SH.conforms, Literal(counts["Violation"] == 0)))
    return report, counts


def _severity_name(check: Check) -> str:
    return str(check.severity).rsplit("#", 1)[-1]


def _expected_cost(check: Check) -> int:
    """Sort key: per-focus checks and SPARQL constraints first (they are the slow ones)."""
    return 0 if check.focus_query is not None else 1 if check.value_from == "sparql" else 2


def _open_store(checks: list[Check], store_dir: str) -> None:
    """A worker's start: the compiled checks, and the store opened read-only."""
    _SHARED.update(checks=checks, loaded=LoadedData(ox.Store.read_only(store_dir)))


def _check_name(check: Check) -> str:
    """The shape (and constraint) a check stands for, as a short name."""
    shape = str(check.shape).rsplit("#", 1)[-1] if isinstance(check.shape, URIRef) else "(blank shape)"
    return f"{shape} {str(check.component).rsplit('#', 1)[-1]}"


def _check_results(job: tuple[int, bool]) -> tuple[int, list[tuple], int, float]:
    """In a worker: the (focus, value, path, variables) of every result of check ``number`` (none
    unless ``kept``), their number, and the seconds it took.

    A result only counted is not converted to rdflib terms: pyoxigraph's terms compare and hash
    as the same terms, which is all that dropping repeated rows (:func:`row_result`) needs."""
    number, kept = job
    started = time.monotonic()
    loaded: LoadedData = _SHARED["loaded"]
    check: Check = _SHARED["checks"][number]
    seen: set = set()
    results = []
    count = 0
    convert = loaded.to_rdflib if kept else _same_term
    for focus, solution, names in check_solutions(loaded.store, check):
        result = row_result(check, convert(focus), solution, names, seen, convert)
        if result is not None:
            count += 1
            if kept:
                results.append(result)
    return number, results, count, time.monotonic() - started


def _same_term(term):
    return term


def validate_release_report(union: Path, index: Path, shapes: Graph | None = None, progress: bool = False,
                            only_violations: bool = False,
                            data_store: Callable[[], Path] | None = None) -> ValidationReport:
    """:func:`validate_release` as a :class:`kg.validate.report.ValidationReport` (the bundled shapes
    by default), as ``kg validate`` would report the same graph.

    With ``only_violations`` (the build: it reports violations, and only counts the rest), the
    report holds the violations and the number of results of each severity."""
    shapes = shapes if shapes is not None else load_shapes()
    report_graph, counts = validate_release(union, index, shapes, progress=progress,
                                            only_violations=only_violations, data_store=data_store)
    report = report_of(report_graph, shapes)
    report.totals = {severity: counts.get(severity, 0) for severity in SEVERITIES}
    return report
