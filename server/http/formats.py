"""What each endpoint offers, in its order of preference, and the ``format``/``output``/``results``
overrides.

The facts about each format (media types, names, extensions) are in :mod:`kg.common.formats`;
this module only says which of them each endpoint offers and in which order, because that order
decides what a client gets when its Accept header leaves a choice.

Overrides come from an allow-list only (never echoed into a header), and SPARQLWrapper's habit
of sending the same override under several names, or twice, is tolerated as long as they agree.
"""

from __future__ import annotations

from kg.common import formats
from kg.common.formats import GRAPH, RESULTS

# -- /sparql ------------------------------------------------------------------------------------

#: An offered media type -> the key of the format answered in, in server preference order:
#: every served format's own media type, then the aliases.
RESULT_MEDIA = formats.offer_keys(RESULTS)
GRAPH_MEDIA = formats.offer_keys(GRAPH)
RESULT_OFFERS = list(RESULT_MEDIA)
GRAPH_OFFERS = list(GRAPH_MEDIA)
#: Override values -> (results format key, graph format key).
OVERRIDES = formats.override_table()

# -- /id/… and /ontology (server/views/linked_data.py) -----------------------------------------------

#: The HTML page, or the resource's triples (its CONSTRUCT answer) in an RDF syntax.
PAGE_HTML = "text/html"
PAGE_RDF_KEYS = ("turtle", "jsonld", "ntriples", "rdfxml")
PAGE_OFFERS = [PAGE_HTML, *formats.media_types(*PAGE_RDF_KEYS)]
#: ``/id/x.ttl``, ``/ontology.rdf`` …: each offered syntax by its own extension, and ``.html``.
PAGE_EXTENSIONS = {**{formats.by_key(key).extension: key for key in PAGE_RDF_KEYS}, ".html": "html"}

# -- The service description and VoID (server/views/service_description.py) --------------------------

DESCRIPTION_OFFERS = formats.media_types("turtle", "jsonld", "rdfxml", "ntriples")

# -- /dumps/<name>: the build's release files (server/__init__.py; named in VoID) --------------

#: File name -> the key of its syntax: ``kg.nq`` and ``kg.trig``, as ``kg build`` writes them.
DUMPS = {"kg" + formats.by_key(key).extension: key for key in ("nquads", "trig")}

# -- The named-query API (server/views/api.py, server/views/openapi.py) ------------------------------------

#: ``format=`` values for a table, as the API lists them.
API_TABLE_KEYS = ("json", "csv", "tsv", "xml")
#: Offers in server preference order: JSON first (``*/*`` and browsers get JSON), then CSV.
#: ``application/xml`` is left out on purpose: browsers ask for it above ``*/*``.
API_TABLE_OFFERS = [formats.by_key("json").media_type, "application/json",
                    *formats.media_types("csv", "xml", "tsv")]
API_GRAPH_KEYS = tuple(fmt.key for fmt in formats.served(GRAPH))
API_GRAPH_OFFERS = formats.media_types(*API_GRAPH_KEYS)

# -- The query page's download buttons (server/views/query_page.py, server/static/query-page.js) -----

#: (format key, button label), for a table and for a graph.
DOWNLOADS = {"results": (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"), ("xml", "XML")),
             "graph": (("turtle", "Turtle"), ("ntriples", "N-Triples"), ("jsonld", "JSON-LD"),
                       ("rdfxml", "RDF/XML"))}


def download_buttons() -> dict[str, list[list[str]]]:
    """The download buttons as the query page's script takes them: [``format=`` value, label,
    file extension] per button, for a table (``results``) and for a graph (``graph``)."""
    return {kind: [[key, label, formats.by_key(key).extension.lstrip(".")] for key, label in buttons]
            for kind, buttons in DOWNLOADS.items()}


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


def media_type_of(key: str) -> str:
    """The media type an answer in format ``key`` is sent as."""
    return formats.by_key(key).media_type
