"""Byte sizes and SHA-256 sums of the files an export writes (for DCAT-AP and ``SHA256SUMS``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUMS_FILENAME = "SHA256SUMS"


@dataclass(frozen=True)
class FileFacts:
    """A file of the export: its path relative to the export directory, size and SHA-256."""

    name: str
    byte_size: int
    sha256: str


def facts_of(name: str, data: bytes) -> FileFacts:
    return FileFacts(name, len(data), hashlib.sha256(data).hexdigest())


def facts_of_file(root: Path, name: str) -> FileFacts:
    return facts_of(name, (root / name).read_bytes())


def sums_text(facts: list[FileFacts]) -> str:
    """``sha256sum -c`` format: ``<hex>  <name>`` per file, sorted by name."""
    return "".join(f"{fact.sha256}  {fact.name}\n" for fact in sorted(facts, key=lambda fact: fact.name))
