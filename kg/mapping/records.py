"""One record -> its triples, driven by the field table of :mod:`kg.records.schema`.

Each field kind has one way to become RDF (see the table in :func:`_field_triples`); verbatim
values keep their raw string beside the canonical value (``bgi:…AsWritten``), and every
record says where in its source it is stated (``bgi:statedAt`` an RFC 5147 line fragment).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rdflib import Literal, Node, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.mapping.labels import LabelIndex, generated_labels
from kg.mapping.provenance import location_triples
from kg.mapping.values import (
    as_written_property,
    date_literal,
    decimal_literal,
    duration_literal,
    identifier_literal,
    raw_literal,
    span_literals,
    suffixed_property,
    text_literal,
)
from kg.records import iris, normalize
from kg.records.field_values import parsed_value, review_flags
from kg.records.model import LineSpan, Record, Verbatim
from kg.records.schema import ENUM_SCHEMES, KIND_CLASSES, Field

Triple = tuple[URIRef, URIRef, Node]
DCTERMS_SOURCE = URIRef("http://purl.org/dc/terms/source")
DCTERMS_TYPE = URIRef("http://purl.org/dc/terms/type")
TARGET_GROUP_SCHEME = "target-groups"
NUTS_SCHEME = "nuts-2021"
#: Who keeps the ЕИК/БУЛСТАТ registers (adms:schemeAgency of every registry identifier).
REGISTRY_AGENCY = Literal("Агенция по вписванията", lang="bg")


def record_triples(record: Record, labels: LabelIndex, language: str = "bg"
                   ) -> Iterator[Triple]:
    """Every triple a record states, in its source's terms; text is tagged ``language`` (the
    source's, data/sources.yaml) unless a value says its own ``lang:``."""
    subject = iris.thing(record.id)
    yield subject, RDF.type, iris.curie(record.type.rdf_class)
    if record.type.name == "Dataset":
        yield subject, iris.QB.structure, iris.BGI.documentStatisticsStructure
    if record.type.name == "TargetGroup":
        yield subject, RDF.type, SKOS.Concept
        yield subject, SKOS.inScheme, iris.scheme(TARGET_GROUP_SCHEME)
    if record.type.name == "NutsRegion":
        yield subject, SKOS.inScheme, iris.scheme(NUTS_SCHEME)
        yield subject, SKOS.exactMatch, iris.EU_NUTS[str(record.values["code"].text)]
    yield from _label_triples(record, subject, labels, language)
    for name, value in record.values.items():
        spec = record.type.field_named(name)
        assert spec is not None, name
        yield from _field_triples(subject, spec, value, record, language)
    for name, _line, reason in review_flags(record):
        yield subject, iris.BGI.reviewFlag, Literal(f"{name}: {reason}", lang="en")
    if record.type.name == "Amount" and "current" not in record.values:
        # Every amount says whether it is current, so "the current value" is one pattern.
        yield subject, iris.BGI.isCurrent, Literal(True, datatype=XSD.boolean)
    if record.type.name == "Observation":
        yield from _school_year_triples(subject, record)
    yield subject, DCTERMS_SOURCE, iris.source_document(record.source)
    for span in sorted(_spans_of(record), key=lambda span: (span.first, span.last)):
        yield from location_triples(subject, record.source, span)


def _label_triples(record: Record, subject: URIRef, labels: LabelIndex, language: str
                   ) -> Iterator[Triple]:
    label_field = record.type.label_field
    if label_field and label_field in record.values:
        spec = record.type.field_named(label_field)
        value = record.values[label_field]
        if spec and spec.predicate != "rdfs:label" and isinstance(value, Verbatim):
            yield subject, RDFS.label, text_literal(value, language)
        return
    generated = generated_labels(record, labels)
    if generated:
        bg, en = generated
        yield subject, RDFS.label, Literal(bg, lang="bg")
        if "label_en" not in record.values:
            yield subject, RDFS.label, Literal(en, lang="en")


_SCHOOL_YEAR = re.compile(r"(?<!\d)(\d{4})\s*/\s*(\d{4})(?!\d)")


def _school_year_triples(subject: URIRef, record: Record) -> Iterator[Triple]:
    """A period written as a school year (``2022/2023``, two consecutive years) is published
    as ``bgi:schoolYear "2022/2023"`` beside its start and end."""
    period = record.values.get("period")
    match = _SCHOOL_YEAR.search(period.text) if isinstance(period, Verbatim) else None
    if match and int(match.group(2)) == int(match.group(1)) + 1:
        yield subject, iris.BGI.schoolYear, Literal(f"{match.group(1)}/{match.group(2)}")


def _spans_of(record: Record) -> set[LineSpan]:
    spans = {record.span}
    for value in record.values.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Verbatim):
                spans.update(item.spans)
    return spans


#: Kinds whose verbatim value has a canonical form a parser gives (:func:`parsed_value`).
PARSED_KINDS = frozenset({"ident", "money", "date", "duration", "quantity", "span",
                          "registry-id"})


def _field_triples(subject: URIRef, spec: Field, value: Any, record: Record,
                   language: str = "bg") -> Iterator[Triple]:
    """The field's triples; ``value`` is what the parser made of it, of the type its kind says."""
    curie = spec.predicate
    if curie is None:  # pragma: no cover - every field of the schema has a predicate
        return
    predicate = iris.curie(curie)
    kind = spec.kind
    if (kind in PARSED_KINDS and isinstance(value, Verbatim) and value.normalised is None
            and parsed_value(kind, value) is None):
        # a value that does not parse (accepted only with review:): kept as written only
        yield subject, _as_written_of(kind, predicate), raw_literal(value)
        return
    if kind == "text":
        yield subject, predicate, text_literal(value, language)
    elif kind == "texts":
        yield from _texts_triples(subject, spec, predicate, value, language)
    elif kind == "ident":
        yield subject, predicate, identifier_literal(value)
        yield subject, iris.BGI.identifierAsWritten, raw_literal(value)
        if value.normalised is not None:
            yield subject, iris.BGI.identifierCorrectedByCurator, Literal(True)
    elif kind == "code":
        yield subject, predicate, raw_literal(value)
    elif kind == "registry-id":
        yield from _registry_id_triples(subject, predicate, value)
    elif kind == "money":
        yield from _money_triples(subject, predicate, value)
    elif kind == "date":
        yield subject, predicate, date_literal(value)
        yield subject, as_written_property(predicate), raw_literal(value)
        if value.inferred_year is not None:
            yield subject, iris.BGI.yearInferred, Literal(True)
    elif kind == "duration":
        yield subject, predicate, duration_literal(value)
        yield subject, as_written_property(predicate), raw_literal(value)
    elif kind == "quantity":
        yield from _quantity_triples(subject, predicate, value)
    elif kind == "span":
        start, end = span_literals(value)
        yield subject, suffixed_property(predicate, "Start"), start
        yield subject, suffixed_property(predicate, "End"), end
        yield subject, as_written_property(predicate), raw_literal(value)
    elif kind == "ref":
        yield subject, predicate, iris.thing(value)
    elif kind == "refs":
        for target in value:
            yield subject, predicate, iris.thing(target)
    elif kind == "enum":
        yield from _enum_triples(subject, curie, predicate, value)
    elif kind == "int":
        yield subject, predicate, Literal(value, datatype=XSD.integer)
    elif kind == "bool":
        yield subject, predicate, Literal(value, datatype=XSD.boolean)
    elif kind in ("en", "note"):
        yield subject, predicate, Literal(value, lang="en")
    elif kind == "bg":
        yield subject, predicate, Literal(value, lang="bg")
    elif kind == "readings":
        yield from _reading_triples(subject, predicate, value)
    else:  # pragma: no cover - schema and mapping disagree
        raise AssertionError(f"no mapping for field kind {kind!r} ({record.id})")


def _as_written_of(kind: str, predicate: URIRef) -> URIRef:
    """Where the mapping keeps the written string of a field of ``kind`` (as for a parsed one)."""
    if kind == "ident":
        return iris.BGI.identifierAsWritten
    if kind == "money":
        return iris.BGI.valueAsWritten
    return as_written_property(predicate)


def _texts_triples(subject: URIRef, spec: Field, predicate: URIRef, values: list[Verbatim],
                   language: str = "bg") -> Iterator[Triple]:
    if not spec.child_class:
        for value in values:
            yield subject, predicate, text_literal(value, language)
        return
    local = spec.name.rstrip("s")
    for position, value in enumerate(values, start=1):
        node = iris.child(subject, local, str(position))
        yield node, RDF.type, iris.curie(spec.child_class)
        yield node, RDFS.label, text_literal(value, language)
        yield node, iris.BGI.position, Literal(position, datatype=XSD.integer)
        yield subject, predicate, node


def _registry_id_triples(subject: URIRef, predicate: URIRef, value: Verbatim
                         ) -> Iterator[Triple]:
    """An ЕИК/БУЛСТАТ: the digits as a plain literal (``bgi:registryId``, for easy queries) and as
    an ADMS identifier node (``adms:identifier``: skos:notation, scheme agency, dcterms:type)."""
    digits = normalize.parse_registry_id(value.text)
    yield subject, predicate, Literal(digits)
    yield subject, as_written_property(predicate), raw_literal(value)
    node = iris.child(subject, "registry-id")
    yield subject, iris.ADMS.identifier, node
    yield node, RDF.type, iris.ADMS.Identifier
    yield node, SKOS.notation, Literal(digits)
    yield node, iris.ADMS.schemeAgency, REGISTRY_AGENCY
    yield node, DCTERMS_TYPE, iris.concept("identifier-schemes", "eik-bulstat")
    yield node, RDFS.label, Literal(f"ЕИК/БУЛСТАТ {digits}", lang="bg")
    yield node, RDFS.label, Literal(f"UIC/BULSTAT {digits}", lang="en")


def _money_triples(subject: URIRef, predicate: URIRef, value: Verbatim) -> Iterator[Triple]:
    money = normalize.parse_money(value.text)
    yield subject, predicate, decimal_literal(money.value)
    if money.currency is not None:  # a figure written with no currency has none (never guessed)
        yield subject, iris.SCHEMA.currency, Literal(money.currency)
    yield subject, iris.BGI.valueAsWritten, raw_literal(value)
    if money.currency == "BGN":
        eur = iris.child(subject, "eur")
        eur_value = normalize.eur_from_bgn(money.value)
        yield subject, iris.BGI.eurEquivalent, eur
        yield eur, RDF.type, iris.BGI.DerivedAmount
        yield eur, RDFS.label, Literal(f"{eur_value} EUR (по фиксирания курс 1.95583)", lang="bg")
        yield eur, RDFS.label, Literal(f"{eur_value} EUR (at the fixed rate 1.95583)", lang="en")
        yield eur, iris.SCHEMA.value, decimal_literal(eur_value)
        yield eur, iris.SCHEMA.currency, Literal("EUR")
        yield eur, iris.BGI.conversionRate, decimal_literal(normalize.BGN_PER_EUR)
        yield eur, PROV.wasDerivedFrom, subject


def _quantity_triples(subject: URIRef, predicate: URIRef, value: Verbatim) -> Iterator[Triple]:
    quantity = normalize.parse_quantity(value.text)
    yield subject, predicate, decimal_literal(quantity.value)
    yield subject, as_written_property(predicate), raw_literal(value)
    if quantity.approximation != "exact":
        yield subject, iris.BGI.approximation, iris.concept("approximations",
                                                            quantity.approximation)


def _enum_triples(subject: URIRef, curie: str, predicate: URIRef, value: str
                  ) -> Iterator[Triple]:
    if curie == "skos:inScheme":
        yield subject, predicate, iris.scheme(value)
        return
    yield subject, predicate, iris.concept(ENUM_SCHEMES[curie], value)
    classes = KIND_CLASSES.get(curie)
    if classes:
        yield subject, RDF.type, iris.curie(classes[value])


def _reading_triples(subject: URIRef, predicate: URIRef, readings) -> Iterator[Triple]:
    for position, reading in enumerate(readings, start=1):
        node = iris.child(subject, "reading", str(position))
        yield subject, predicate, node
        yield node, RDF.type, iris.BGI.Reading
        yield node, RDF.value, Literal(normalize.collapse_whitespace(reading.value), lang="bg")
        yield node, RDFS.label, Literal(normalize.collapse_whitespace(reading.value), lang="bg")
        yield node, iris.BGI.statedIn, iris.source_document(reading.source)
        yield node, iris.BGI.isCurrent, Literal(reading.current, datatype=XSD.boolean)
        yield node, iris.BGI.position, Literal(position, datatype=XSD.integer)
        yield from location_triples(node, reading.source, reading.span)
