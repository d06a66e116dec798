"""Triples that say where facts come from: source documents, their graphs, line locations."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, Node, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.records import iris, normalize
from kg.records.model import LineSpan, Source

Triple = tuple[URIRef, URIRef, Node]
EU_LANGUAGES = {"bg": "BUL", "en": "ENG"}
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"


#: The XSD datatype of a source's date, by the name :func:`kg.records.normalize.date_datatype` gives.
_DATE_TYPES = {"date": XSD.date, "gYearMonth": XSD.gYearMonth, "gYear": XSD.gYear}


def describe_source(source: Source, unreviewed: bool = False) -> Iterator[Triple]:
    """The source document and its named graph, described with DCTERMS, PROV and SPDX.

    ``unreviewed``: the graph holds draft records (``kg build --include-drafts``): it is typed
    ``bgi:UnreviewedGraph`` and its labels say so."""
    document = iris.source_document(source.id)
    graph = iris.graph(source.id)
    title_en = source.title_en or source.title
    yield document, RDF.type, iris.BGI.SourceDocument
    yield document, DCTERMS.title, Literal(source.title, lang="bg")
    yield document, RDFS.label, Literal(source.title, lang="bg")
    if source.title_en:
        yield document, DCTERMS.title, Literal(source.title_en, lang="en")
        yield document, RDFS.label, Literal(source.title_en, lang="en")
    yield document, DCTERMS.identifier, Literal(source.id)
    yield document, iris.BGI.sourceKind, iris.concept("source-kinds", source.kind)
    language = EU_LANGUAGES.get(source.language)
    if language:
        yield document, DCTERMS.language, URIRef(LANGUAGE_AUTHORITY + language)
    if source.file:
        yield document, iris.BGI.seedFile, Literal(source.file)
    if source.sha256:
        checksum = iris.child(document, "checksum")
        yield document, iris.BGI.sha256, Literal(source.sha256)
        yield document, iris.SPDX.checksum, checksum
        yield checksum, RDF.type, iris.SPDX.Checksum
        yield checksum, RDFS.label, Literal(f"SHA-256 на {source.file}", lang="bg")
        yield checksum, RDFS.label, Literal(f"SHA-256 of {source.file}", lang="en")
        yield checksum, iris.SPDX.algorithm, iris.SPDX.checksumAlgorithm_sha256
        yield checksum, iris.SPDX.checksumValue, Literal(source.sha256, datatype=XSD.hexBinary)
    if source.publisher:
        yield document, DCTERMS.publisher, iris.thing(source.publisher)
    if source.url:
        yield document, iris.SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)
    if source.date:
        issued = _DATE_TYPES[normalize.date_datatype(source.date)]  # checked when read (kg.records.sources)
        yield document, DCTERMS.issued, Literal(source.date, datatype=issued)
    if source.note:
        yield document, SKOS.editorialNote, Literal(source.note, lang="en")
    yield graph, RDF.type, iris.BGI.SourceGraph
    if unreviewed:
        yield graph, RDF.type, iris.BGI.UnreviewedGraph
        yield graph, RDFS.label, Literal(f"Граф на източника „{source.title}“ (с непрегледани "
                                         "чернови)", lang="bg")
        yield graph, RDFS.label, Literal(f"Graph of the source “{title_en}” (with unreviewed "
                                         "drafts)", lang="en")
    else:
        yield graph, RDFS.label, Literal(f"Граф на източника „{source.title}“", lang="bg")
        yield graph, RDFS.label, Literal(f"Graph of the source “{title_en}”", lang="en")
    yield graph, DCTERMS.source, document
    yield graph, PROV.wasDerivedFrom, document


def location_triples(subject: URIRef, source_id: str, span: LineSpan) -> Iterator[Triple]:
    """``subject bgi:statedAt <doc#line=a,b>`` and what that location is."""
    location = iris.source_location(source_id, span.first, span.last)
    lines = f"{span.first}" if span.first == span.last else f"{span.first}–{span.last}"
    yield subject, iris.BGI.statedAt, location
    yield location, RDF.type, iris.BGI.SourceLocation
    yield location, RDFS.label, Literal(f"{source_id}, ред {lines}", lang="bg")
    yield location, RDFS.label, Literal(f"{source_id}, line {lines}", lang="en")
    yield location, iris.BGI.inDocument, iris.source_document(source_id)
    yield location, iris.BGI.lineStart, Literal(span.first, datatype=XSD.integer)
    yield location, iris.BGI.lineEnd, Literal(span.last, datatype=XSD.integer)
