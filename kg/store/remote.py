"""A remote SPARQL 1.1 endpoint behind the same interface as :class:`kg.store.oxigraph.OxigraphStore`.

``kg serve --store URL`` serves the same routes, limits and pages from an external engine
(Oxigraph server, Fuseki, Virtuoso, GraphDB …) instead of the embedded store. Queries go out
by the SPARQL 1.1 Protocol (POST, form-encoded, with the request's default-graph-uri and
named-graph-uri); answers come back as SPARQL JSON results or N-Triples and are wrapped by
:func:`kg.store.results.oxigraph_result`, so every output format the endpoint offers is written by
the same code as for the embedded store.

The remote engine must answer queries without GRAPH over the union of the named graphs (its
default graph), as the embedded store does: ``oxigraph serve --union-default-graph``, Fuseki's
``tdb2:unionDefaultGraph true``. Bound parameters of saved queries are sent as a ``VALUES``
block at the start of the WHERE group (the protocol has no parameters).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from kg.common import formats
from kg.common.errors import KgError
from kg.common.limits import REMOTE_QUERY_TIMEOUT_SECONDS
from kg.store.results import QueryResult, QuerySyntaxError, oxigraph_result, to_oxigraph

WHERE_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
FIRST_GROUP = re.compile(r"\{")
#: What the endpoint may answer in, in order of preference (pyoxigraph parses each back).
ANSWER_FORMATS = (formats.by_key("json"), formats.by_key("ntriples"), formats.by_key("turtle"))
ACCEPT = ", ".join(f"{fmt.media_type}{quality}"
                   for fmt, quality in zip(ANSWER_FORMATS, ("", ";q=0.9", ";q=0.5"), strict=True))


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint at ``url``, queried over HTTP."""

    def __init__(self, url: str, timeout: float = REMOTE_QUERY_TIMEOUT_SECONDS) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise KgError(f"--store {url!r}: not an http(s) URL of a SPARQL endpoint")
        self.url = url
        self.timeout = timeout
        self.description = f"remote SPARQL endpoint {url}"

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0][1:-1] for row in result.rows() if row[0])

    def query(self, text: str, default_graph_uris: Sequence[str] = (),
              named_graph_uris: Sequence[str] = (), bindings: dict[str, Any] | None = None,
              base_iri: str | None = None) -> QueryResult:
        if base_iri and "BASE" not in text.upper().split("PREFIX")[0]:
            text = f"BASE <{base_iri}>\n{text}"
        if bindings:
            text = with_values(text, bindings)
        form = [("query", text)] + [("default-graph-uri", uri) for uri in default_graph_uris] \
            + [("named-graph-uri", uri) for uri in named_graph_uris]
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST",
            headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                media_type = response.headers.get_content_type()
                body = response.read()
        except urllib.error.HTTPError as error:
            message = error.read().decode("utf-8", "replace").strip() or error.reason
            if error.code == 400:
                raise QuerySyntaxError(message) from None
            raise KgError(f"{self.url}: the endpoint answered {error.code}: {message}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise KgError(f"{self.url}: cannot reach the SPARQL endpoint: {error}") from None
        return _wrap(media_type, body, self.url)


def with_values(text: str, bindings: dict[str, Any]) -> str:
    """``text`` with ``bindings`` as a VALUES block opening its WHERE group, so that the
    group's FILTERs, BINDs and OPTIONALs see the values as pyoxigraph's substitutions do."""
    names = list(bindings)
    row = " ".join(str(to_oxigraph(bindings[name])) for name in names)
    block = f" VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }} "
    match = WHERE_GROUP.search(text) or FIRST_GROUP.search(text)
    if match is None:
        raise QuerySyntaxError("the query has no WHERE group to bind its parameters in")
    return text[:match.end()] + block + text[match.end():]


def _wrap(media_type: str, body: bytes, url: str) -> QueryResult:
    """The endpoint's answer as a QueryResult (re-serialisable in every format)."""
    fmt = next((fmt for fmt in ANSWER_FORMATS if fmt.media_type == media_type), None)
    if fmt is None:
        raise KgError(f"{url}: the endpoint answered in {media_type!r}, which is no SPARQL result")
    if fmt.is_results:
        return oxigraph_result(ox.parse_query_results(body, format=fmt.results_format))
    return oxigraph_result(list(ox.parse(body, format=fmt.rdf_format)))
