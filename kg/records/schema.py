"""The record schema: what a curated record of each type may say, and how it maps to RDF.

This module is the single source of truth for the shape of ``data/records/*.yaml``: the
loader (:mod:`kg.records.sources`) checks records against it, the mapping (:mod:`kg.mapping`) turns
fields into triples with the predicates named here, and the ontology must declare every
``bgi:`` term used here (a test checks that). Keeping it declarative means a new field is one
line here plus its declaration in the ontology, never a new code path.

Field kinds (what the YAML value is and how it is checked):

``text``       verbatim text from the source document; checked to occur at the cited line(s).
               A plain string, a list of fragments (a table cell split over several lines), or
               ``{raw: ..., line: N}`` / ``{raw: [...], line: [N, M]}`` to cite other lines.
``texts``      a list of ``text`` values (each may cite its own line).
``ident``      a verbatim identifier (ИСУН number, CCI code); normalised to canonical Latin.
``money``      a verbatim amount with its currency (``882 659.05 лв.``).
``date``       a verbatim date (``05.07.2022г.``, ``месец февруари 2016 г.``, ``2022 г.``).
``duration``   a verbatim duration (``24 месеца``).
``quantity``   a verbatim count or share, maybe approximate (``около 12 000 души``, ``над 70%``).
``span``       a verbatim span of years (``2022 - 2024``, ``2022 г.-2024``).
``ref``/``refs`` the id of another record (``org/obshtina-kyustendil``), anywhere in data/.
``enum``       one value of a fixed set (listed in the field).
``int``        a curated integer (a position in a list).
``bool``       a curated flag.
``en``/``bg``  a curator's English / Bulgarian text (not checked against the document).
``readings``   the readings of a disagreement: value, source, line, current.
``note``       a curator's note in English (why a reading was chosen, what a cell held).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.records.codelists import (
    APPROXIMATIONS,
    DATA_SCHEMES,
    ENUM_SCHEMES,
    KIND_CLASSES,
    ORGANISATION_KINDS,
    PLACE_KINDS,
    ROLES,
    SERVICE_KINDS,
    UNITS,
)

__all__ = ["APPROXIMATIONS", "DATA_SCHEMES", "ENUM_SCHEMES", "KIND_CLASSES", "TYPES", "Field",
           "RecordType"]

VERBATIM_KINDS = frozenset({"text", "texts", "ident", "money", "date", "duration", "quantity", "span"})


@dataclass(frozen=True)
class Field:
    """One field of a record type: its YAML name, kind, RDF predicate and cardinality."""

    name: str
    kind: str
    predicate: str | None = None
    required: bool = False
    values: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # record types a ref may point to (empty: any)
    child_class: str | None = None  # for texts minted as resources (indicators)


@dataclass(frozen=True)
class RecordType:
    """A record type: the id prefix it lives under, its OWL class and its fields."""

    name: str
    id_prefix: str | tuple[str, ...]
    rdf_class: str
    fields: tuple[Field, ...]
    label_field: str | None = None
    doc: str = ""
    extra_classes: dict[str, dict[str, str]] = field(default_factory=dict)

    def field_named(self, name: str) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None


def F(name: str, kind: str, predicate: str | None = None, **options) -> Field:  # noqa: N802
    """Shorthand so the table below reads as a table."""
    return Field(name, kind, predicate, **options)


COMMON_FIELDS: tuple[Field, ...] = (
    F("label_en", "en", "rdfs:label"),
    F("note", "note", "skos:editorialNote"),
)

TYPES: dict[str, RecordType] = {}


def _register(record_type: RecordType) -> None:
    TYPES[record_type.name] = record_type


_register(RecordType("Fund", "fund/", "bgi:Fund", (
    F("name", "text", "rdfs:label", required=True),
    F("abbreviation", "text", "bgi:abbreviation"),
), label_field="name", doc="An EU fund (ESF)."))

_register(RecordType("FinancialMechanism", "fund/", "bgi:FinancialMechanism", (
    F("name", "text", "rdfs:label", required=True),
    F("period", "text", "bgi:programmingPeriod"),
), label_field="name", doc="A financial mechanism (EEA Grants 2014-2021)."))

_register(RecordType("Programme", "programme/", "bgi:Programme", (
    F("name", "text", "rdfs:label", required=True),
    F("kind", "enum", "bgi:programmeKind", required=True,
      values=("operational-programme", "eea-programme", "national-programme")),
    F("abbreviation", "text", "bgi:abbreviation"),
    F("code", "ident", "dcterms:identifier"),
    F("period", "text", "bgi:programmingPeriod"),
    F("funded_by", "refs", "bgi:fundedBy", targets=("Fund", "FinancialMechanism")),
), label_field="name", doc="A funding programme (OP HRD, OP SESG, an EEA programme, a national programme)."))

_register(RecordType("PriorityAxis", "programme/", "bgi:PriorityAxis", (
    F("programme", "ref", "bgi:priorityAxisOf", required=True, targets=("Programme",)),
    F("name", "text", "rdfs:label", required=True),
    F("number", "int", "bgi:number"),
), label_field="name", doc="A priority axis of a programme."))

_register(RecordType("Procedure", "procedure/", "bgi:Procedure", (
    F("code", "ident", "dcterms:identifier", required=True),
    F("name", "text", "rdfs:label"),
    F("programmes", "refs", "bgi:underProgramme", required=True, targets=("Programme",)),
    F("axes", "refs", "bgi:underPriorityAxis", targets=("PriorityAxis",)),
    F("award", "enum", "bgi:awardMode", values=("direct-award", "competitive")),
), label_field="name", doc="A grant procedure (ИСУН procedure code)."))

_register(RecordType("ProcedureComponent", "procedure/", "bgi:ProcedureComponent", (
    F("procedure", "ref", "bgi:componentOf", required=True, targets=("Procedure",)),
    F("name", "text", "rdfs:label", required=True),
    F("number", "int", "bgi:number"),
), label_field="name", doc="A component of a procedure (Компонент 1)."))

_register(RecordType("Contract", "contract/", "bgi:GrantContract", (
    F("number", "ident", "dcterms:identifier", required=True),
    F("programme", "ref", "bgi:underProgramme", required=True, targets=("Programme",)),
    F("procedure", "ref", "bgi:underProcedure", required=True, targets=("Procedure",)),
    F("project", "ref", "bgi:fundsProject", required=True, targets=("Project",)),
    F("kind_as_written", "text", "bgi:contractKindAsWritten"),
    F("target_groups", "refs", "bgi:targetGroup", targets=("TargetGroup",)),
), doc="A grant contract: one per programme leg of a project."))

_register(RecordType("Amendment", "project/", "bgi:Amendment", (
    F("number", "text", "bgi:amendmentNumber", required=True),
    F("amends", "refs", "bgi:amends", required=True, targets=("Contract",)),
    F("new_end_date", "date", "bgi:newEndDate"),
    F("kind_as_written", "text", "bgi:contractKindAsWritten"),
), doc="A numbered amendment (споразумение) to one or more contracts."))

_register(RecordType("Project", "project/", "bgi:Project", (
    F("title", "text", "rdfs:label", required=True),
    F("number", "ident", "dcterms:identifier"),
    F("procedures", "refs", "bgi:underProcedure", targets=("Procedure",)),
    F("component", "ref", "bgi:underComponent", targets=("ProcedureComponent",)),
    F("programmes", "refs", "bgi:underProgramme", targets=("Programme",)),
    F("axes", "refs", "bgi:underPriorityAxis", targets=("PriorityAxis",)),
    F("description", "text", "dcterms:description"),
    F("duration", "duration", "bgi:plannedDuration"),
    F("start", "date", "bgi:startDate"),
    F("end", "date", "bgi:endDate"),
    F("places", "refs", "bgi:place", targets=("Place",)),
    F("contributes_to", "refs", "bgi:contributesTo", targets=("StrategicDocument",)),
    F("target_groups", "refs", "bgi:targetGroup", targets=("TargetGroup",)),
    F("expected_results", "texts", "bgi:expectedResult"),
    F("co_financed_by", "refs", "bgi:coFinancedBy", targets=("Fund", "FinancialMechanism")),
), label_field="title", doc="A project carried out under one or more contracts."))

_register(RecordType("ProjectObjective", "project/", "bgi:ProjectObjective", (
    F("project", "ref", "bgi:objectiveOf", required=True, targets=("Project",)),
    F("kind", "enum", "bgi:objectiveKind", required=True, values=("general", "specific")),
    F("text", "text", "rdfs:label", required=True),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("position", "int", "bgi:position"),
), label_field="text", doc="A general or specific objective of a project."))

_register(RecordType("Participation", "project/", "bgi:Participation", (
    F("project", "ref", "bgi:participationIn", required=True, targets=("Project",)),
    F("agent", "ref", "bgi:participant", required=True, targets=("Organisation",)),
    F("role", "enum", "bgi:role", required=True, values=ROLES),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("since", "date", "bgi:startDate"),
    F("name_as_written", "text", "bgi:nameAsWritten"),
), doc="An organisation's part in a project, with a role, maybe scoped to a programme."))

_register(RecordType("Activity", "project/", "bgi:Activity", (
    F("project", "ref", "bgi:activityOf", required=True, targets=("Project",)),
    F("label", "text", "rdfs:label", required=True),
    F("notation", "text", "skos:notation"),
    F("position", "int", "bgi:position"),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("performed_by", "refs", "bgi:performedBy", targets=("Organisation",)),
    F("venues", "refs", "bgi:venue", targets=("Organisation", "Place", "ServiceCentre")),
), label_field="label", doc="An activity of a project."))

_register(RecordType("TargetGroup", "target-group/", "bgi:TargetGroup", (
    F("label", "text", "skos:prefLabel", required=True),
), label_field="label", doc="A target group (a concept of the target-group scheme)."))

_register(RecordType("Organisation", "org/", "bgi:Organisation", (
    F("name", "text", "rdfs:label", required=True),
    F("kind", "enum", "bgi:organisationKind", required=True, values=tuple(ORGANISATION_KINDS)),
    F("abbreviation", "text", "bgi:abbreviation"),
    F("legal_form", "enum", "bgi:legalForm", values=("OOD", "EOOD")),
    F("branch_of", "ref", "bgi:branchOf", targets=("Organisation",)),
    F("part_of", "ref", "org:subOrganizationOf", targets=("Organisation",)),
    F("place", "ref", "bgi:place", targets=("Place",)),
    F("address", "text", "locn:fullAddress"),
), label_field="name", doc="An organisation; its kind gives its class."))

_register(RecordType("ServiceCentre", "service/", "bgi:ServiceCentre", (
    F("name", "text", "rdfs:label", required=True),
    F("kind", "enum", "bgi:serviceKind", required=True, values=tuple(SERVICE_KINDS)),
    F("abbreviation", "text", "bgi:abbreviation"),
    F("address", "text", "locn:fullAddress"),
    F("place", "ref", "bgi:place", targets=("Place",)),
    F("capacity", "quantity", "bgi:capacity"),
    F("staff", "quantity", "bgi:staffCount"),
    F("staff_roles", "texts", "bgi:staffRole"),
    F("services", "texts", "bgi:providesService"),
    F("opened", "date", "bgi:openedOn"),
    F("funded_by", "refs", "bgi:fundedByProject", targets=("Project",)),
    F("operator", "ref", "bgi:operatedBy", targets=("Organisation",)),
    F("part_of", "ref", "org:subOrganizationOf", targets=("Organisation", "ServiceCentre")),
    F("target_description", "text", "bgi:targetDescription"),
    F("description", "text", "dcterms:description"),
), label_field="name", doc="A centre or social service a project creates or a municipality runs."))

_register(RecordType("Place", "place/", "bgi:Place", (
    F("name", "text", "rdfs:label", required=True),
    F("kind", "enum", "bgi:placeKind", required=True, values=tuple(PLACE_KINDS)),
    F("within", "ref", "bgi:within", targets=("Place",)),
), label_field="name", doc="A place: country, district, municipality, town, village, quarter."))

_register(RecordType("StrategicDocument", ("document/", "plan/"), "bgi:StrategicDocument", (
    F("title", "text", "rdfs:label", required=True),
    F("level", "enum", "bgi:governanceLevel", required=True,
      values=("national", "district", "municipal")),
    F("kind", "enum", "bgi:documentKind", required=True,
      values=("strategy", "action-plan", "plan", "programme")),
    F("period", "span", "bgi:period"),
    F("implements", "refs", "bgi:implements", targets=("StrategicDocument",)),
    F("territory", "ref", "dcterms:spatial", targets=("Place",)),
    F("issued_by", "ref", "dcterms:publisher", targets=("Organisation",)),
    F("approved_by", "refs", "bgi:approvedBy", targets=("Person",)),
    F("prepared_by", "refs", "bgi:preparedBy", targets=("Person",)),
    F("place_and_year", "text", "bgi:placeAndYearAsWritten"),
), label_field="title", doc="A strategy, plan or programme (national, district, municipal)."))

_register(RecordType("Decision", "decision/", "bgi:Decision", (
    F("number", "text", "bgi:decisionNumber", required=True),
    F("body", "ref", "bgi:decidedBy", required=True, targets=("Organisation",)),
    F("protocol", "text", "bgi:protocolNumber"),
    F("date", "date", "dcterms:date"),
    F("adopts", "refs", "bgi:adopts", targets=("StrategicDocument",)),
    F("subject", "text", "dcterms:subject"),
), doc="A decision of a body (Решение № … по протокол № …)."))

_register(RecordType("LegalAct", "legal-act/", "bgi:LegalAct", (
    F("title", "text", "rdfs:label", required=True),
    F("number", "text", "bgi:actNumber"),
    F("date", "date", "dcterms:date"),
    F("issued_by", "ref", "dcterms:publisher", targets=("Organisation",)),
), label_field="title", doc="An ordinance or other legal act (Наредба № 1/19.07.2020 г.)."))

_register(RecordType("Person", "person/", "bgi:Person", (
    F("name", "text", "rdfs:label", required=True),
    F("post", "text", "schema:jobTitle"),
), label_field="name", doc="A named person (an official who approved or prepared a document)."))

_register(RecordType("Amount", "project/", "bgi:Amount", (
    F("of", "ref", "bgi:amountOf", required=True, targets=("Project", "Contract")),
    F("component", "enum", "bgi:budgetComponent", required=True,
      values=("total", "direct", "indirect", "programme-total", "programme-direct", "eu-share",
              "national-share")),
    F("value", "money", "schema:value", required=True),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("fund", "ref", "bgi:fromFund", targets=("Fund", "FinancialMechanism")),
    F("rate", "quantity", "bgi:rateOfDirectCosts"),
    F("stated_after", "ref", "bgi:statedAfter", targets=("Amendment",)),
    F("current", "bool", "bgi:isCurrent"),
), doc="An amount of a budget: total, direct, indirect, per programme, EU or national share."))

_register(RecordType("Priority", "plan/", "bgi:Priority", (
    F("plan", "ref", "bgi:priorityOf", required=True, targets=("StrategicDocument",)),
    F("position", "int", "bgi:position", required=True),
    F("name", "text", "skos:prefLabel", required=True),
    F("alternative_names", "texts", "skos:altLabel"),
    F("area", "ref", "bgi:priorityArea", targets=("Concept",)),
    F("description", "text", "dcterms:description"),
), label_field="name", doc="A priority of a plan."))

_register(RecordType("OperationalObjective", "plan/", "bgi:OperationalObjective", (
    F("priority", "ref", "bgi:objectiveOfPriority", required=True, targets=("Priority",)),
    F("text", "text", "rdfs:label", required=True),
    F("alternative_texts", "texts", "bgi:alternativeWording"),
), label_field="text", doc="The operational objective of a priority (section V)."))

_register(RecordType("GeneralGoal", "plan/", "bgi:GeneralGoal", (
    F("priority", "ref", "bgi:goalOfPriority", required=True, targets=("Priority",)),
    F("position", "int", "bgi:position", required=True),
    F("text", "text", "rdfs:label", required=True),
    F("notation", "text", "skos:notation"),
), label_field="text", doc="A general goal (section IV) of a priority."))

_register(RecordType("SubGoal", "plan/", "bgi:SubGoal", (
    F("priority", "ref", "bgi:subGoalOfPriority", required=True, targets=("Priority",)),
    F("position", "int", "bgi:position", required=True),
    F("text", "text", "rdfs:label", required=True),
    F("notation", "text", "skos:notation"),
), label_field="text", doc="A sub-goal (подцел, section V) of a priority."))

ACTION_LIKE_FIELDS: tuple[Field, ...] = (
    F("deadline", "span", "bgi:deadline"),
    F("responsible", "refs", "bgi:responsibleParty", targets=("Organisation",)),
    F("responsible_as_written", "text", "bgi:responsibleAsWritten"),
    F("funding", "refs", "bgi:fundingSource", targets=("Concept", "Programme")),
    F("funding_as_written", "text", "bgi:fundingAsWritten"),
    F("indicators", "texts", "bgi:indicator", child_class="bgi:Indicator"),
)

_register(RecordType("Measure", "plan/", "bgi:Measure", (
    F("priority", "ref", "bgi:measureOf", required=True, targets=("Priority",)),
    F("notation", "text", "skos:notation", required=True),
    F("position", "int", "bgi:position", required=True),
    F("text", "text", "rdfs:label", required=True),
    *ACTION_LIKE_FIELDS,
), label_field="text", doc="A measure of a plan priority (the table's first column)."))

_register(RecordType("Action", "plan/", "bgi:Action", (
    F("measure", "ref", "bgi:actionOf", required=True, targets=("Measure",)),
    F("notation", "text", "skos:notation", required=True),
    F("position", "int", "bgi:position", required=True),
    F("text", "text", "rdfs:label", required=True),
    *ACTION_LIKE_FIELDS,
), label_field="text", doc="An action of a measure, with deadline, responsibles, funding, indicators."))

_register(RecordType("Concept", "concept/", "skos:Concept", (
    F("scheme", "enum", "skos:inScheme", required=True,
      values=("plan-priorities", "funding-source-kinds")),
    F("label", "text", "skos:prefLabel", required=True),
), label_field="label", doc="A concept of a code list a document states (plan priorities, funding kinds)."))

_register(RecordType("Dataset", "dataset/", "bgi:StatisticsDataset", (
    F("title", "text", "rdfs:label", required=True),
    F("document", "ref", "bgi:datasetOf", targets=("StrategicDocument",)),
), label_field="title", doc="The statistics a document gives, as a Data Cube data set."))

_register(RecordType("Observation", "statistic/", "bgi:Observation", (
    F("dataset", "ref", "qb:dataSet", required=True, targets=("Dataset",)),
    F("statement", "text", "rdfs:comment", required=True),
    F("value", "quantity", "bgi:observedValue", required=True),
    F("unit", "enum", "bgi:unit", required=True, values=UNITS),
    F("place", "ref", "bgi:refArea", targets=("Place", "Organisation", "ServiceCentre")),
    F("period", "text", "bgi:refPeriodAsWritten"),
    F("period_start", "date", "bgi:refPeriodStart"),
), doc="A statistic of the documents (a Data Cube observation)."))

_register(RecordType("Disagreement", "disagreement/", "bgi:Disagreement", (
    F("subject", "ref", "bgi:disagreementAbout", required=True),
    F("property", "en", "bgi:disputedAspect", required=True),
    F("rationale", "en", "bgi:rationale", required=True),
    F("rationale_bg", "bg", "bgi:rationale"),
    F("readings", "readings", "bgi:reading", required=True),
), doc="Two or more readings of one fact; the readings list says which is current and why."))

for _name, _type in list(TYPES.items()):
    TYPES[_name] = RecordType(_type.name, _type.id_prefix, _type.rdf_class,
                              _type.fields + COMMON_FIELDS, _type.label_field, _type.doc)
