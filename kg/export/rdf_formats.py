"""The graphs as Turtle, TriG, N-Triples, N-Quads and RDF/XML, byte-identical across runs.

Quad syntaxes (TriG, N-Quads) keep the named graphs; triple syntaxes (Turtle, N-Triples,
RDF/XML) hold their RDF merge, the same set of triples a SPARQL query sees as the default
graph. Order is fixed: sorted N-Triples/N-Quads lines, rdflib's sorted Turtle with the
project's prefixes, and RDF/XML written by pyoxigraph from the sorted triples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.common import formats
from kg.common.formats import Format
from kg.export.selection import RDF_DUMP_KEYS, selection_name
from kg.records.iris import PREFIXES
from kg.release.files import nquads_text, trig_text
from kg.store.results import in_bytes

#: The file every dump is named after: kg.ttl, kg.trig …
DUMP_STEM = "kg"


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax the export writes (:data:`kg.common.formats.FORMATS` has the rest) and its
    file: key (``--formats`` name), file name, media type, EU file-type code, titles."""

    syntax: Format

    @property
    def key(self) -> str:
        return selection_name(self.syntax.key)

    @property
    def filename(self) -> str:
        return DUMP_STEM + self.syntax.extension

    @property
    def media_type(self) -> str:
        return self.syntax.media_type

    @property
    def eu_file_type(self) -> str:
        return self.syntax.eu_file_type or ""

    @property
    def keeps_graphs(self) -> bool:
        return self.syntax.keeps_graphs

    @property
    def title_en(self) -> str:
        return self.syntax.title + (" (named graphs)" if self.keeps_graphs else "")

    @property
    def title_bg(self) -> str:
        return self.syntax.title + (" (именувани графи)" if self.keeps_graphs else "")


RDF_FORMATS: tuple[RdfFormat, ...] = tuple(RdfFormat(formats.by_key(key)) for key in RDF_DUMP_KEYS)


def union_graph(graphs: dict[URIRef, Graph]) -> Graph:
    """The RDF merge of the graphs (blank nodes keep their labels: they are canonical already)."""
    union = Graph()
    for identifier in sorted(graphs):
        for triple in graphs[identifier]:
            union.add(triple)
    return union


def ntriples_text(graphs: dict[URIRef, Graph]) -> str:
    """The merged triples as sorted, de-duplicated N-Triples lines."""
    text = union_graph(graphs).serialize(format=formats.by_key("ntriples").rdflib_name)
    return "".join(line + "\n" for line in sorted({line for line in text.splitlines() if line.strip()}))


def turtle_text(graphs: dict[URIRef, Graph]) -> str:
    """The merged triples as Turtle with the project's prefixes in their fixed order."""
    union = union_graph(graphs)
    bound = Graph()
    for prefix, namespace in PREFIXES.items():
        bound.bind(prefix, namespace, override=True, replace=True)
    for triple in union:
        bound.add(triple)
    body = bound.serialize(format=formats.by_key("turtle").rdflib_name)
    body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    return header + "\n" + body.strip() + "\n"


def rdfxml_text(ntriples: str) -> str:
    """RDF/XML of the (already sorted) N-Triples, grouped by subject in that order."""
    triples = list(ox.parse(ntriples.encode("utf-8"), format=formats.by_key("ntriples").rdf_format))
    data = in_bytes(ox.serialize(triples, format=formats.by_key("rdfxml").rdf_format,
                                 prefixes=dict(PREFIXES)))
    return data.decode("utf-8")


def rdf_texts(graphs: dict[URIRef, Graph], keys: set[str]) -> dict[str, str]:
    """The text of each requested format, by its ``--formats`` name (``ttl``, ``trig``, ``nt``,
    ``nq``, ``rdf``), in the order of :data:`RDF_FORMATS`."""
    wanted = [spec.syntax.key for spec in RDF_FORMATS if spec.key in keys]
    ntriples = ntriples_text(graphs) if {"ntriples", "rdfxml"} & set(wanted) else ""
    writers: dict[str, Callable[[], str]] = {
        "turtle": lambda: turtle_text(graphs), "trig": lambda: trig_text(graphs),
        "ntriples": lambda: ntriples, "nquads": lambda: nquads_text(graphs),
        "rdfxml": lambda: rdfxml_text(ntriples)}
    return {selection_name(key): writers[key]() for key in wanted}
