"""The streaming build's first pass, fast: each record's id, type and labels read off its lines.

The mapping of one file needs the labels and types of records in other files (participation
labels name the organisation and the project; references are checked against types), so the
streaming build indexes every file before mapping any. Parsing the YAML for that costs as much
as a third of the mapping itself. Record files are written one key per line (`- id: …`, then
`  type: …`), so for the common case (every needed value a plain one-line scalar) the index is
read off the lines, about ten times faster.

Whenever a file is not in that simple form, :func:`scan_entries` returns None and the caller
parses the YAML. And the scan is never trusted blindly: the mapping pass, which parses every
file fully anyway, recomputes each file's entries (:func:`entries_of_records`) and the build
compares them with the scan's (kg.release.build_stream), so a disagreement cannot go unnoticed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import yaml

from kg.records import normalize
from kg.records.model import Record, Verbatim
from kg.records.schema import TYPES

#: (id, type name, bg label, en label) of one record.
Entry = tuple[str, str, str | None, str | None]
_LABEL_FIELDS = frozenset(spec.label_field for spec in TYPES.values() if spec.label_field)
_RESOLVER = yaml.resolver.Resolver()
_NOT_PLAIN_START = frozenset("'\"|>[]{}&*!%@#`,?:-~")


def scan_entries(text: str) -> list[Entry] | None:
    """The entries of a record file read off its lines, or None if it is not in the simple form."""
    entries: list[Entry] = []
    record: dict[str, str] | None = None
    value_just_read = False
    cited_label: str | None = None  # a label field given as {raw: …, line: …, lang: …}, one key a line
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if cited_label is not None and record is not None and line.startswith("    ") \
                and not line.startswith("     "):
            key, colon, value = line[4:].partition(":")
            if not colon:
                return None
            if key == "raw":
                record[cited_label] = value
            continue
        cited_label = None
        if value_just_read and line.startswith("   "):
            return None  # a plain scalar continued on the next line
        value_just_read = False
        if line.lstrip().startswith("- id:") and not line.startswith("- id:"):
            return None  # records not at the left margin
        if line.startswith("- "):
            if not line.startswith("- id:") or not _finish(record, entries):
                return None
            record = {"id": line[5:]}
            value_just_read = True
        elif line.startswith("  ") and not line.startswith("   ") and not line.startswith("  -"):
            if record is None:
                return None
            key, colon, value = line[2:].partition(":")
            if not colon:
                return None
            if key == "type" or key == "label_en" or key in _LABEL_FIELDS:
                if key in record:
                    return None
                if key in _LABEL_FIELDS and not value.strip():
                    cited_label = key  # its raw: comes on an indented line
                    record[key] = ""  # declined by _finish unless a raw: line follows
                    continue
                record[key] = value
                value_just_read = True
        elif not line.startswith(" ") and not line.startswith("source:") and line != "records:":
            return None
    return entries if _finish(record, entries) else None


def _finish(record: dict[str, str] | None, entries: list[Entry]) -> bool:
    """Add the record's entry; False where a value is not a plain one-line string."""
    if record is None:
        return True
    identifier = _plain(record["id"])
    type_name = _plain(record.get("type", ""))
    if identifier is None or type_name is None or type_name not in TYPES:
        return False
    label_field = TYPES[type_name].label_field
    bg = en = None
    if label_field and label_field in record:
        bg = _plain(record[label_field])
        if bg is None:
            return False
        bg = normalize.collapse_whitespace(bg)
    if "label_en" in record:
        en = _plain(record["label_en"])
        if en is None:
            return False
    entries.append((identifier, type_name, bg, en))
    return True


def _plain(value: str) -> str | None:
    """The string a ``key: value`` line's value stands for, if it is a one-line plain scalar that
    YAML reads as a string, or a one-line quoted one without escapes; None for anything else
    (block, flow, comment, number, empty, escapes…)."""
    if not value.startswith(" "):
        return None
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":  # single-quoted: '' is the only escape
        inner = text[1:-1]
        return inner.replace("''", "'") if "'" not in inner.replace("''", "") else None
    if len(text) >= 2 and text[0] == text[-1] == '"':  # double-quoted, without escapes
        inner = text[1:-1]
        return inner if '"' not in inner and "\\" not in inner else None
    if (not text or text[0] in _NOT_PLAIN_START or " #" in text or ": " in text or text.endswith(":")
            or "\t" in value):
        return None
    if _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str":
        return None
    return text


def entries_of_records(records: Iterable[Record]) -> list[Entry]:
    """The entries of parsed records, as the scan or the YAML index gives them."""
    entries = []
    for record in records:
        label_field = record.type.label_field
        label = record.values.get(label_field) if label_field else None
        english = record.values.get("label_en")
        entries.append((record.id, record.type.name, label.text if isinstance(label, Verbatim) else None,
                        english if isinstance(english, str) else None))
    return entries


def fingerprint(entries: Iterable[Entry]) -> str:
    """A digest of a file's entries: what the build compares between the index and the mapping."""
    return hashlib.blake2b(repr(list(entries)).encode("utf-8"), digest_size=16).hexdigest()
