"""The release files of the streaming build, from its part files, in bounded memory.

Each part is written sorted and de-duplicated by the worker that made it
(:func:`write_sorted_part`: a few megabytes, sorted in memory while the other worker maps), so
``sort -m -u`` (GNU coreutils) only merges them, in one linear pass with no temporary files
(a full external sort of 3.4 GB at 100 000 contracts spilled and re-read them). This process
reads the merge as it comes and writes kg.nq (without the inferred triples a source graph
asserts: the lines of one subject are adjacent), the union file the store's default graph is
bulk-loaded from (every triple once), kg.trig (each graph's triples gathered by
:class:`GraphFiles`) and the provenance index the validator adds to the union
(:mod:`kg.validate.release_check`); and it feeds kg.nq's text to the store's bulk loader through a
pipe, so that the store loads while this pass runs rather than after it.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple, TextIO

from kg.records import iris

INFERRED = iris.INFERRED_GRAPH
UNION_FILE = "union.nt"  # every triple once: the store's default graph, bulk-loaded
#: ``?s bgis:describedInGraph ?g`` for every IRI subject of every graph but the vocabularies:
#: what kg.validate.data_store.prepare_data_graph derives with SPARQL Update, written here instead.
INDEX_FILE = "index.nt"
DESCRIBED_IN_GRAPH = f"<{iris.SHAPES}describedInGraph>"


class GraphFiles:
    """Each graph's triples in a file of its own (in kg.nq's order), then kg.trig from them.

    kg.nq is sorted by subject; TriG wants each graph in one block. Appending each line to its
    graph's file (buffered) and concatenating the files in graph order is linear and needs no
    second sort; pyoxigraph's TriG writer took two minutes for 14 million quads.
    """

    FLUSH_EVERY = 200_000

    def __init__(self, directory: Path) -> None:
        directory.mkdir()
        self.directory = directory
        self.buffers: dict[str, list[str]] = {}
        self.files: dict[str, Path] = {}
        self.pending = 0

    def add(self, graph: str, triple: str) -> None:
        self.buffers.setdefault(graph, []).append(triple)
        self.pending += 1
        if self.pending >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        for graph, lines in self.buffers.items():
            path = self.files.setdefault(graph, self.directory / f"{len(self.files):06d}.nt")
            with path.open("a", encoding="utf-8", newline="\n") as sink:
                sink.write("".join(f"    {line} .\n" for line in lines))
        self.buffers.clear()
        self.pending = 0

    def write_trig(self, target: Path) -> None:
        """A TriG document: the graphs in IRI order, each triple in full N-Triples form."""
        self.flush()
        with target.open("w", encoding="utf-8", newline="\n") as out:
            for graph in sorted(self.files):
                out.write(f"{graph} {{\n")
                with self.files[graph].open(encoding="utf-8") as lines:
                    shutil.copyfileobj(lines, out, 1 << 20)
                out.write("}\n")
                self.files[graph].unlink()


def write_sorted_part(path: Path, lines: list[str]) -> None:
    """Write ``lines`` to ``path`` once each, in the byte order of ``LC_ALL=C sort`` (UTF-8
    preserves code-point order, which is how Python compares strings; no line is a prefix of
    another, since every line ends with " .")."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("".join(sorted(set(lines))))


@contextmanager
def _merged(parts: list[str], work: Path) -> Iterator[TextIO]:
    """The lines of the sorted ``parts`` merged and de-duplicated by ``sort -m -u``, read as
    sort writes them (the merge runs on one core while this process writes on the other)."""
    # As many parts at once as the open-file limit allows: sort's default merges 16 at a time
    # through temporary files.
    batch = max(2, min(len(parts), resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 32))
    command = ["sort", "-m", "-u", f"--batch-size={batch}", "-T", str(work), *parts]
    with subprocess.Popen(command, stdout=subprocess.PIPE, env={**os.environ, "LC_ALL": "C"}) as merge:
        assert merge.stdout is not None
        try:
            yield io.TextIOWrapper(merge.stdout, encoding="utf-8", newline="\n")
        except BaseException:
            merge.kill()
            raise
    if merge.returncode != 0:
        raise subprocess.CalledProcessError(merge.returncode, command[:5])


def sort_unique(work: Path, target: Path, unindexed_graphs: frozenset[str] = frozenset(),
                feed: TextIO | None = None) -> dict[str, int]:
    """Merge all parts (each written by :func:`write_sorted_part`) into ``target``,
    de-duplicated, without inferred triples a source asserts; beside it the union and index
    files (the graphs in ``unindexed_graphs``, N-Triples terms, are left out of the index: the
    ontology and code lists).

    ``feed`` (a pipe to the store's bulk loader) gets kg.nq's text as it is written, so the
    store loads while this pass runs; it is closed only after the union and index files are,
    so a reader that sees its end finds them complete."""
    try:
        return _sort_unique(work, target, unindexed_graphs, feed)
    finally:
        if feed is not None:
            with suppress(BrokenPipeError):  # the reader died: the build reports its failure
                feed.close()


def _sort_unique(work: Path, target: Path, unindexed_graphs: frozenset[str], feed: TextIO | None
                 ) -> dict[str, int]:
    parts = sorted(str(path) for path in work.glob("part-*.nq"))
    counts: dict[str, int] = {}
    base = str(iris.GRAPH)
    inferred_suffix = f" {INFERRED.n3()} .\n"
    union = target.with_name(UNION_FILE)
    by_graph = GraphFiles(work / "graphs")
    with _merged(parts, work) as lines, \
            target.open("w", encoding="utf-8", newline="\n") as out, \
            union.open("w", encoding="utf-8", newline="\n") as triples, \
            target.with_name(INDEX_FILE).open("w", encoding="utf-8", newline="\n") as index:
        sinks = _Sinks(out, triples, index, by_graph, unindexed_graphs, feed)
        group: list[str] = []
        subject = None
        for line in lines:
            head = line[:line.index(" ")]
            if head != subject:
                _flush(group, inferred_suffix, sinks, counts)
                group = []
                subject = head
            group.append(line)
        _flush(group, inferred_suffix, sinks, counts)
    if feed is not None:
        feed.close()
    for path in parts:
        Path(path).unlink()
    by_graph.write_trig(target.with_name("kg.trig"))
    return dict(sorted((graph[1:-1].removeprefix(base), count) for graph, count in counts.items()))


class _Sinks(NamedTuple):
    """Where the sort pass writes: kg.nq, the union, the index, each graph's file."""

    quads: TextIO
    union: TextIO
    subject_index: TextIO  # not "index": a NamedTuple's field would hide tuple.index
    by_graph: GraphFiles
    unindexed_graphs: frozenset[str]
    feed: TextIO | None  # a copy of kg.nq's text, for the store's bulk loader


def _flush(group: list[str], inferred_suffix: str, sinks: _Sinks, counts: dict[str, int]) -> None:
    """Write one subject's quads (less inferred ones a source asserts), its triples once each to
    the union file the store's default graph is bulk-loaded from, each to its graph's file, and
    the subject's index lines (one per graph it is described in); count the quads per graph
    (keyed by the graph's N-Triples term). Each sink gets one write per subject: this loop runs
    for every one of 13 million lines at 100 000 contracts."""
    if not group:
        return
    cuts = [line.rindex(" <") for line in group]
    asserted = {line[:cut] for line, cut in zip(group, cuts, strict=True)
                if not line.endswith(inferred_suffix)}
    quads: list[str] = []
    union: list[str] = []
    index: list[str] = []
    written: set[str] = set()
    indexed: set[str] = set()
    is_iri = group[0].startswith("<")
    subject = group[0][:group[0].index(" ")]
    add_to_graph = sinks.by_graph.add
    for line, cut in zip(group, cuts, strict=True):
        triple = line[:cut]
        if line.endswith(inferred_suffix) and triple in asserted:
            continue
        quads.append(line)
        graph = line[cut + 1:-3]
        add_to_graph(graph, triple)
        if triple not in written:
            written.add(triple)
            union.append(triple + " .\n")
        if is_iri and graph not in indexed and graph not in sinks.unindexed_graphs:
            indexed.add(graph)
            index.append(f"{subject} {DESCRIBED_IN_GRAPH} {graph} .\n")
        counts[graph] = counts.get(graph, 0) + 1
    text = "".join(quads)
    sinks.quads.write(text)
    if sinks.feed is not None:
        sinks.feed.write(text)
    sinks.union.write("".join(union))
    if index:
        sinks.subject_index.write("".join(index))
