"""Input bytes -> a :class:`Document`: decoded text, its lines and the SHA-256 of the bytes.

Accepted: UTF-8 (with or without a BOM), cp1251 (bytes that are not UTF-8 but read as mostly
Cyrillic letters in cp1251), and HTML (markup stripped with the standard library's parser,
``script``/``style`` dropped, block elements turned into line breaks, entities unescaped).
Refused with :class:`IngestInputError` (a message, never a traceback): binary data (NUL bytes
or many control characters), undecodable text and inputs over :data:`MAX_INPUT_BYTES`. An
empty or blank input is a document with no lines, not an error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kg.common.errors import KgError

MAX_INPUT_BYTES = 5 * 1024 * 1024

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "hr",
    "title", "td", "th", "main", "nav", "aside", "form", "figure", "figcaption",
}
_DROPPED_TAGS = {"script", "style", "noscript", "template", "head"}


class IngestInputError(KgError):
    """An input ``kg ingest`` cannot read as text; the message says why."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Document:
    """The text of one input, split into lines (1-based in facts), with the input's hash."""

    name: str
    text: str
    sha256: str
    encoding: str
    lines: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_TAGS:
            self._dropped = max(0, self._dropped - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of ``html``: one line per block element, runs of blank lines collapsed."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


_LOOKS_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)|<(?:p|div|br|span)\b[^>]*>",
                         re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.search(text[:4096]))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise IngestInputError(f"starts with a UTF-8 byte-order mark but is not UTF-8: {error}") from error  # noqa: E501
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError as error:
        raise IngestInputError("neither UTF-8 nor cp1251 text") from error
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum(1 for char in letters if "\u0400" <= char <= "\u04ff")
    if not letters or cyrillic / len(letters) < 0.5:
        raise IngestInputError("not UTF-8, and not Bulgarian text in cp1251 either "
                               "(give the text as UTF-8)")
    return text, "cp1251"


def read_bytes(data: bytes, name: str = "-", *, max_bytes: int = MAX_INPUT_BYTES,
               html: bool | None = None) -> Document:
    """Decode ``data`` (see the module's docstring). ``html`` None guesses from the content."""
    if len(data) > max_bytes:
        raise IngestInputError(f"{name}: {len(data)} bytes is over the limit of {max_bytes} bytes "
                               f"for one announcement")
    if b"\x00" in data:
        raise IngestInputError(f"{name}: binary data (NUL bytes), not text")
    text, encoding = _decode(data)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f\v")
    if text and controls / len(text) > 0.01:
        raise IngestInputError(f"{name}: binary data ({controls} control characters), not text")
    if html or (html is None and looks_like_html(text)):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(text.split("\n"))
    if not text.strip():
        lines = ()
    return Document(name, text, hashlib.sha256(data).hexdigest(), encoding, lines)


def read_path(path: Path | str, *, max_bytes: int = MAX_INPUT_BYTES) -> Document:
    """Read a file as :func:`read_bytes` does, checking its size before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestInputError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes "
                                   f"for one announcement")
        if not path.is_file():
            raise IngestInputError(f"{path}: not a regular file")
        data = path.read_bytes()
    except OSError as error:
        raise IngestInputError(f"{path}: cannot read: {error.strerror or error}") from error
    html = path.suffix.lower() in (".html", ".htm") or None
    return read_bytes(data, str(path), max_bytes=max_bytes, html=html)
