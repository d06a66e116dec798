"""Read data/sources.yaml and data/records/*.yaml, a file at a time, into line-located records.

Every problem becomes a :class:`RecordError` with the YAML file, the line in that file, the
field and what to do, so a curator fixes it without reading a traceback. Checks here are the
ones a single file allows and that need no RDF: the shape of each record against
:mod:`kg.records.schema`, that every field's value reads as its kind says (:mod:`kg.records.field_values`;
verbatim values must parse, :mod:`kg.records.normalize`) and that ids are unique within a file. That
every reference resolves, across files, is checked by :mod:`kg.records.corpus`; that verbatim values
really occur at the cited lines of the source text by :mod:`kg.records.citations` (it needs the seed
texts, which an installed wheel does not carry).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.common.errors import RecordError
from kg.records import normalize
from kg.records.field_values import read_value
from kg.records.model import SOURCE_CORPORA, LineSpan, Record, Source
from kg.records.schema import TYPES

#: libyaml's C loader where PyYAML was built with it (much faster), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    _refuse_duplicate_keys(node, path)
    return node


def _refuse_duplicate_keys(root: yaml.Node, path: Path) -> None:
    """A key given twice in one mapping is an error naming both lines.

    YAML says keys are unique, but PyYAML keeps the last value silently, so a curator who pastes
    a field twice would lose the first value without a word. The check walks the composed nodes
    (the loaders here compose, then read the nodes), iteratively so deep nesting cannot overflow.
    """
    pending: list[yaml.Node] = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            first_line: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    earlier = first_line.get((key.tag, key.value))
                    if earlier is None:
                        first_line[(key.tag, key.value)] = line
                    else:
                        raise RecordError(path, line, str(key.value)[:80],
                                          f"the key is given twice, at lines {earlier} and {line}; "
                                          "YAML keeps only one, so say it once")
                pending.append(value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)


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
            if required == "title_en" and values.get("review"):
                continue  # a draft entry: the curator gives the English title (its review reason)
            if not values.get(required):
                raise RecordError(path, line, required, f"a source needs '{required}'")
        if values["id"] in sources:
            raise RecordError(path, line, "id", f"source id {values['id']!r} is used twice")
        known = set(Source.__dataclass_fields__)
        for key in values:
            if key not in known:
                raise RecordError(path, line, key, f"unknown field; known: {sorted(known)}")
        fields: dict[str, Any] = {key: values.get(key) for key in known}  # YAML gives any type
        if fields["date"] is not None:
            fields["date"] = _source_date(entry, fields["date"], path)
        if fields["corpus"] is not None and fields["corpus"] not in SOURCE_CORPORA:
            raise RecordError(path, line, "corpus",
                              f"{fields['corpus']!r} is not one of: {', '.join(SOURCE_CORPORA)}")
        sources[values["id"]] = Source(**fields)
    return sources


def _source_date(entry: yaml.Node, value: Any, path: Path) -> str:
    """A source's ``date`` as the lexical form of ``xsd:date``, ``gYearMonth`` or ``gYear``
    (:func:`kg.records.normalize.date_datatype` tells which): ``12.03.2021 г.``, ``март 2021 г.``,
    ``2021`` or an ISO ``2021-03-12`` are read; anything else is refused at its line, never
    published as an invalid ``xsd:gYear``."""
    line = next((key_line for key, _value, key_line in _mapping_items(entry, path, "sources")
                 if key == "date"), entry.start_mark.line + 1)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if normalize.ISO_DATE.match(text):
        year, month, day = (int(part) for part in text.split("-"))
        try:
            normalize.check_calendar(text, year, month, day)
        except normalize.NormalisationError as error:
            raise RecordError(path, line, "date", str(error)) from None
        return text
    try:
        parsed = normalize.parse_date(text)
    except normalize.NormalisationError as error:
        raise RecordError(path, line, "date", str(error)) from None
    if parsed.datatype == "gMonthDay":
        raise RecordError(path, line, "date", f"{text!r} has no year: a source's date needs one")
    return parsed.lexical


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
            record.values[key] = read_value(spec, value, span)
        except (ValueError, normalize.NormalisationError) as error:
            raise RecordError(path, key_line, key, str(error)) from None
    for spec in record_type.fields:
        if spec.required and spec.name not in record.values:
            raise RecordError(path, line, spec.name, f"a {type_name} needs '{spec.name}'")
    return record
