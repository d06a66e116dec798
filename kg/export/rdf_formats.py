"""The graphs as Turtle, TriG, N-Triples, N-Quads and RDF/XML, byte-identical across runs.

Quad syntaxes (TriG, N-Quads) keep the named graphs; triple syntaxes (Turtle, N-Triples,
RDF/XML) hold their RDF merge, the same set of triples a SPARQL query sees as the default
graph. Order is fixed: sorted N-Triples/N-Quads lines, rdflib's sorted Turtle with the
project's prefixes, and RDF/XML written by pyoxigraph from the sorted triples.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.records.iris import PREFIXES
from kg.release.files import nquads_text, trig_text
from kg.store.results import in_bytes


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax the export writes: its key, file, media type and EU file-type code."""

    key: str
    filename: str
    media_type: str
    eu_file_type: str
    title_en: str
    title_bg: str
    keeps_graphs: bool


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", "kg.ttl", "text/turtle", "RDF_TURTLE", "Turtle", "Turtle", False),
    RdfFormat("trig", "kg.trig", "application/trig", "RDF_TRIG", "TriG (named graphs)",
              "TriG (именувани графи)", True),
    RdfFormat("nt", "kg.nt", "application/n-triples", "RDF_N_TRIPLES", "N-Triples", "N-Triples", False),
    RdfFormat("nq", "kg.nq", "application/n-quads", "RDF_N_QUADS", "N-Quads (named graphs)",
              "N-Quads (именувани графи)", True),
    RdfFormat("rdf", "kg.rdf", "application/rdf+xml", "RDF_XML", "RDF/XML", "RDF/XML", False),
)


def union_graph(graphs: dict[URIRef, Graph]) -> Graph:
    """The RDF merge of the graphs (blank nodes keep their labels: they are canonical already)."""
    union = Graph()
    for identifier in sorted(graphs):
        for triple in graphs[identifier]:
            union.add(triple)
    return union


def ntriples_text(graphs: dict[URIRef, Graph]) -> str:
    """The merged triples as sorted, de-duplicated N-Triples lines."""
    text = union_graph(graphs).serialize(format="nt")
    return "".join(line + "\n" for line in sorted({line for line in text.splitlines() if line.strip()}))


def turtle_text(graphs: dict[URIRef, Graph]) -> str:
    """The merged triples as Turtle with the project's prefixes in their fixed order."""
    union = union_graph(graphs)
    bound = Graph()
    for prefix, namespace in PREFIXES.items():
        bound.bind(prefix, namespace, override=True, replace=True)
    for triple in union:
        bound.add(triple)
    body = bound.serialize(format="turtle")
    body = "\n".join(line for line in body.splitlines() if not line.startswith("@prefix"))
    header = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    return header + "\n" + body.strip() + "\n"


def rdfxml_text(ntriples: str) -> str:
    """RDF/XML of the (already sorted) N-Triples, grouped by subject in that order."""
    triples = list(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    data = in_bytes(ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=dict(PREFIXES)))
    return data.decode("utf-8")


def rdf_texts(graphs: dict[URIRef, Graph], keys: set[str]) -> dict[str, str]:
    """The text of each requested format, by key (``ttl``, ``trig``, ``nt``, ``nq``, ``rdf``)."""
    texts: dict[str, str] = {}
    ntriples = ntriples_text(graphs) if keys & {"nt", "rdf"} else ""
    if "ttl" in keys:
        texts["ttl"] = turtle_text(graphs)
    if "trig" in keys:
        texts["trig"] = trig_text(graphs)
    if "nt" in keys:
        texts["nt"] = ntriples
    if "nq" in keys:
        texts["nq"] = nquads_text(graphs)
    if "rdf" in keys:
        texts["rdf"] = rdfxml_text(ntriples)
    return texts
