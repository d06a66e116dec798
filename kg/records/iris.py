"""The only place IRIs are minted: namespaces, record ids, graphs, concepts, locations.

The base is one setting ($KG_BASE, default https://w3id.org/bg-inclusion/), so a publisher
can deploy under their own domain; everything else derives from it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

from rdflib import Literal, Namespace, URIRef

DEFAULT_BASE = "https://w3id.org/bg-inclusion/"
BASE = os.environ.get("KG_BASE", DEFAULT_BASE)
if not BASE.endswith("/"):
    BASE += "/"



def rebased(text: str) -> str:
    """``text`` (a Turtle file, a SPARQL query of the project) with the default base replaced by
    $KG_BASE: ontology/, shapes/ and queries/ are written with the default base, and a deployment
    under its own base reads them through this, so its records, ontology, code lists, shapes and
    saved queries all speak of the same IRIs."""
    return text if BASE == DEFAULT_BASE else text.replace(DEFAULT_BASE, BASE)


def rebased_term(term):
    """One RDF term of a bundled file rebased as :func:`rebased` does (IRIs, and the text of
    literals such as a shape's SPARQL or a sh:namespace); other terms unchanged."""
    if BASE == DEFAULT_BASE:
        return term
    if isinstance(term, URIRef) and DEFAULT_BASE in term:
        return URIRef(rebased(str(term)))
    if isinstance(term, Literal) and DEFAULT_BASE in term:
        return Literal(rebased(str(term)), lang=term.language, datatype=term.datatype)
    return term


BGI = Namespace(BASE + "ontology#")
ONTOLOGY = URIRef(BASE + "ontology")
SHAPES = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("http://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
QB = Namespace("http://purl.org/linked-data/cube#")
CPOV = Namespace("http://data.europa.eu/m8g/")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")
VANN = Namespace("http://purl.org/vocab/vann/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
#: The Publications Office's NUTS concepts (``<http://data.europa.eu/nuts/code/BG415>``).
EU_NUTS = Namespace("http://data.europa.eu/nuts/code/")

#: Prefixes written into every serialisation, in this order (one source of truth).
PREFIXES: dict[str, str] = {
    "bgi": str(BGI),
    "id": str(ID),
    "graph": str(GRAPH),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "locn": str(LOCN),
    "qb": str(QB),
    "cpov": str(CPOV),
    "frapo": str(FRAPO),
    "spdx": str(SPDX),
    "time": str(TIME),
    "vann": str(VANN),
    "adms": str(ADMS),
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_SAFE = "/-._~:"
_VALID_ID = re.compile(r"^[a-z][a-z-]*/[A-Za-z0-9._~:/-]+$")


def curie(name: str) -> URIRef:
    """Expand ``bgi:Project`` or ``skos:prefLabel`` with the project's prefixes."""
    prefix, _, local = name.partition(":")
    if prefix not in PREFIXES:
        raise KeyError(f"unknown prefix in {name!r}")
    return URIRef(PREFIXES[prefix] + local)


def thing(record_id: str) -> URIRef:
    """The IRI of a record: ``org/obshtina-kyustendil`` -> ``<base>id/org/obshtina-kyustendil``."""
    if not _VALID_ID.match(record_id):
        raise ValueError(f"{record_id!r} is not a valid record id")
    return URIRef(str(ID) + quote(record_id, safe=_SAFE))


def child(parent: URIRef, *segments: str) -> URIRef:
    """An IRI under another one, for parts that have no record of their own (an indicator)."""
    return URIRef(str(parent) + "".join("/" + quote(segment, safe="-._~") for segment in segments))


def graph(source_id: str) -> URIRef:
    """The named graph of a source document (or of ``ontology``, ``inferred``, …)."""
    return URIRef(str(GRAPH) + quote(source_id, safe="-._~"))


def source_document(source_id: str) -> URIRef:
    """The resource that stands for a source document itself."""
    return URIRef(str(ID) + "source/" + quote(source_id, safe="-._~"))


def source_location(source_id: str, first_line: int, last_line: int) -> URIRef:
    """Lines of a source text as an RFC 5147 fragment (``#line=14,15`` is line 15)."""
    return URIRef(f"{source_document(source_id)}#line={first_line - 1},{last_line}")


def concept(scheme: str, value: str) -> URIRef:
    return URIRef(f"{ID}concept/{scheme}/{quote(value, safe='-._~')}")


def scheme(name: str) -> URIRef:
    return URIRef(f"{ID}scheme/{name}")


ONTOLOGY_GRAPH = graph("ontology")
VOCABULARIES_GRAPH = graph("vocabularies")
INFERRED_GRAPH = graph("inferred")
AGGREGATES_GRAPH = graph("aggregates")  # derived totals (decision 0023): in no source, not indexed
