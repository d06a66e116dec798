"""Content negotiation per RFC 9110 §12.5.1: q-values, wildcards, specificity, server order.

For each offer the most specific matching media range decides its quality (``text/turtle``
beats ``text/*`` beats ``*/*``); ``q=0`` refuses. The offer with the highest quality wins and
ties go to the server's order of preference. No acceptable offer means 406.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    quality: float
    parameters: tuple[tuple[str, str], ...]

    def matches(self, media_type: str) -> int:
        """How specifically this range matches (3 exact+params, 2 exact, 1 type/*, 0 */*, -1 no)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 3 if self.parameters else 2


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a malformed range is skipped, never an error."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, ())]
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        quality = 1.0
        parameters = []
        for parameter in pieces[1:]:
            name, _, value = parameter.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
            elif name:
                parameters.append((name, value))
        if main and sub and not (main == "*" and sub != "*"):
            ranges.append(MediaRange(main, sub, quality, tuple(parameters)))
    return ranges


def choose(header: str | None, offers: list[str]) -> str | None:
    """The best of ``offers`` (in server preference order) for an Accept header, or None."""
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        specificity, quality = -1, 0.0
        for media_range in ranges:
            match = media_range.matches(offer)
            if match > specificity:
                specificity, quality = match, media_range.quality
        if specificity < 0 or quality <= 0:
            continue
        key = (quality, -order)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen
