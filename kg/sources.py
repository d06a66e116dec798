"""Read data/sources.yaml and data/records/*.yaml into checked, line-located records.

Every problem becomes a :class:`RecordError` with the YAML file, the line in that file, the
field and what to do, so a curator fixes it without reading a traceback. Checks here are the
ones that need no RDF: the shape of each record against :mod:`kg.schema`, that every verbatim
value parses (:mod:`kg.normalize`), that ids are unique per source and every reference
resolves. That verbatim values really occur at the cited lines of the source text is checked
by :mod:`kg.citations` (it needs the seed texts, which an installed wheel does not carry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg import normalize
from kg.errors import RecordError
from kg.schema import TYPES, VERBATIM_KINDS, Field, RecordType

try:  # the C loader is much faster; fall back to the pure-Python one where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


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
    title_en: str
    kind: str
    language: str
    sha256: str | None
    publisher: str | None = None
    date: str | None = None
    note: str | None = None


def _compose(path: Path) -> yaml.Node:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RecordError(path, 1, "file",
                          f"not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise RecordError(path, line, "yaml", f"not valid YAML: {error.problem}") from None
    if node is None:
        raise RecordError(path, 1, "file", "the file is empty")
    return node


_SCALARS = yaml.constructor.SafeConstructor()


def _plain(node: yaml.Node) -> Any:
    """Turn a YAML node into plain Python values (scalars typed as YAML 1.1 says)."""
    if isinstance(node, yaml.MappingNode):
        return {_plain(key): _plain(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    construct = _SCALARS.yaml_constructors.get(node.tag)
    if construct is not None:  # the resolved tag's own constructor: no caching, no re-parsing
        return construct(_SCALARS, node)
    return yaml.load(yaml.serialize(node), Loader=_Loader)  # pragma: no cover - exotic tags


def _mapping_items(node: yaml.Node, path: Path, what: str) -> list[tuple[str, yaml.Node, int]]:
    if not isinstance(node, yaml.MappingNode):
        raise RecordError(path, node.start_mark.line + 1, what, "expected a mapping (key: value)")
    items = []
    for key, value in node.value:
        items.append((str(key.value), value, key.start_mark.line + 1))
    return items


def load_sources(path: Path) -> dict[str, Source]:
    """Read data/sources.yaml: one entry per source document."""
    root = _compose(path)
    top = dict((key, (value, line)) for key, value, line in _mapping_items(root, path, "file"))
    if "sources" not in top:
        raise RecordError(path, 1, "sources", "missing the top-level 'sources' list")
    entries, _ = top["sources"]
    if not isinstance(entries, yaml.SequenceNode):
        raise RecordError(path, entries.start_mark.line + 1, "sources", "expected a list")
    sources: dict[str, Source] = {}
    for entry in entries.value:
        line = entry.start_mark.line + 1
        values = _plain(entry)
        if not isinstance(values, dict):
            raise RecordError(path, line, "sources", "each source is a mapping")
        for required in ("id", "title", "title_en", "kind", "language"):
            if not values.get(required):
                raise RecordError(path, line, required, f"a source needs '{required}'")
        if values["id"] in sources:
            raise RecordError(path, line, "id", f"source id {values['id']!r} is used twice")
        known = set(Source.__dataclass_fields__)
        for key in values:
            if key not in known:
                raise RecordError(path, line, key, f"unknown field; known: {sorted(known)}")
        sources[values["id"]] = Source(**{key: values.get(key) for key in known})
    return sources


def load_record_file(path: Path, sources: dict[str, Source]) -> list[Record]:
    """Read one data/records/*.yaml file: ``source:`` and a list of ``records:``."""
    root = _compose(path)
    top = {key: (value, line) for key, value, line in _mapping_items(root, path, "file")}
    for required in ("source", "records"):
        if required not in top:
            raise RecordError(path, 1, required, f"missing the top-level '{required}'")
    source_node, source_line = top["source"]
    source_id = str(source_node.value)
    if source_id not in sources:
        raise RecordError(path, source_line, "source",
                          f"unknown source {source_id!r}; add it to data/sources.yaml")
    records_node, records_line = top["records"]
    if not isinstance(records_node, yaml.SequenceNode):
        raise RecordError(path, records_line, "records", "expected a list of records")
    records = []
    seen: dict[str, int] = {}
    for node in records_node.value:
        record = _read_record(node, path, source_id)
        if record.id in seen:
            raise RecordError(path, record.yaml_line, "id",
                              f"{record.id!r} is already defined at line {seen[record.id]}")
        seen[record.id] = record.yaml_line
        records.append(record)
    return records


def _read_record(node: yaml.Node, path: Path, source_id: str) -> Record:
    line = node.start_mark.line + 1
    items = _mapping_items(node, path, "record")
    raw = {key: (_plain(value), key_line) for key, value, key_line in items}
    for required in ("id", "type", "line"):
        if required not in raw:
            raise RecordError(path, line, required, f"every record needs '{required}'")
    type_name = raw["type"][0]
    record_type = TYPES.get(type_name)
    if record_type is None:
        raise RecordError(path, raw["type"][1], "type",
                          f"unknown type {type_name!r}; known: {', '.join(sorted(TYPES))}")
    record_id = raw["id"][0]
    if not isinstance(record_id, str) or not record_id.startswith(record_type.id_prefix):
        raise RecordError(path, raw["id"][1], "id",
                          f"a {type_name} id starts with {record_type.id_prefix!r}")
    if any(char.isspace() for char in record_id) or not record_id.isascii():
        raise RecordError(path, raw["id"][1], "id", "ids are ASCII without spaces")
    try:
        span = LineSpan.parse(raw["line"][0])
    except ValueError as error:
        raise RecordError(path, raw["line"][1], "line", str(error)) from None
    record = Record(record_id, record_type, source_id, path, line, span)
    for key, (value, key_line) in raw.items():
        if key in ("id", "type", "line"):
            continue
        spec = record_type.field_named(key)
        if spec is None:
            known = ", ".join(f.name for f in record_type.fields)
            raise RecordError(path, key_line, key, f"{type_name} has no field {key!r}; known: {known}")
        record.yaml_lines[key] = key_line
        try:
            record.values[key] = _read_value(spec, value, span)
        except (ValueError, normalize.NormalisationError) as error:
            raise RecordError(path, key_line, key, str(error)) from None
    for spec in record_type.fields:
        if spec.required and spec.name not in record.values:
            raise RecordError(path, line, spec.name, f"a {type_name} needs '{spec.name}'")
    return record


def _read_verbatim(value: Any, default: LineSpan) -> Verbatim:
    if isinstance(value, dict):
        unknown = set(value) - {"raw", "line"}
        if unknown or "raw" not in value:
            raise ValueError("a cited value is {raw: ..., line: N}")
        raw_value = value["raw"]
        lines = value.get("line", None)
    else:
        raw_value, lines = value, None
    fragments = raw_value if isinstance(raw_value, list) else [raw_value]
    if not fragments or not all(isinstance(item, str) and item.strip() for item in fragments):
        raise ValueError("a verbatim value is non-empty text (or a list of text fragments)")
    if lines is None:
        spans = [default] * len(fragments)
    elif isinstance(lines, list):
        if len(lines) != len(fragments):
            raise ValueError("give one line per fragment")
        spans = [LineSpan.parse(item) for item in lines]
    else:
        spans = [LineSpan.parse(lines)] * len(fragments)
    return Verbatim(tuple(fragments), tuple(spans))


def _read_value(spec: Field, value: Any, default: LineSpan) -> Any:
    kind = spec.kind
    if kind in VERBATIM_KINDS and kind != "texts":
        verbatim = _read_verbatim(value, default)
        _parse_verbatim(kind, verbatim.text)
        return verbatim
    if kind == "texts":
        if not isinstance(value, list) or not value:
            raise ValueError("expected a non-empty list of texts")
        return [_read_verbatim(item, default) for item in value]
    if kind == "ref":
        if not isinstance(value, str):
            raise ValueError("a reference is the id of another record")
        return value
    if kind == "refs":
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(item, str) for item in items):
            raise ValueError("expected a list of record ids")
        return items
    if kind == "enum":
        if value not in spec.values:
            raise ValueError(f"{value!r} is not one of: {', '.join(spec.values)}")
        return value
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{value!r} is not an integer")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if kind in ("en", "bg", "note"):
        if not isinstance(value, str) or not value.strip():
            raise ValueError("expected non-empty text")
        return value
    if kind == "readings":
        return _read_readings(value)
    raise ValueError(f"unknown field kind {kind!r}")  # pragma: no cover - schema bug


def _read_readings(value: Any) -> list[Reading]:
    if not isinstance(value, list) or len(value) < 2:
        raise ValueError("a disagreement lists at least two readings")
    readings = []
    for item in value:
        if not isinstance(item, dict) or {"value", "source", "line", "current"} - set(item):
            raise ValueError("each reading has value, source, line and current")
        readings.append(Reading(str(item["value"]), str(item["source"]),
                                LineSpan.parse(item["line"]), bool(item["current"])))
    if sum(reading.current for reading in readings) != 1:
        raise ValueError("exactly one reading is current")
    return readings


def _parse_verbatim(kind: str, text: str) -> None:
    """Fail early (with the parser's reason) on a verbatim value that will not normalise."""
    parsers = {
        "ident": _parse_identifier,
        "money": normalize.parse_money,
        "date": normalize.parse_date,
        "duration": normalize.parse_duration,
        "quantity": normalize.parse_quantity,
        "span": normalize.parse_span,
    }
    parser = parsers.get(kind)
    if parser:
        parser(text)


def _parse_identifier(text: str) -> str:
    try:
        return normalize.normalise_identifier(text)
    except normalize.NormalisationError:
        return normalize.normalise_programme_code(text)


def canonical_identifier(text: str) -> str:
    """The canonical form of an ИСУН number or programme code, whichever it is."""
    return _parse_identifier(text)


@dataclass
class Corpus:
    """All sources and records, checked together (references resolve across files)."""

    sources: dict[str, Source]
    records: list[Record]

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
    corpus = Corpus(sources, records)
    check_references(corpus)
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
