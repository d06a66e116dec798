"""``kg build`` at scale: records stream to N-Quads and into pyoxigraph, never into rdflib.

An rdflib Dataset of 100 000 contracts does not fit in 4 GB, and owlrl would take hours, so
the large build keeps no graph in memory:

1. *index* (workers, one record file each): read and check every file; keep only each id's
   type and labels (what the mapping needs from other files), and check references with it.
2. *map* (workers): read each file again, map its records (:mod:`kg.mapping`, unchanged),
   make each triple an N-Quads line of its source graph, and the entailments of
   :mod:`kg.reason.compiled` lines of the inferred graph, and write the file's lines sorted and
   de-duplicated; triples of the join properties (transitivity, property chain) go back to the
   parent, which closes them.
3. *merge*: ``LC_ALL=C sort -m -u`` merges the sorted parts into the sorted, de-duplicated
   lines the small build writes; a streaming pass drops inferred triples that some source
   graph asserts (the lines of one subject are adjacent), which is kg.reason.owlrl_reference's rule.
4. *store*: pyoxigraph bulk-loads kg.nq as pass 3 writes it (through a named pipe), then the
   union default graph from a file of every triple once, and compacts it; the validation takes
   a hard-linked copy of that store and adds its index to it (:mod:`kg.validate.release_check`). The
   store is swapped into place once validation passes (:func:`kg.release.store_load.load_oxigraph`'s
   staging and swap).

The output is the small build's kg.nq byte for byte (``tests/test_reason_fast.py``); kg.trig
holds the same quads, each graph's triples written out in full (no prefixes).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import yaml
from tqdm import tqdm

from kg.common.errors import KgError, RecordError
from kg.common.steps import timed_step
from kg.mapping import aggregates
from kg.mapping.labels import LabelIndex
from kg.mapping.provenance import describe_source
from kg.mapping.records import record_triples
from kg.mapping.vocabularies import load_vocabulary_graphs
from kg.reason.compiled import Entailments, join_closure, keeps
from kg.reason.entailed_lines import EntailedLines
from kg.records import iris
from kg.records.drafts import DRAFT_MARK, is_draft, is_draft_value, published
from kg.records.field_values import read_verbatim
from kg.records.index_scan import Entry, entries_of_records, fingerprint, scan_entries
from kg.records.model import LineSpan, Record
from kg.records.schema import TYPES
from kg.records.sources import load_record_file, load_sources
from kg.release.parts import INDEX_FILE, UNION_FILE, sort_unique, write_sorted_part
from kg.release.report import BuildReport
from kg.release.store_load import new_staging_dir, stage_store, swap_into_place
from kg.store.text_index import check_fts5, index_path, write_index
from kg.validate.errors import ValidationFailedError
from kg.validate.release_check import validate_release_report
from kg.validate.report_output import as_text, summary_line

#: libyaml's C loader where PyYAML was built with it (much faster), else the pure-Python one.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

INFERRED = iris.INFERRED_GRAPH
#: Where, in the build's work directory, the store loader leaves the copy the validation uses.
VALIDATION_COPY = "validation-store"
# Set in the parent before the workers fork, so they share it without pickling: the sources, the
# entailments, whether to scan, then the record types and labels (each read back by its key).
_STATE: dict[str, Any] = {}


def _index_file(path: Path) -> tuple[list[Entry], str | None, str]:
    """Pass 1 in a worker: each record's (id, type, bg label, en label), the first error, and
    the fingerprint the mapping pass must find again (kg.records.index_scan).

    The entries are read off the lines where the file allows (kg.records.index_scan), else by a plain
    YAML load (C): pass 2 reads the file with every check and reports any problem with its
    line; only where this quick read fails is the checked reader asked for its error now.
    """
    text = path.read_text(encoding="utf-8")
    drafts_left_out = not _STATE.get("include_drafts") and DRAFT_MARK in text
    scanned = scan_entries(text) if _STATE.get("scan", True) and not drafts_left_out else None
    if scanned is not None:
        return scanned, None, fingerprint(scanned)
    try:
        document = yaml.load(text, Loader=_FastLoader)
        entries = []
        for raw in document["records"]:
            if drafts_left_out and is_draft_value(raw):
                continue
            record_type = TYPES[raw["type"]]
            label = raw.get(record_type.label_field) if record_type.label_field else None
            bg = read_verbatim(label, LineSpan(1, 1)).text if label is not None else None
            en = raw.get("label_en")
            entries.append((raw["id"], record_type.name, bg, en if isinstance(en, str) else None))
        return entries, None, fingerprint(entries)
    except Exception:  # malformed: let the checked reader say where and why
        try:
            load_record_file(path, _STATE["sources"])
        except KgError as error:
            return [], str(error), ""
        raise


def _map_file(job: tuple[Path, Path]
              ) -> tuple[int, int, list[tuple], str | None, str, set[str], aggregates.Facts]:
    """Pass 2 in a worker: map one file to ``part``; (records, triples, join edges, error, the
    fingerprint of the file's index entries as this full parse gives them, the sources of the
    draft records it mapped, the facts the aggregates read). Drafts are left out unless the
    build includes them."""
    path, part = job
    try:  # a KgError goes back as its text: RecordError does not survive pickling
        records = published(load_record_file(path, _STATE["sources"]),
                            _STATE.get("include_drafts", False))
        for record in records:
            _check_references(record, _STATE["types"])
        labels: LabelIndex = _STATE["labels"]
        entailments: Entailments | None = _STATE["entailments"]
        writer = EntailedLines(entailments)
        edges: list[tuple] = []
        facts: aggregates.Facts = {}
        triples = 0
        buffer: list[str] = []
        sources = _STATE["sources"]
        for record in records:
            language = sources[record.source].language
            triples += writer.add(aggregates.collect(record_triples(record, labels, language), facts),
                                  iris.graph(record.source).n3(),
                                  buffer, edges)
        write_sorted_part(part, buffer)
    except KgError as error:
        return 0, 0, [], str(error), "", set(), {}
    drafts = {record.source for record in records if is_draft(record)}
    return len(records), triples, edges, None, fingerprint(entries_of_records(records)), drafts, facts


def _check_references(record: Record, types: dict[str, str]) -> None:
    """kg.records.corpus.check_references for one record, against the index of every file."""
    for name, value in record.values.items():
        spec = record.type.field_named(name)
        if spec is None or spec.kind not in ("ref", "refs"):
            continue
        for target in value if isinstance(value, list) else [value]:
            if target not in types:
                raise RecordError(record.file, record.yaml_lines[name], name,
                                  f"{target!r} is not the id of any record")
            if spec.targets and types[target] not in spec.targets:
                raise RecordError(record.file, record.yaml_lines[name], name,
                                  f"{target!r} is a {types[target]}; expected {' or '.join(spec.targets)}")
    if record.type.name == "Disagreement":
        for reading in record.values["readings"]:
            if reading.source not in _STATE["sources"]:
                raise RecordError(record.file, record.yaml_lines["readings"], "readings",
                                  f"unknown source {reading.source!r}")


def _bar(progress: bool, total: int, desc: str, unit: str = "file") -> tqdm:
    return tqdm(total=total, desc=desc, unit=unit, disable=not progress, file=sys.stderr)


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Forked worker processes (they inherit ``_STATE``) that never leave the build hanging.

    ``multiprocessing.Pool`` waited forever when a worker died (its task is lost) or sent back
    an exception that does not unpickle (its result thread dies), and ``Pool.terminate`` could
    then deadlock. The executor reports both (BrokenProcessPool), and on an error the files not
    yet started are cancelled instead of mapped: the build ends with the first error at once."""
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield executor
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _in_order(pool: ProcessPoolExecutor, function: Callable, jobs: list) -> Iterator:
    """``function`` over ``jobs`` in the workers, the results in order; a lost worker is a KgError."""
    try:
        yield from pool.map(function, jobs)
    except BrokenProcessPool as error:
        raise KgError(f"a build worker process ended abruptly ({error}); the record file it was "
                      "mapping may be too large or malformed, or the machine out of memory") from None


#: The text index while the build writes it, in the work directory (kg.store.text_index).
SEARCH_INDEX = "search.sqlite"


class _IndexDisagreementError(Exception):
    """The line scan of a file gave other entries than its full parse (kg.records.index_scan)."""


#: What validates a release: called with kg.nq (its union and index files beside it) and, when
#: the build loads a store, a function that waits for it and returns a copy of it to validate.
Validator = Callable[[Path, Callable[[], Path] | None], str]


def build_streaming(data_dir: Path, out_dir: Path, reason: bool = True, progress: bool = False,
                    store: bool = True, validate: Validator | None = None,
                    workers: int | None = None, include_drafts: bool = False) -> BuildReport:
    """Build ``out_dir``/kg.nq, kg.trig and the store from ``data_dir`` without an rdflib Dataset.

    Draft records (``curation: draft``, :mod:`kg.records.drafts`) are left out unless
    ``include_drafts``; then the graphs of their sources are typed ``bgi:UnreviewedGraph``.

    Should the fast index (read off the lines) ever disagree with the full parse of a file,
    the build starts again with the index parsed from the YAML, and says so.
    """
    try:
        return _build(data_dir, out_dir, reason, progress, store, validate, workers, scan=True,
                      include_drafts=include_drafts)
    except _IndexDisagreementError as disagreement:
        print(f"{disagreement}: indexing again from the YAML", file=sys.stderr, flush=True)
        return _build(data_dir, out_dir, reason, progress, store, validate, workers, scan=False,
                      include_drafts=include_drafts)


def _build(data_dir: Path, out_dir: Path, reason: bool, progress: bool, store: bool,
           validate: Validator | None, workers: int | None, scan: bool,
           include_drafts: bool = False) -> BuildReport:
    workers = workers or min(2, os.cpu_count() or 1)
    sources = load_sources(data_dir / "sources.yaml")
    files = sorted((data_dir / "records").glob("*.yaml"))
    vocabularies = load_vocabulary_graphs()
    entailments = None
    if reason:
        ontology = vocabularies[iris.ONTOLOGY_GRAPH] + vocabularies[iris.VOCABULARIES_GRAPH]
        entailments = Entailments(ontology)
    _STATE.clear()
    _STATE.update(sources=sources, entailments=entailments, scan=scan, include_drafts=include_drafts)
    types: dict[str, str] = {}
    labels = LabelIndex({}, {})
    bar = _bar(progress, len(files), "indexing records")
    with _pool(workers) as pool:
        fingerprints: dict[Path, str] = {}
        for (entries, error, digest), path in zip(_in_order(pool, _index_file, files), files, strict=True):
            if error:
                raise KgError(error)
            fingerprints[path] = digest
            for record_id, type_name, bg, en in entries:
                known = types.setdefault(record_id, type_name)
                if known != type_name:
                    raise KgError(f"{path}: {record_id!r} has types {sorted({known, type_name})} "
                                  "in different files")
                if bg is not None:
                    labels.bg.setdefault(record_id, bg)
                if en is not None:
                    labels.en.setdefault(record_id, en)
            bar.update()
    bar.close()
    _STATE.update(types=types, labels=labels)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        report = BuildReport(records=0)
        edges: list[tuple] = []
        facts: aggregates.Facts = {}
        unreviewed: set[str] = set()
        parts = [work / f"part-{number:06d}.nq" for number in range(len(files))]
        bar = _bar(progress, len(files), "mapping records")
        with _pool(workers) as pool:
            jobs = list(zip(files, parts, strict=True))
            for (count, _triples, file_edges, error, digest, drafts, file_facts), (path, _part) in zip(
                    _in_order(pool, _map_file, jobs), jobs, strict=True):
                if error:
                    raise KgError(error)
                if scan and digest != fingerprints[path]:
                    raise _IndexDisagreementError(f"{path}: the line scan read other ids, types or labels")
                report.records += count
                unreviewed |= drafts
                edges.extend(file_edges)
                aggregates.merge(facts, file_facts)
                bar.update()
        bar.close()
        # The index of every record (ids, types, labels) served the mapping only: the parent
        # lets it go before the store loads and the validation runs beside it.
        _STATE.clear()
        del types, labels, fingerprints
        writer = EntailedLines(entailments)
        buffer: list[str] = []
        for source in sources.values():
            writer.add(describe_source(source, unreviewed=source.id in unreviewed),
                       iris.graph(source.id).n3(), buffer, edges)
        for identifier, graph in vocabularies.items():
            writer.add(iter(graph), identifier.n3(), buffer, edges)
        if entailments is not None:
            buffer.extend(writer.text.quad(triple, INFERRED.n3())
                          for triple in join_closure(entailments, edges) if keeps(triple))
        write_sorted_part(work / "part-vocabularies.nq", buffer)
        del edges, buffer
        # The aggregates (decision 0023): computed from the facts the workers kept, written as
        # one more part; nothing is entailed from them.
        write_sorted_part(work / "part-aggregates.nq", timed_step(
            progress, "computing the aggregates",
            partial(aggregates.aggregate_lines, facts, writer.text.quad)))
        del facts
        gc.collect()
        nquads = work / "kg.nq"
        # Neither the vocabularies nor the aggregates are stated in a source: left out of the index.
        vocabulary_graphs = frozenset([*(identifier.n3() for identifier in vocabularies),
                                       aggregates.AGGREGATES_GRAPH.n3()])
        copy = work / VALIDATION_COPY if validate is not None else None
        loader = _StoreLoader(work, out_dir / "store", progress, copy) if store else None
        try:
            try:
                feed = loader.open_feed() if loader is not None else None
                report.triples = timed_step(progress, "sorting and de-duplicating quads",
                                        lambda: sort_unique(work, nquads, vocabulary_graphs, feed))
            except BrokenPipeError:
                if loader is not None:
                    loader.wait()  # the loader died: its failure is the cause
                raise
            # the text index is written by a child beside the validation (the second core)
            indexer = _TextIndexer(nquads, work / SEARCH_INDEX)
            try:
                if validate is not None:
                    copy_of_store = loader.validation_copy if loader is not None else None
                    report.validation = timed_step(progress, "validating (SHACL as SPARQL)",
                                               lambda: validate(nquads, copy_of_store))
            except BaseException:
                indexer.abandon()
                raise
            timed_step(progress, "waiting for the text index (SQLite FTS5)", indexer.wait)
            if loader is not None:
                timed_step(progress, "waiting for the store", loader.wait)
        except BaseException:
            if loader is not None:
                loader.abandon()
            raise
        final = out_dir / "kg.nq"
        os.replace(nquads, final)
        report.files.append(final)
        trig = out_dir / "kg.trig"
        os.replace(work / "kg.trig", trig)
        report.files.append(trig)
        if loader is not None:
            loader.swap()
            report.files.append(out_dir / "store")
        # beside the store it indexes, swapped right after it (kg.store.text_index)
        search_index = index_path(out_dir / "store")
        os.replace(work / SEARCH_INDEX, search_index)
        report.files.append(search_index)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _StoreLoader:
    """The served store, bulk-loaded into a staging directory by a child process while the
    parent writes kg.nq (fed to it through a named pipe), and swapped into place only once the
    release has passed validation.

    With ``copy``, the loader leaves a copy of the finished store there for the validation: at
    100 000 contracts a second bulk load of the union for the validation's own store cost about
    a minute and 1.8 GB beside this one (decision 0012)."""

    def __init__(self, work: Path, store_dir: Path, progress: bool, copy: Path | None = None) -> None:
        self.store_dir, self.copy = store_dir, copy
        self.feed = work / "kg.nq.pipe"
        os.mkfifo(self.feed)
        self.staging = new_staging_dir(store_dir)
        # A fresh interpreter: RocksDB's background threads do not survive a fork, and a store
        # opened for writing in a forked child of a process that has used one hangs.
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(target=_stage, daemon=True,
                                       args=(self.feed, self.staging, work / UNION_FILE, progress, copy))
        self.process.start()

    def open_feed(self) -> TextIO:
        """The pipe's writing end, once the loader reads it. Opening a pipe nobody reads would
        wait for ever, so it is tried without waiting until the loader opens it, and a loader
        that dies first is reported (:meth:`wait`)."""
        while True:
            try:
                descriptor = os.open(self.feed, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
            if not self.process.is_alive():
                self.wait()
                raise KgError("the store loader stopped before reading the release")
            time.sleep(0.01)
        os.set_blocking(descriptor, True)
        return open(descriptor, "w", encoding="utf-8", newline="\n", buffering=1 << 20)

    def validation_copy(self) -> Path:
        """The copy of the finished store, once the loader has made it (waits for the loader)."""
        self.wait()
        if self.copy is None:
            raise KgError("the store loader was not asked for a copy to validate")
        return self.copy

    def wait(self) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise KgError(f"loading the store failed (exit code {self.process.exitcode}); "
                          "nothing was written (the previous build is intact)")

    def abandon(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        shutil.rmtree(self.staging, ignore_errors=True)

    def swap(self) -> None:
        swap_into_place(self.staging, self.store_dir)


class _TextIndexer:
    """The release's text index (kg.store.text_index), written by a forked child while the
    parent validates: the scan of kg.nq is CPU-bound Python and would otherwise add to the
    build's time. Forked before the validation opens any store in the parent."""

    def __init__(self, nquads: Path, target: Path) -> None:
        check_fts5()  # a clear message in the parent, before anything runs
        self.process = multiprocessing.get_context("fork").Process(
            target=_write_text_index, args=(nquads, target), daemon=True)
        self.process.start()

    def wait(self) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            raise KgError(f"writing the text index failed (exit code {self.process.exitcode}); "
                          "nothing was written (the previous build is intact)")

    def abandon(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _write_text_index(nquads: Path, target: Path) -> None:
    _die_with_parent()
    write_index(nquads, target)


def _stage(nquads: Path, staging: Path, union: Path, progress: bool, copy: Path | None) -> None:
    _die_with_parent()
    stage_store(nquads, staging, progress=progress, union_triples=union, copy_to=copy)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the build that started it dies (a killed ``kg build``
    must not leave a loader writing on); elsewhere a no-op."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def check_release_shapes(nquads: Path, copy_of_store: Callable[[], Path] | None = None,
                         progress: bool = False) -> str:
    """The scaled build's validation step: the shapes run as SPARQL on pyoxigraph.

    pyshacl needs the graph in rdflib (hours and tens of GB at 100 000 contracts); the SPARQL
    engine gives the same results (decision 0007). Its data graph is the union and index files
    the sort pass wrote beside ``nquads`` (:mod:`kg.validate.release_check`): the index added to a copy
    of the served store (``copy_of_store``, whose default graph is the union), or both bulk-loaded
    into a store of its own, where deriving them from kg.nq by SPARQL Update would need tens of
    GB at 100 000 contracts. The input-size limits guard other people's files, not the build's
    own output.
    """
    validation = validate_release_report(nquads.with_name(UNION_FILE), nquads.with_name(INDEX_FILE),
                                         progress=progress, only_violations=True,
                                         data_store=copy_of_store)
    if not validation.conforms:
        raise ValidationFailedError("the graph does not conform to the shapes; nothing was written "
                                    f"(the previous build is intact)\n{as_text(validation)}".rstrip())
    return f"validated: {summary_line(validation, 'en')}; `kg validate` lists them"
