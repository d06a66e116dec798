"""Check that every verbatim value of the records occurs in its source text at the cited lines.

This is what makes a record traceable: a researcher who opens the source at the cited line
finds the very string the record holds. The source texts (``../shared/seeds``) are not part of
the installed package, so this check runs in the tests and in ``kg check --seeds DIR``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.common.paths import data_dir as default_data_dir
from kg.records.corpus import Corpus
from kg.records.model import SOURCE_CORPORA, LineSpan, Source, Verbatim
from kg.records.normalize import collapse_whitespace


@dataclass(frozen=True)
class CitationProblem:
    """A verbatim value not found where its record says it is."""

    file: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class SeedText:
    """A source text split into lines, for looking up cited spans."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw = path.read_bytes()
        self.lines = self.raw.decode("utf-8").split("\n")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    def span_text(self, span: LineSpan) -> str | None:
        if span.first < 1 or span.last > len(self.lines):
            return None
        return collapse_whitespace(" ".join(self.lines[span.first - 1:span.last]))


def source_text_path(source: Source, seeds_dir: Path, data_dir: Path | None = None) -> Path:
    """Where a source's text file is: the seeds directory, the development set of
    announcements beside it (``../shared/ingest-dev``), the reference texts the project
    ships (``data/reference``, beside ``data/records``) or a text ``kg ingest`` stored beside
    its draft records (``data/records``)."""
    assert source.file is not None
    root = SOURCE_CORPORA[source.corpus or "seeds"](seeds_dir, data_dir or default_data_dir())
    return root / source.file


def check_citations(corpus: Corpus, seeds_dir: Path) -> list[CitationProblem]:
    """Every problem found; an empty list means every verbatim value is where it is cited."""
    texts: dict[str, SeedText] = {}
    problems: list[CitationProblem] = []
    for source in corpus.sources.values():
        if source.file:
            seed = SeedText(source_text_path(source, seeds_dir, corpus.data_dir))
            texts[source.id] = seed
            if source.sha256 and source.sha256 != seed.sha256:
                problems.append(CitationProblem(Path("data/sources.yaml"), 1, source.id,
                                                f"sha256 of {source.file} is {seed.sha256}, "
                                                f"sources.yaml says {source.sha256}"))
    for record in corpus.records:
        record_seed = texts.get(record.source)
        for name, value in record.values.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, Verbatim) and record_seed is not None:
                    problems.extend(_check_verbatim(record.file, record.yaml_lines[name], name,
                                                    item, record_seed))
        if record.type.name == "Disagreement":
            for reading in record.values["readings"]:
                problems.extend(_check_verbatim(
                    record.file, record.yaml_lines["readings"], "readings",
                    Verbatim((reading.value,), (reading.span,)), texts[reading.source]))
    return problems


def _check_verbatim(file: Path, line: int, field: str, value: Verbatim,
                    seed: SeedText) -> list[CitationProblem]:
    problems = []
    for fragment, span in zip(value.fragments, value.spans, strict=True):
        text = seed.span_text(span)
        if text is None:
            problems.append(CitationProblem(file, line, field, f"lines {span.first}-{span.last} "
                                            f"are outside {seed.path.name}"))
        elif collapse_whitespace(fragment) not in text:
            problems.append(CitationProblem(
                file, line, field, f"{fragment!r} does not occur at {seed.path.name} lines "
                f"{span.first}-{span.last}"))
    return problems
