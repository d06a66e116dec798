"""Write the release files (kg.nq, kg.trig) deterministically and atomically.

Deterministic: sorted N-Quads lines; TriG with fixed prefixes, graphs in IRI order and subjects
sorted by rdflib's Turtle serializer. Atomic: each file is written to a temporary name in the
same directory and renamed over the old one only when complete, so a failed build leaves the
previous release intact and a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.records.iris import PREFIXES


def nquads_text(graphs: dict[URIRef, Graph]) -> str:
    """All quads as sorted, de-duplicated N-Quads lines."""
    lines: set[str] = set()
    for identifier in sorted(graphs):
        dataset = Dataset()
        target = dataset.graph(identifier)
        for triple in graphs[identifier]:
            target.add(triple)
        text = dataset.serialize(format="nquads")
        lines.update(line for line in text.splitlines() if line.strip())
    return "".join(line + "\n" for line in sorted(lines))


def trig_text(graphs: dict[URIRef, Graph]) -> str:
    """A TriG document: the project's prefixes, then each named graph in IRI order."""
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    parts = [header]
    for identifier in sorted(graphs):
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        for triple in graphs[identifier]:
            graph.add(triple)
        body = graph.serialize(format="turtle")
        body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
        indented = "\n".join(("    " + line) if line.strip() else "" for line in body.strip().splitlines())
        parts.append(f"\n<{identifier}> {{\n{indented}\n}}\n")
    return "".join(parts)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that ``path`` is always either the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
