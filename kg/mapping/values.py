"""Verbatim values -> RDF literals, through the pure parsers of :mod:`kg.records.normalize`."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.records import iris, normalize
from kg.records.field_values import canonical_identifier
from kg.records.model import Verbatim


def text_literal(value: Verbatim, language: str = "bg") -> Literal:
    """The text tagged with its own ``lang:`` where it has one, else the source's language."""
    return Literal(value.text, lang=value.lang or language)


def raw_literal(value: Verbatim) -> Literal:
    """The string exactly as written (fragments of a split cell joined by one space)."""
    return Literal(" ".join(fragment.strip() for fragment in value.fragments))


def identifier_literal(value: Verbatim) -> Literal:
    """The canonical identifier: the curator's ``normalised:`` form where given, else the
    normalised written one."""
    return Literal(value.normalised or canonical_identifier(value.text))


def date_literal(value: Verbatim) -> Literal:
    """The date at the precision written; a day without a year (``gMonthDay``) completed with
    the curator's ``inferred_year`` where given (the mapping marks it ``bgi:yearInferred``)."""
    parsed = normalize.parse_date(value.text)
    if parsed.datatype == "gMonthDay" and value.inferred_year is not None:
        parsed = normalize.with_year(parsed, value.inferred_year)
    return Literal(parsed.lexical, datatype=XSD[parsed.datatype])


def duration_literal(value: Verbatim) -> Literal:
    return Literal(normalize.parse_duration(value.text), datatype=XSD.duration)


def decimal_literal(number) -> Literal:
    """An xsd:decimal literal written exactly as the decimal is (no float rounding).

    The XSD canonical form (no trailing zeros, whole numbers with ".0"): Turtle's decimal
    shorthand writes the same lexical form back, pyoxigraph (which canonicalises on load) and
    rdflib hold identical terms, and every serialisation round-trips. The amount as the
    document writes it is kept in ``bgi:valueAsWritten``.
    """
    lexical = format(number.normalize(), "f")
    if "." not in lexical:
        lexical += ".0"
    return Literal(lexical, datatype=XSD.decimal)


def span_literals(value: Verbatim) -> tuple[Literal, Literal]:
    start, end = normalize.parse_span(value.text)
    return Literal(start, datatype=XSD.gYear), Literal(end, datatype=XSD.gYear)


def as_written_property(predicate: URIRef) -> URIRef:
    """``bgi:startDate`` -> ``bgi:startDateAsWritten``; ``dcterms:date`` -> ``bgi:dateAsWritten``."""
    local = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return iris.BGI[local + "AsWritten"]


def suffixed_property(predicate: URIRef, suffix: str) -> URIRef:
    local = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return iris.BGI[local + suffix]
