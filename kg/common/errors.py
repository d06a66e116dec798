"""Errors that carry their place: file, line, field, and what is wrong.

The command line prints them as ``file:line: field: message`` and exits non-zero; it never
shows a traceback for a problem in the user's data.
"""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base of every error the command line reports without a traceback."""


class RecordError(KgError):
    """A problem in a YAML record or source description, at a place a curator can open."""

    def __init__(self, file: Path | str, line: int, field: str, message: str) -> None:
        self.file = Path(file)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{self.file}:{line}: {field}: {message}")
