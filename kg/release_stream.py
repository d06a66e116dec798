"""The release files of the streaming build, from its unsorted part files, in bounded memory.

``sort -u`` (GNU coreutils, external merge, 512 MB buffer) orders and de-duplicates the lines
of every part; one streaming pass then writes kg.nq (without the inferred triples a source
graph asserts: the lines of one subject are adjacent), the union file the store's default graph
is bulk-loaded from (every triple once), and kg.trig (each graph's triples gathered by
:class:`GraphFiles`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from kg import iris

INFERRED = iris.INFERRED_GRAPH
UNION_FILE = "union.nt"  # every triple once: the store's default graph, bulk-loaded


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


def sort_unique(work: Path, target: Path) -> dict[str, int]:
    """Sort all parts into ``target``, de-duplicated, without inferred triples a source asserts."""
    sorted_path = work / "sorted.nq"
    parts = sorted(str(path) for path in work.glob("part-*.nq"))
    environment = {**os.environ, "LC_ALL": "C"}
    with sorted_path.open("wb") as sink:
        subprocess.run(["sort", "-u", "-S", "512M", f"--parallel={min(2, os.cpu_count() or 1)}",
                        "-T", str(work), *parts], stdout=sink, check=True, env=environment)
    for path in parts:
        Path(path).unlink()
    counts: dict[str, int] = {}
    base = str(iris.GRAPH)
    inferred_suffix = f" {INFERRED.n3()} .\n"
    union = target.with_name(UNION_FILE)
    by_graph = GraphFiles(work / "graphs")
    with sorted_path.open(encoding="utf-8") as lines, \
            target.open("w", encoding="utf-8", newline="\n") as out, \
            union.open("w", encoding="utf-8", newline="\n") as triples:
        group: list[str] = []
        subject = None
        for line in lines:
            head = line[:line.index(" ")]
            if head != subject:
                _flush(group, inferred_suffix, out, triples, counts, base, by_graph)
                group = []
                subject = head
            group.append(line)
        _flush(group, inferred_suffix, out, triples, counts, base, by_graph)
    sorted_path.unlink()
    by_graph.write_trig(target.with_name("kg.trig"))
    return dict(sorted(counts.items()))


def _flush(group: list[str], inferred_suffix: str, out, triples, counts: dict[str, int],
           base: str, by_graph: GraphFiles) -> None:
    """Write one subject's quads (less inferred ones a source asserts), its triples once each to
    the union file the store's default graph is bulk-loaded from, and each to its graph's file."""
    asserted = {line[:line.rindex(" <")] for line in group if not line.endswith(inferred_suffix)}
    written: set[str] = set()
    for line in group:
        cut = line.rindex(" <")
        triple = line[:cut]
        if line.endswith(inferred_suffix) and triple in asserted:
            continue
        out.write(line)
        graph = line[cut + 1:-3]
        by_graph.add(graph, triple)
        if triple not in written:
            written.add(triple)
            triples.write(triple + " .\n")
        name = graph[1:-1].removeprefix(base)
        counts[name] = counts.get(name, 0) + 1
