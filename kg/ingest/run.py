"""``kg ingest``: read, extract, draft, match, and write the draft files safely.

For each input the command writes, in ``--out``:

* ``<source-id>.draft.yaml``: the draft records (``curation: draft``; a name of its own, beside
  any curated file of the same source);
* ``<source-id>.txt``: the text the records cite (UTF-8, the markup of HTML stripped), and
  ``<source-id>.source.yml``: its draft entry for data/sources.yaml (corpus ``records``: the
  text lives beside the records). When ``--out`` is the records directory of ``--data`` the
  entry is added to data/sources.yaml as well, so ``kg check`` reads the draft at once. A text
  data/ already lists (same SHA-256) keeps its source id and entry, and no text is copied.

Nothing is half-written: each file goes to a temporary file that is renamed into place; an
existing file is replaced only with ``force``, and every input is checked before anything is
written.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.common.errors import KgError
from kg.ingest.draft import Draft, draft
from kg.ingest.extract import extract
from kg.ingest.match import GraphIndex
from kg.ingest.text import MAX_INPUT_BYTES, Document, IngestInputError, read_bytes, read_path
from kg.records.model import Source


@dataclass
class Context:
    """What the graph knows (for matching) and its sources (a known text keeps its id)."""

    index: GraphIndex
    sources: dict[str, Source] = field(default_factory=dict)
    data_dir: Path | None = None

    @classmethod
    def of_data(cls, data_dir: Path | None) -> Context:
        if data_dir is None or not (data_dir / "sources.yaml").is_file():
            return cls(GraphIndex())
        # deferred: the corpus is read only when there is one
        from kg.records.corpus import load_corpus

        corpus = load_corpus(data_dir)
        return cls(GraphIndex(corpus.records), corpus.sources, data_dir)


def read_input(name: str, stdin: bytes | None = None) -> Document:
    """The document of a path, or of standard input for ``-``."""
    if name == "-":
        data = stdin if stdin is not None else sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        return read_bytes(data, "-")
    return read_path(name)


def draft_document(document: Document, context: Context) -> Draft:
    """The draft of one document; an empty input is an error, a text with no announcement
    facts an empty draft with a note."""
    if document.is_empty:
        raise IngestInputError(f"{document.name}: the input is empty: nothing to draft")
    return draft(extract(document), context.index, context.sources)


def timed_draft(path: Path, context: Context) -> float:
    """Seconds for the whole of ``kg ingest`` on one file but the writing (the benchmark)."""
    start = time.perf_counter()
    draft_document(read_path(path), context)
    return time.perf_counter() - start


def _atomic_write(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def planned_files(result: Draft, out: Path) -> Iterator[tuple[Path, str]]:
    yield out / f"{result.source_id}.draft.yaml", result.yaml()
    if not result.known_source:
        yield out / f"{result.source_id}.txt", result.text
        yield out / f"{result.source_id}.source.yml", result.source_yaml()


def source_list_item(result: Draft, sources_text: str) -> str:
    """The draft's source entry as an item of the ``sources:`` list of ``sources_text``,
    indented as that file indents its items."""
    found = re.search(r"^( *)- id:", sources_text, re.MULTILINE)
    indent = found.group(1) if found else ""
    item = result.source_yaml().split("\n", 1)[1]  # the list item, under `sources:`
    return "".join(indent + line if line else line for line in item.splitlines(keepends=True))


def write_drafts(results: list[Draft], out: Path, *, force: bool = False,
                 data_dir: Path | None = None) -> list[Path]:
    """Write every draft's files into ``out``; refuse (before writing anything) to replace an
    existing file without ``force``."""
    plans = [(path, text) for result in results for path, text in planned_files(result, out)]
    existing = [path for path, _ in plans if path.exists()]
    if existing and not force:
        raise KgError(f"{existing[0]}: exists; kg ingest replaces a file only with --force")
    sources_file = None
    if data_dir is not None and out.resolve() == (data_dir / "records").resolve():
        sources_file = data_dir / "sources.yaml"
    new_entries = [result for result in results if not result.known_source]
    sources_text = None
    if sources_file is not None and new_entries:
        sources_text = sources_file.read_text(encoding="utf-8")
        for result in new_entries:
            if f"- id: {result.source_id}\n" in sources_text:
                if not force:
                    raise KgError(f"{sources_file}: already lists {result.source_id}; "
                                  "kg ingest replaces it only with --force")
                continue
            sources_text = sources_text.rstrip("\n") + "\n" + source_list_item(result, sources_text)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in plans:
        _atomic_write(path, text)
        written.append(path)
    if sources_file is not None and sources_text is not None:
        _atomic_write(sources_file, sources_text)
        written.append(sources_file)
    return written


def diff_lines(result: Draft, data_dir: Path) -> list[str]:
    """What the draft would add to the graph of ``data_dir``: the new triples, by subject."""
    # deferred: the mapping is needed only for --diff
    from kg.mapping.labels import LabelIndex
    from kg.mapping.records import record_triples
    from kg.records.corpus import Corpus, load_corpus
    from kg.records.sources import load_record_file

    corpus = load_corpus(data_dir)
    sources = dict(corpus.sources)
    if result.source_id not in sources:
        fields: dict[str, Any] = {key: result.source.get(key) for key in Source.__dataclass_fields__}
        sources[result.source_id] = Source(**fields)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{result.source_id}.yaml"
        path.write_text(result.yaml(), encoding="utf-8")
        records = load_record_file(path, sources)
    labels = LabelIndex.of(Corpus(sources, corpus.records + records, data_dir))
    known = {triple for record in corpus.records for triple in record_triples(record, labels)}
    added: dict[str, list[str]] = {}
    unmapped = []
    for record in records:
        try:
            triples = list(record_triples(record, labels))
        except (ValueError, KeyError) as error:  # a value kept as written that the mapping cannot read
            unmapped.append(f"# {record.id}: not mapped until reviewed ({error})")
            continue
        for subject, predicate, value in triples:
            if (subject, predicate, value) not in known:
                added.setdefault(subject.n3(), []).append(f"    {predicate.n3()} {value.n3()}")
    lines = list(unmapped)
    for node, described in added.items():
        lines.append(node)
        lines.extend(sorted(set(described)))
    lines.append(f"# {sum(len(set(t)) for t in added.values())} new triples about "
                 f"{len(added)} subjects")
    return lines
