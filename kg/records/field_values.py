"""Read one field of a record from its YAML value, checked by the field's kind in :mod:`kg.records.schema`.

Each kind has its own shape (a verbatim value with the lines it is cited from, a reference, an
enum value, the readings of a disagreement …); a value of the wrong shape, or a verbatim value
that will not normalise (:mod:`kg.records.normalize`), raises :class:`ValueError` with the reason,
which the loader (:mod:`kg.records.sources`) turns into a
:class:`~kg.common.errors.RecordError` at the field's line.
The same readers serve the large build's quick label scan (:mod:`kg.release.build_stream`) and the
mapping's canonical identifiers (:func:`canonical_identifier`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kg.records import normalize
from kg.records.model import LineSpan, Reading, Record, Verbatim
from kg.records.schema import VERBATIM_KINDS, Field

VERBATIM_KEYS = frozenset({"raw", "line", "normalised", "review", "lang", "inferred_year"})


def read_verbatim(value: Any, default: LineSpan) -> Verbatim:
    """A verbatim value as written: text, a list of fragments or ``{raw: ..., line: ...}``.

    The mapping form may also say ``normalised`` (a curator's canonical form of a corrupted
    identifier), ``review`` (why the value needs review; a value that does not parse is then
    kept as written, unparsed), ``lang`` (the language of this value, where it differs from
    the source's) and ``inferred_year`` (a year the curator inferred for a date written
    without one). Fragments without lines of their own are cited from ``default``."""
    extras: dict[str, Any] = {}
    if isinstance(value, dict):
        unknown = set(value) - VERBATIM_KEYS
        if unknown or "raw" not in value:
            raise ValueError("a cited value is {raw: ..., line: N} (optionally normalised, "
                             "review, lang, inferred_year)")
        raw_value = value["raw"]
        lines = value.get("line", None)
        for key in ("normalised", "review", "lang"):
            if key in value:
                if not isinstance(value[key], str) or not value[key].strip():
                    raise ValueError(f"'{key}' is non-empty text")
                extras[key] = value[key].strip()
        if "lang" in extras and not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*",
                                                 extras["lang"]):
            raise ValueError(f"'lang' {extras['lang']!r} is not a BCP 47 language tag (bg, en)")
        if "inferred_year" in value:
            year = value["inferred_year"]
            if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
                raise ValueError("'inferred_year' is a year such as 2021")
            extras["inferred_year"] = year
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
    return Verbatim(tuple(fragments), tuple(spans), **extras)


def read_value(spec: Field, value: Any, default: LineSpan) -> Any:
    """The value of field ``spec``, checked and in the form the mapping expects for its kind."""
    kind = spec.kind
    if kind in VERBATIM_KINDS and kind != "texts":
        verbatim = read_verbatim(value, default)
        if verbatim.normalised is not None and kind != "ident":
            raise ValueError("'normalised' is given only for identifiers")
        if verbatim.inferred_year is not None and kind != "date":
            raise ValueError("'inferred_year' is given only for dates")
        if verbatim.normalised is not None:
            _parse_identifier(verbatim.normalised)
        try:
            _parse_verbatim(kind, verbatim.text)
        except (ValueError, normalize.NormalisationError):
            if verbatim.review is None and verbatim.normalised is None:
                raise
        else:
            if (verbatim.inferred_year is not None
                    and normalize.parse_date(verbatim.text).datatype != "gMonthDay"):
                raise ValueError("'inferred_year' is given only for a date written without a "
                                 "year (such as '15.09.')")
        return verbatim
    if kind == "texts":
        if not isinstance(value, list) or not value:
            raise ValueError("expected a non-empty list of texts")
        return [read_verbatim(item, default) for item in value]
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
    if kind == "reasons":
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(item, str) and item.strip() for item in items):
            raise ValueError("expected a list of review reasons (non-empty text)")
        return [item.strip() for item in items]
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
    parser = _PARSERS.get(kind)
    if parser:
        parser(text)


def _parse_identifier(text: str) -> str:
    try:
        return normalize.normalise_identifier(text)
    except normalize.NormalisationError:
        return normalize.normalise_programme_code(text)


def parsed_value(kind: str, value: Verbatim) -> Any:
    """What the parser of ``kind`` makes of ``value``, or ``None`` where it does not parse
    (only a value with ``review:`` or ``normalised:`` gets this far unparsed)."""
    try:
        return _PARSERS[kind](value.text)
    except (ValueError, normalize.NormalisationError):
        return None


def review_flags(record: Record) -> list[tuple[str, int, str]]:
    """Every value of ``record`` a curator flagged with ``review:``, as (field, YAML line,
    reason) in field order: ``kg check`` lists them, the mapping publishes ``bgi:reviewFlag``."""
    flags = []
    for name, value in record.values.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Verbatim) and item.review:
                flags.append((name, record.where(name)[1], item.review))
    return flags


def canonical_identifier(text: str) -> str:
    """The canonical form of an ИСУН number or programme code, whichever it is."""
    return _parse_identifier(text)


#: The parser of each verbatim kind that has a canonical value (text kinds have none).
_PARSERS: dict[str, Callable[[str], Any]] = {
    "ident": _parse_identifier,
    "money": normalize.parse_money,
    "date": normalize.parse_date,
    "duration": normalize.parse_duration,
    "quantity": normalize.parse_quantity,
    "span": normalize.parse_span,
    "registry-id": normalize.parse_registry_id,
}
