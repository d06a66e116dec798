"""Draft records: what ``kg ingest`` writes and a curator has not reviewed yet.

A record with ``curation: draft`` is a draft. The build leaves drafts out of the published
graph unless asked (``kg build --include-drafts``, and then their source graphs are typed
``bgi:UnreviewedGraph``); ``kg check`` lists what each draft asks a reviewer to look at: its
``to_review`` reasons and every verbatim value that carries a ``review`` reason, each with the
YAML file and line. A curator marks a record reviewed by editing that one field
(``curation: reviewed``). The filter lives here, beside the records, so that the build
(:mod:`kg.release`) need not know about :mod:`kg.ingest`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.records.field_values import review_flags
from kg.records.model import Record

DRAFT = "draft"
#: The line a record file must hold for the build to look for drafts in it (a cheap test that
#: keeps the fast line scan of :mod:`kg.records.index_scan` for files without drafts).
DRAFT_MARK = "curation: draft"


def is_draft(record: Record) -> bool:
    return record.values.get("curation") == DRAFT


def is_draft_value(raw: dict) -> bool:
    """The same test on a record as plain YAML (the build's quick index)."""
    return raw.get("curation") == DRAFT


def published(records: Iterable[Record], include_drafts: bool = False) -> list[Record]:
    """The records that go into the graph: all but the drafts, unless ``include_drafts``."""
    return [record for record in records if include_drafts or not is_draft(record)]


@dataclass(frozen=True)
class ReviewItem:
    """One thing a reviewer must look at: where (YAML file and line), the field, the reason."""

    file: Path
    line: int
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [ ] {self.record} {self.field}: {self.reason}"


def review_items(record: Record) -> list[ReviewItem]:
    """The review reasons of one record: its ``to_review`` list and each flagged value."""
    items: list[ReviewItem] = []
    for reason in record.values.get("to_review", []):
        file, line, _ = record.where("to_review")
        items.append(ReviewItem(file, line, record.id, "to_review", reason))
    for name, line, reason in review_flags(record):
        items.append(ReviewItem(record.file, line, record.id, name, reason))
    return items


def review_checklist(records: Iterable[Record]) -> list[ReviewItem]:
    """Every review item of every draft record, in file and line order."""
    items = [item for record in records if is_draft(record) for item in review_items(record)]
    return sorted(items, key=lambda item: (str(item.file), item.line))
