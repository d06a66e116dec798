"""What a curated record is once read: the types every stage after the YAML loader shares.

A :class:`Record` keeps its YAML file and line, and each cited value keeps the lines of the
source document it is cited from (:class:`LineSpan`, :class:`Verbatim`, :class:`Reading`), so
every later stage (the mapping, the citation check, the index scan, the large build) can say
where a problem is. They live apart from the loader (:mod:`kg.records.sources`) so that a stage which
only uses records needs neither YAML nor the loader's checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.records import normalize
from kg.records.schema import RecordType


@dataclass(frozen=True)
class LineSpan:
    """Lines of a source document (1-based, inclusive) that a value is cited from."""

    first: int
    last: int

    @classmethod
    def parse(cls, value: Any) -> LineSpan:
        if isinstance(value, bool):
            raise ValueError("a line is a number or 'N-M'")
        if isinstance(value, int):
            return cls(value, value)
        if isinstance(value, str) and "-" in value:
            first, last = (int(part) for part in value.split("-", 1))
            if first > last:
                raise ValueError(f"line span {value!r} runs backwards")
            return cls(first, last)
        if isinstance(value, str) and value.isdigit():
            return cls(int(value), int(value))
        raise ValueError(f"{value!r} is not a line number or span 'N-M'")


@dataclass(frozen=True)
class Verbatim:
    """A verbatim value: its fragments as written and the lines each is cited from."""

    fragments: tuple[str, ...]
    spans: tuple[LineSpan, ...]
    #: A curator's canonical form where the written one is corrupted beyond normalisation
    #: (``BG05M9OP002-2.033`` written for ``BG05M9OP001-2.033``); published as derived.
    normalised: str | None = None
    #: Why the value needs a reviewer's eye; with it, a value that does not parse is kept as
    #: written with no canonical value instead of being refused.
    review: str | None = None
    #: The language the document writes this value in, where it differs from the source's.
    lang: str | None = None
    #: A year the curator inferred for a date the document gives without one (never stated).
    inferred_year: int | None = None

    @property
    def text(self) -> str:
        return normalize.collapse_whitespace(" ".join(self.fragments))


@dataclass(frozen=True)
class Reading:
    """One document's wording of a disputed fact."""

    value: str
    source: str
    span: LineSpan
    current: bool


@dataclass
class Record:
    """One curated record: its id, type, source, where it is, and its field values."""

    id: str
    type: RecordType
    source: str
    file: Path
    yaml_line: int
    span: LineSpan
    values: dict[str, Any] = field(default_factory=dict)
    yaml_lines: dict[str, int] = field(default_factory=dict)

    def where(self, field_name: str | None = None) -> tuple[Path, int, str]:
        line = self.yaml_lines.get(field_name, self.yaml_line) if field_name else self.yaml_line
        return self.file, line, field_name or "id"


@dataclass(frozen=True)
class Source:
    """A source document as data/sources.yaml describes it."""

    id: str
    file: str | None
    title: str
    title_en: str | None
    kind: str
    language: str
    sha256: str | None
    publisher: str | None = None
    date: str | None = None
    note: str | None = None
    #: Where ``file`` lives: a key of :data:`SOURCE_CORPORA` (``seeds`` when not given).
    corpus: str | None = None
    #: The address the text was captured from, where the source states one.
    url: str | None = None
    #: Why the entry needs a curator's eye (a draft entry of ``kg ingest``: the English title
    #: to give); with it, ``title_en`` may be left out until the curator writes it.
    review: str | None = None


#: Where the texts of each corpus a source may name (``corpus:`` in data/sources.yaml) are,
#: given the seeds directory and the data directory: the seeds (the default), the development
#: set of announcements beside them, the reference texts the project ships (data/reference) and
#: texts ``kg ingest`` stored beside their draft records (data/records).
SOURCE_CORPORA: dict[str, Callable[[Path, Path], Path]] = {
    "seeds": lambda seeds, data: seeds,
    "ingest-dev": lambda seeds, data: seeds.parent / "ingest-dev",
    "reference": lambda seeds, data: data / "reference",
    "records": lambda seeds, data: data / "records",
}
