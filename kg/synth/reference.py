"""What synthetic records borrow from the bundled records: code lists and real wordings.

Programmes, priority axes, procedures, funds, the plan's concepts and the target groups are
copied as records (so synthetic projects sit under the real programmes and procedures);
activity, measure, action and indicator wordings are pooled so synthetic texts read like the
documents'. Copied records keep their verbatim values but lose their notes and line numbers:
in the synthetic data they belong to a synthetic source without a text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: libyaml's C loader where PyYAML was built with it (much faster), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

COPIED_TYPES = ("Fund", "FinancialMechanism", "Programme", "PriorityAxis", "Procedure", "Concept",
                "TargetGroup", "NutsRegion")
#: What a synthetic district takes from the bundled district of the same id (the reference
#: record nuts-2021-bg): its NUTS-3 region and ISO 3166-2 code, so regional questions answer.
DISTRICT_CODES = ("nuts", "iso_code")
#: Notes, and references to records of types that are not copied (the organisations and
#: strategies a real procedure or programme names: the synthetic data has its own actors).
DROPPED_KEYS = ("note", "intermediate_body", "intermediate_bodies", "managing_authority", "strategy")


@dataclass
class Reference:
    """The bundled records synthetic data reuses, in file order (deterministic)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    activity_labels: list[str] = field(default_factory=list)
    measure_texts: list[str] = field(default_factory=list)
    action_texts: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    #: The bundled districts' DISTRICT_CODES, by record id (place/oblast-…).
    district_codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def of_type(self, type_name: str) -> list[dict[str, Any]]:
        return [record for record in self.records if record["type"] == type_name]

    def ids_of_type(self, type_name: str) -> list[str]:
        return [record["id"] for record in self.of_type(type_name)]


def read_reference(data_dir: Path) -> Reference:
    """Collect the copied records and the wording pools from ``data_dir/records``."""
    reference = Reference()
    seen: set[str] = set()
    for path in sorted((data_dir / "records").glob("*.yaml")):
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        for record in document.get("records") or []:
            kind = record.get("type")
            if kind in COPIED_TYPES and record["id"] not in seen:
                seen.add(record["id"])
                copy = {key: value for key, value in record.items() if key not in DROPPED_KEYS}
                copy["line"] = 1
                reference.records.append(copy)
            elif kind in COPIED_TYPES:  # another document's record of it: merge its references
                first = next(item for item in reference.records if item["id"] == record["id"])
                for key, value in record.items():
                    if isinstance(value, list) and key not in first and all(
                            isinstance(item, str) and "/" in item for item in value):
                        first[key] = value
            elif kind == "Place" and record.get("kind") == "district":
                codes = {key: record[key] for key in DISTRICT_CODES if record.get(key)}
                reference.district_codes.setdefault(record["id"], {}).update(codes)
            elif kind == "Activity":
                _pool(reference.activity_labels, record.get("label"))
            elif kind == "Measure":
                _pool(reference.measure_texts, record.get("text"))
            elif kind == "Action":
                _pool(reference.action_texts, record.get("text"))
                for indicator in record.get("indicators") or []:
                    _pool(reference.indicators, indicator)
    return reference


def _pool(pool: list[str], value: Any) -> None:
    text = plain_text(value)
    if text and text not in pool:
        pool.append(text)


def plain_text(value: Any) -> str | None:
    """The text of a verbatim value in any of its record forms (string, fragments, {raw: …})."""
    if isinstance(value, dict):
        value = value.get("raw")
    if isinstance(value, list):
        value = " ".join(str(fragment).strip() for fragment in value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
