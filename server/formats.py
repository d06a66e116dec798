"""The media types the endpoint offers, and the ``format``/``output``/``results`` overrides.

Overrides come from an allow-list only (never echoed into a header), and SPARQLWrapper's habit
of sending the same override under several names, or twice, is tolerated as long as they agree.
"""

from __future__ import annotations

from kg.store.results import GRAPH_FORMATS, RESULT_FORMATS

#: Offers in server preference order.
RESULT_OFFERS = [media for media, _, _ in RESULT_FORMATS.values()] + [
    "application/json", "application/xml", "text/xml", "text/plain"]
GRAPH_OFFERS = [media for media, _, _ in GRAPH_FORMATS.values()] + [
    "application/json", "application/xml", "text/plain", "application/x-turtle", "text/n3"]

RESULT_MEDIA = {media: key for key, (media, _, _) in RESULT_FORMATS.items()}
RESULT_MEDIA.update({"application/json": "json", "application/xml": "xml", "text/xml": "xml",
                     "text/plain": "tsv"})
GRAPH_MEDIA = {media: key for key, (media, _, _) in GRAPH_FORMATS.items()}
GRAPH_MEDIA.update({"application/json": "jsonld", "application/xml": "rdfxml",
                    "text/plain": "ntriples", "application/x-turtle": "turtle", "text/n3": "turtle"})

#: Override values -> (results format key, graph format key).
OVERRIDES = {
    "json": ("json", "jsonld"), "srj": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"), "srx": ("xml", "rdfxml"),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "nt": (None, "ntriples"), "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"), "rdf/xml": (None, "rdfxml"), "rdf": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),  # SPARQLWrapper's name for RDF/XML
    "trig": (None, "trig"), "nquads": (None, "nquads"), "n-quads": (None, "nquads"),
}
for _media, _key in RESULT_MEDIA.items():
    OVERRIDES.setdefault(_media, (_key, GRAPH_MEDIA.get(_media)))
for _media, _key in GRAPH_MEDIA.items():
    _results = OVERRIDES.get(_media, (None, None))[0]
    OVERRIDES[_media] = (_results, _key)


class FormatError(ValueError):
    """An override that names no format we offer, or overrides that disagree."""


def override_from(values: list[str]) -> str | None:
    """The one override value given (lower-cased), or None; FormatError if unknown or mixed."""
    cleaned: set[str] = set()
    for value in values:
        # A comma-separated value lists alternatives (SPARQLWrapper sends its whole Accept
        # header, e.g. "application/ld+json,application/x-json+ld"): the ones we know count.
        parts = [part.split(";")[0].strip().lower() for part in value.split(",")]
        parts = [part for part in parts if part]
        if len(parts) > 1:
            parts = [part for part in parts if part in OVERRIDES] or parts[:1]
        cleaned.update(parts)
    if not cleaned:
        return None
    unknown = sorted(value for value in cleaned if value not in OVERRIDES)
    if unknown:
        raise FormatError(f"unknown format {unknown[0][:40]!r}; use one of: "
                          + ", ".join(sorted(key for key in OVERRIDES if "/" not in key)))
    if len({OVERRIDES[value] for value in cleaned}) > 1:
        raise FormatError(f"conflicting format parameters: {', '.join(sorted(cleaned))}")
    return cleaned.pop()


def media_type_of(kind: str, key: str) -> str:
    table = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    return table[key][0]
