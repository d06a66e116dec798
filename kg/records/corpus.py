"""All sources and records of data/, read together, and the checks that need all of them.

A record may refer to a record of any file, and the same record id may appear in several files,
so whether references resolve and whether a record's type agrees across files can only be
checked once every file is read (:func:`check_references`). The loader (:mod:`kg.records.sources`)
reads one file at a time; :func:`load_corpus` reads them all and raises the first
:class:`~kg.common.errors.RecordError`. (The large build checks references record by record against
an index of every file instead: :mod:`kg.release.build_stream`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.common.errors import RecordError
from kg.records.model import Record, Source
from kg.records.sources import load_record_file, load_sources


@dataclass
class Corpus:
    """All sources and records, checked together (references resolve across files)."""

    sources: dict[str, Source]
    records: list[Record]
    #: The data directory the corpus was read from (its reference texts are in ``reference/``).
    data_dir: Path | None = None

    def by_id(self) -> dict[str, list[Record]]:
        index: dict[str, list[Record]] = {}
        for record in self.records:
            index.setdefault(record.id, []).append(record)
        return index


def load_corpus(data_dir: Path) -> Corpus:
    """Read and check everything under data/; raise the first :class:`RecordError`."""
    sources = load_sources(data_dir / "sources.yaml")
    records: list[Record] = []
    for path in sorted((data_dir / "records").glob("*.yaml")):
        records.extend(load_record_file(path, sources))
    corpus = Corpus(sources, records, data_dir)
    check_references(corpus)
    check_current_values(corpus)
    return corpus


def check_references(corpus: Corpus) -> None:
    """Every ref names a record of an allowed type; a record's type agrees across sources."""
    index = corpus.by_id()
    for record_id, copies in index.items():
        types = {copy.type.name for copy in copies}
        if len(types) > 1:
            first = copies[0]
            raise RecordError(first.file, first.yaml_line, "type",
                              f"{record_id!r} has types {sorted(types)} in different files")
    for record in corpus.records:
        for name, value in record.values.items():
            spec = record.type.field_named(name)
            assert spec is not None
            if spec.kind not in ("ref", "refs"):
                continue
            for target in (value if isinstance(value, list) else [value]):
                if target not in index:
                    raise RecordError(record.file, record.yaml_lines[name], name,
                                      f"{target!r} is not the id of any record")
                target_type = index[target][0].type.name
                if spec.targets and target_type not in spec.targets:
                    raise RecordError(record.file, record.yaml_lines[name], name,
                                      f"{target!r} is a {target_type}; expected "
                                      f"{' or '.join(spec.targets)}")
        if record.type.name == "Disagreement":
            for reading in record.values["readings"]:
                if reading.source not in corpus.sources:
                    raise RecordError(record.file, record.yaml_lines["readings"], "readings",
                                      f"unknown source {reading.source!r}")


#: What makes two Amount records values of the same thing: a later one supersedes an earlier.
_AMOUNT_KEY_FIELDS = ("of", "component", "programme", "fund", "label")


def _amount_key(record: Record) -> tuple[str, ...]:
    key = []
    for name in _AMOUNT_KEY_FIELDS:
        value = record.values.get(name)
        key.append(getattr(value, "text", value) if value is not None else "")
    return tuple(str(part) for part in key)


def check_current_values(corpus: Corpus) -> None:
    """No trap in "the current value": of two amounts of the same thing (project or contract,
    component, programme, fund, label) where one is stated after an amendment, one must say
    ``current: false``; otherwise both would be published as current (every Amount is
    ``bgi:isCurrent true`` unless its record says ``current: false``). Budget changes
    (component ``change``) are deltas, never superseded, and are not compared."""
    groups: dict[tuple[str, ...], list[Record]] = {}
    for record in corpus.records:
        if record.type.name != "Amount" or record.values.get("component") == "change":
            continue
        groups.setdefault(_amount_key(record), []).append(record)
    for members in groups.values():
        unique = list({record.id: record for record in members}.values())
        if len(unique) < 2:
            continue
        current = [record for record in unique if record.values.get("current", True)]
        later = [record for record in current if "stated_after" in record.values]
        if later and len(current) > 1:
            record = later[0]
            others = ", ".join(sorted(other.id for other in current if other is not record))
            raise RecordError(record.file, record.yaml_line, "current",
                              f"{record.id!r} is stated after an amendment and {others} is an "
                              f"amount of the same thing: say current: false on the one "
                              f"superseded")
