"""Linked Data: every ``…/id/…`` IRI served at ``/id/…`` as HTML, Turtle, JSON-LD, N-Triples or
RDF/XML (by ``Accept`` or extension), and the ontology at ``/ontology``.

The HTML page shows the labels in Bulgarian and English, every property with linked values,
the source documents (named graphs) stating each fact, and the incoming links; a project's or
a programme's page also its budget by component and by source (server/views/budget.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup, escape
from rdflib import Literal, URIRef
from rdflib.util import from_n3

from kg.common.formats import content_type
from kg.ontology_docs.page import reference_html
from kg.records import iris
from server.http.errors import error_response, not_acceptable
from server.http.formats import GRAPH_MEDIA, PAGE_EXTENSIONS, PAGE_HTML, PAGE_OFFERS, media_type_of
from server.http.negotiation import choose
from server.http.result_cache import lookup
from server.views.budget import budget_of
from server.views.query_page import charts_available, query_page_url

blueprint = Blueprint("linked_data", __name__)
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label",
          "http://www.w3.org/2004/02/skos/core#prefLabel")
INFERRED = str(iris.INFERRED_GRAPH)


@dataclass
class Value:
    """A value on the page: its text, where it links (a local path or None) and its language."""

    text: str
    href: str | None = None
    language: str = ""
    datatype: str = ""
    iri: str | None = None


@dataclass
class Fact:
    predicate: Value
    value: Value
    sources: list[Value] = field(default_factory=list)
    inferred: bool = False


@dataclass
class Incoming:
    """The links into a resource shown on its page (subject, predicate), how many there are in
    all, and the query page with the query that lists them all."""

    links: list[tuple[Value, Value]]
    total: int
    query_link: str


#: How many incoming links a page lists.
INCOMING_SHOWN = 500

#: Characters that change how text around them is shown without being seen: bidi controls
#: (an IRI or label could read backwards), zero-width characters, the BOM.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@blueprint.app_template_filter("visible")
def visible(text: object) -> Markup:
    """``text`` HTML-escaped, each invisible or direction-changing character shown as ⟨U+XXXX⟩."""
    escaped = str(escape(str(text)))
    return Markup(INVISIBLE.sub(
        lambda m: f'<span class="invisible-char" title="hidden character">⟨U+{ord(m.group()):04X}⟩</span>',
        escaped))


def local_href(iri: str) -> str | None:
    """The path on this server where an IRI of ours is served, or None for others."""
    base = iris.BASE
    if iri.startswith(str(iris.ID)):
        return "/id/" + iri[len(str(iris.ID)):]
    if iri.startswith(str(iris.BGI)) or iri == str(iris.ONTOLOGY):
        return "/ontology" + iri[len(str(iris.ONTOLOGY)):]
    if iri.startswith(base + "graph/"):
        return None
    return iri if iri.startswith(("http://", "https://")) else None


def _term(text: str | None):
    return None if text is None else from_n3(text)


class Describer:
    """Reads what the store says about one resource, for the page and the RDF views."""

    def __init__(self, store) -> None:
        self.store = store

    def labels(self, nodes: list[str]) -> dict[str, str]:
        if not nodes:
            return {}
        values = " ".join(f"<{node}>" for node in nodes[:400])
        rows = self.store.query(f"""
            SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }}
              ?x <{LABELS[0]}>|<{LABELS[1]}> ?l FILTER (lang(?l) = "bg" || lang(?l) = "") }}""").rows()
        found: dict[str, str] = {}
        for node, label in rows:
            found.setdefault(str(_term(node)), str(_term(label)))
        return found

    def sources(self, graphs: list[str]) -> dict[str, str]:
        """The title of the document behind each of ``graphs``. Only those: every record also
        states its dcterms:source, so asking for all (71 149 rows at 10 000 contracts) took
        seconds a page."""
        if not graphs:
            return {}
        values = " ".join(f"<{graph}>" for graph in graphs)
        rows = self.store.query(f"""
            SELECT ?g ?t WHERE {{ VALUES ?g {{ {values} }} ?g <http://purl.org/dc/terms/source> ?d .
              ?d <http://purl.org/dc/terms/title> ?t FILTER (lang(?t) = "bg") }}""").rows()
        return {str(_term(graph)): str(_term(title)) for graph, title in rows}

    def facts(self, iri: str) -> list[Fact]:
        rows = self.store.query(
            f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}").rows()
        grouped: dict[tuple[str, str], list[str]] = {}
        for predicate, obj, graph in rows:
            grouped.setdefault((predicate, obj), []).append(str(_term(graph)))
        nodes = sorted({str(_term(key[0])) for key in grouped}
                       | {str(_term(key[1])) for key in grouped if key[1].startswith("<")})
        labels = self.labels(nodes)
        source_titles = self.sources(sorted({graph for graphs in grouped.values() for graph in graphs
                                             if graph != INFERRED}))
        facts = []
        for (predicate, obj), graphs in grouped.items():
            facts.append(Fact(
                predicate=self._value(_term(predicate), labels),
                value=self._value(_term(obj), labels),
                sources=[Value(source_titles.get(graph, graph.rsplit("/", 1)[-1]),
                               "/id/source/" + graph.rsplit("/", 1)[-1]
                               if graph in source_titles else None)
                         for graph in sorted(set(graphs)) if graph != INFERRED],
                inferred=all(graph == INFERRED for graph in graphs)))
        facts.sort(key=lambda fact: (fact.inferred, fact.predicate.text, fact.value.text))
        return facts

    def incoming(self, iri: str) -> Incoming:
        """Up to INCOMING_SHOWN resources that link here, in IRI order, and how many there are.

        The engine is not asked to sort: pyoxigraph's ORDER BY … LIMIT sorts every link first
        (a programme at 100 000 contracts has 114 897: 10.4 s, past the time limit, where
        reading them all takes 0.8 s). A resource with more links shows the first it finds
        (the store's order, sorted for reading), their number, and a query that lists them all.
        """
        pattern = f"?s ?p <{iri}> FILTER isIRI(?s)"
        rows = self.store.query(
            f"SELECT DISTINCT ?s ?p WHERE {{ {pattern} }} LIMIT {INCOMING_SHOWN + 1}").rows()
        total = len(rows)
        if total > INCOMING_SHOWN:
            rows = rows[:INCOMING_SHOWN]
            counted = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows()
            total = int(str(_term(counted[0][0])))
        rows = sorted(rows, key=lambda row: (str(_term(row[0])), str(_term(row[1]))))
        nodes = sorted({str(_term(s)) for s, _ in rows} | {str(_term(p)) for _, p in rows})
        labels = self.labels(nodes)
        return Incoming([(self._value(_term(s), labels), self._value(_term(p), labels)) for s, p in rows],
                        total, query_page_url(f"SELECT ?s ?p WHERE {{ {pattern} }}", "incoming"))

    @staticmethod
    def _value(term, labels: dict[str, str]) -> Value:
        if isinstance(term, Literal):
            return Value(str(term), None, term.language or "",
                         str(term.datatype).rsplit("#", 1)[-1] if term.datatype else "")
        text = str(term)
        if isinstance(term, URIRef):
            return Value(labels.get(text, text), local_href(text), iri=text)
        return Value(text)


def _format_for(path: str) -> tuple[str, str | None]:
    for extension, key in PAGE_EXTENSIONS.items():
        if path.endswith(extension):
            return path[: -len(extension)], key
    return path, None


def _rdf(iri: str, key: str) -> Response:
    store = current_app.config["KG_STORE"]
    result = store.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")
    response = Response(result.serialize(key), status=200)
    response.headers["Content-Type"] = content_type(media_type_of(key))
    response.headers["Vary"] = "Accept"
    return response


def _negotiated_key() -> str | None:
    """``html`` or the key of the RDF syntax the Accept header prefers; None if it admits none."""
    chosen = choose(request.headers.get("Accept"), PAGE_OFFERS)
    if chosen is None:
        return None
    return "html" if chosen == PAGE_HTML else GRAPH_MEDIA[chosen]


@blueprint.get("/id/<path:path>")
def resource(path: str) -> Response:
    path, key = _format_for(path)
    iri = str(iris.ID) + path
    if any(char in iri for char in '<>"{}|\\^` '):
        return error_response(400, "not a valid resource path")
    store = current_app.config["KG_STORE"]
    if store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}").rows() != [("true",)]:
        return error_response(404, f"nothing is known about {iri}")
    if key is None:
        key = _negotiated_key()
        if key is None:
            return not_acceptable(PAGE_OFFERS)
    # A page changes only with the published generation, so it is kept in the result cache
    # like an answer (decision 0022): a programme's page, which adds up ~100 000 amounts at
    # 100 000 contracts (1.7 s), is made once per generation; KG-Cache says which it was.
    charts = charts_available()
    cached = lookup(("resource", iri, key, charts))
    hit = cached.answer()
    if hit is not None:
        return hit
    if key != "html":
        return cached.keep(_rdf(iri, key))
    describer = Describer(store)
    facts = describer.facts(iri)
    labels: dict[str, set[str]] = {"bg": set(), "en": set()}
    for fact in facts:
        if fact.predicate.iri in LABELS and fact.value.language in labels:
            labels[fact.value.language].add(fact.value.text)
    response = Response(render_template(
        "resource.html", iri=iri, path=path, facts=facts, incoming=describer.incoming(iri),
        label_bg=sorted(labels["bg"]), label_en=sorted(labels["en"]),
        budget=budget_of(store, iri, describer.labels), charts=charts))
    response.headers["Vary"] = "Accept"
    return cached.keep(response)


@blueprint.get("/ontology")
@blueprint.get("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    key = PAGE_EXTENSIONS.get(f".{extension}") if extension else None
    if extension and key is None:
        return error_response(404, f"no ontology format {extension[:20]!r}")
    if key is None:
        key = _negotiated_key()
        if key is None:
            return not_acceptable(PAGE_OFFERS)
    store = current_app.config["KG_STORE"]
    graph = str(iris.ONTOLOGY_GRAPH)
    if key != "html":
        result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        response = Response(result.serialize(key))
        response.headers["Content-Type"] = content_type(media_type_of(key))
        response.headers["Vary"] = "Accept"
        return response
    # The reference page (kg.ontology_docs.page, as `kg docs` writes it), rendered once per version
    # of the ontology files.
    response = Response(reference_html(served=True))
    response.headers["Vary"] = "Accept"
    return response
