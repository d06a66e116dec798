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
``code``       a verbatim code published as a plain literal, not normalised (``BG415``, ``BG-10``).
``registry-id`` a verbatim ЕИК/БУЛСТАТ (9 or 13 digits), check digits validated.
``ref``/``refs`` the id of another record (``org/obshtina-kyustendil``), anywhere in data/.
``enum``       one value of a fixed set (listed in the field).
``int``        a curated integer (a position in a list).
``bool``       a curated flag.
``en``/``bg``  a curator's English / Bulgarian text (not checked against the document).
``readings``   the readings of a disagreement: value, source, line, current.
``note``       a curator's note in English (why a reading was chosen, what a cell held).
``reasons``    a list of review reasons in English (``to_review``: not published).

Every record may say ``curation: draft`` (written by ``kg ingest``, not yet reviewed: left out of
the published graph, :mod:`kg.records.drafts`) or ``curation: reviewed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.records.codelists import (
    APPROXIMATIONS,
    BUDGET_COMPONENTS,
    CURATION_STATUSES,
    DATA_SCHEMES,
    ENUM_SCHEMES,
    KIND_CLASSES,
    LEGAL_FORMS,
    ORGANISATION_KINDS,
    PARTNERSHIP_STRANDS,
    PLACE_KINDS,
    PROJECT_STATUSES,
    ROLE_BASES,
    ROLES,
    SERVICE_KINDS,
    UNITS,
)

__all__ = ["APPROXIMATIONS", "DATA_SCHEMES", "ENUM_SCHEMES", "KIND_CLASSES", "TYPES", "Field",
           "RecordType"]

VERBATIM_KINDS = frozenset({"text", "texts", "ident", "money", "date", "duration", "quantity", "span",
                            "code", "registry-id"})


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
    # ``curation: draft`` marks a record kg ingest wrote and no curator has reviewed yet: kg build
    # leaves it out unless --include-drafts. A curator marks it reviewed by editing this field.
    F("curation", "enum", "bgi:curationStatus", values=CURATION_STATUSES),
    # What a reviewer must look at in a record (a doubtful match with both candidates …): a list
    # of reasons in English, kept out of the RDF; ``kg check`` lists them with file:line.
    F("to_review", "reasons"),
)

TYPES: dict[str, RecordType] = {}


def _register(record_type: RecordType) -> None:
    TYPES[record_type.name] = record_type


_register(RecordType("Fund", "fund/", "bgi:Fund", (
    F("name", "text", "rdfs:label", required=True),
    F("abbreviation", "text", "bgi:abbreviation"),
    F("names_as_written", "texts", "bgi:nameAsWritten"),
), label_field="name", doc="An EU fund (ESF, ESF+) or the ESI Funds together."))

_register(RecordType("FinancialMechanism", "fund/", "bgi:FinancialMechanism", (
    F("name", "text", "rdfs:label", required=True),
    F("period", "text", "bgi:programmingPeriod"),
    F("names_as_written", "texts", "bgi:nameAsWritten"),
), label_field="name", doc="A financial mechanism (EEA Grants 2014-2021)."))

_register(RecordType("Programme", "programme/", "bgi:Programme", (
    F("name", "text", "rdfs:label"),
    F("kind", "enum", "bgi:programmeKind", required=True,
      values=("operational-programme", "eu-programme", "eea-programme", "national-programme")),
    F("abbreviation", "text", "bgi:abbreviation"),
    F("code", "ident", "dcterms:identifier"),
    F("period", "text", "bgi:programmingPeriod"),
    F("funded_by", "refs", "bgi:fundedBy", targets=("Fund", "FinancialMechanism")),
    F("names_as_written", "texts", "bgi:nameAsWritten"),
    F("managing_authority", "ref", "bgi:managingAuthority", targets=("Organisation",)),
    F("intermediate_bodies", "refs", "bgi:intermediateBody", targets=("Organisation",)),
), label_field="name",
   doc="A funding programme (OP HRD, OP SESG, a 2021-2027 programme, an EEA programme, a national "
       "programme). A name or a code is required; names_as_written holds every other wording."))

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
    F("approach", "enum", "bgi:deliveryApproach", values=("clld",)),
    F("strategy", "ref", "bgi:underStrategy", targets=("StrategicDocument",)),
    F("intermediate_body", "ref", "bgi:intermediateBody", targets=("Organisation",)),
), label_field="name", doc="A grant procedure (ИСУН procedure code); under CLLD, the local "
   "action group's strategy and the group as the body that selects projects."))

_register(RecordType("ProcedureComponent", "procedure/", "bgi:ProcedureComponent", (
    F("procedure", "ref", "bgi:componentOf", required=True, targets=("Procedure",)),
    F("name", "text", "rdfs:label", required=True),
    F("number", "int", "bgi:number"),
), label_field="name", doc="A component of a procedure (Компонент 1)."))

_register(RecordType("Contract", "contract/", "bgi:GrantContract", (
    F("number", "ident", "dcterms:identifier"),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("procedure", "ref", "bgi:underProcedure", targets=("Procedure",)),
    F("project", "ref", "bgi:fundsProject", required=True, targets=("Project",)),
    F("kind_as_written", "text", "bgi:contractKindAsWritten"),
    F("target_groups", "refs", "bgi:targetGroup", targets=("TargetGroup",)),
    F("signed", "date", "bgi:signingDate"),
), doc="A grant contract: one per programme leg of a project (its number where the text gives it)."))

_register(RecordType("Amendment", "project/", "bgi:Amendment", (
    F("number", "text", "bgi:amendmentNumber"),
    F("amends", "refs", "bgi:amends", required=True, targets=("Contract", "Project")),
    F("signed", "date", "bgi:signingDate"),
    F("new_start_date", "date", "bgi:newStartDate"),
    F("new_end_date", "date", "bgi:newEndDate"),
    F("from_component", "ref", "bgi:componentBefore", targets=("ProcedureComponent",)),
    F("to_component", "ref", "bgi:componentAfter", targets=("ProcedureComponent",)),
    F("adds_activities", "refs", "bgi:addsActivity", targets=("Activity",)),
    F("adds_outputs", "texts", "bgi:addsOutput"),
    F("description", "text", "dcterms:description"),
    F("kind_as_written", "text", "bgi:contractKindAsWritten"),
), doc="An amendment (допълнително споразумение, анекс) to contracts or, where the text names no "
   "contract, to the project: its number and signing date, new dates, a change of component, what "
   "it adds; its budget changes are Amounts stated_after it (component change)."))

_register(RecordType("Project", "project/", "bgi:Project", (
    F("title", "text", "rdfs:label"),
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
    F("programmes_as_written", "texts", "bgi:programmeAsWritten"),
    F("status", "enum", "bgi:projectStatus", values=PROJECT_STATUSES),
    F("status_date", "date", "bgi:statusDate"),
    F("status_as_written", "text", "bgi:statusAsWritten"),
), label_field="title", doc="A project carried out under one or more contracts. Its title may be "
   "left out where the text gives none; programmes_as_written holds a programme the text names "
   "without identifying it (\"Оперативна програма\")."))

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
    F("basis", "enum", "bgi:roleBasis", values=ROLE_BASES),
    F("strand", "enum", "bgi:partnershipStrand", values=PARTNERSHIP_STRANDS),
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
    F("legal_form", "enum", "bgi:legalForm", values=LEGAL_FORMS),
    F("branch_of", "ref", "bgi:branchOf", targets=("Organisation",)),
    F("part_of", "ref", "org:subOrganizationOf", targets=("Organisation",)),
    F("place", "ref", "bgi:place", targets=("Place",)),
    F("address", "text", "locn:fullAddress"),
    F("registry_id", "registry-id", "bgi:registryId"),
    F("official_name", "bg", "bgi:officialName"),
    F("country", "ref", "bgi:country", targets=("Place",)),
), label_field="name", doc="An organisation; its kind gives its class. official_name is the "
   "curator's official form of a name the text writes inflected or shortened (derived, not "
   "stated); registry_id its ЕИК/БУЛСТАТ as written."))

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
    F("nuts", "ref", "bgi:nutsRegion", targets=("NutsRegion",)),
    F("iso_code", "code", "bgi:iso31662Code"),
), label_field="name", doc="A place: country, district, municipality, town, village, quarter, a "
   "city's district (район); a district (област) has its NUTS-3 region and ISO 3166-2 code."))

_register(RecordType("NutsRegion", "nuts/", "bgi:NutsRegion", (
    F("code", "code", "skos:notation", required=True),
    F("name", "text", "skos:prefLabel", required=True),
    F("level", "int", "bgi:nutsLevel", required=True),
    F("broader", "ref", "skos:broader", targets=("NutsRegion",)),
), label_field="name", doc="A region of the NUTS 2021 classification (levels 0-3), from the "
   "reference source."))

_register(RecordType("StrategicDocument", ("document/", "plan/"), "bgi:StrategicDocument", (
    F("title", "text", "rdfs:label", required=True),
    F("level", "enum", "bgi:governanceLevel", required=True,
      values=("national", "district", "municipal", "local")),
    F("kind", "enum", "bgi:documentKind", required=True,
      values=("strategy", "action-plan", "plan", "programme", "report", "clld-strategy")),
    F("period", "span", "bgi:period"),
    F("period_start", "date", "bgi:periodStartDate"),
    F("period_end", "date", "bgi:periodEndDate"),
    F("adopted_by", "refs", "bgi:adoptedBy", targets=("Organisation",)),
    F("implements", "refs", "bgi:implements", targets=("StrategicDocument",)),
    F("territory", "ref", "dcterms:spatial", targets=("Place",)),
    F("issued_by", "ref", "dcterms:publisher", targets=("Organisation",)),
    F("approved_by", "refs", "bgi:approvedBy", targets=("Person",)),
    F("prepared_by", "refs", "bgi:preparedBy", targets=("Person",)),
    F("place_and_year", "text", "bgi:placeAndYearAsWritten"),
    F("official_name", "bg", "bgi:officialName"),
), label_field="title", doc="A strategy, plan or programme (national, district, municipal); "
   "official_name as for an organisation: the curator's uninflected form of a title the text "
   "writes inflected (derived)."))

_register(RecordType("Decision", "decision/", "bgi:Decision", (
    F("number", "text", "bgi:decisionNumber", required=True),
    F("body", "ref", "bgi:decidedBy", required=True, targets=("Organisation",)),
    F("protocol", "text", "bgi:protocolNumber"),
    F("date", "date", "dcterms:date"),
    F("adopts", "refs", "bgi:adopts", targets=("StrategicDocument",)),
    F("subject", "text", "dcterms:subject"),
    F("protocol_date", "date", "bgi:protocolDate"),
    F("legal_basis", "text", "bgi:legalBasisAsWritten"),
    F("legal_acts", "refs", "bgi:legalBasis", targets=("LegalAct",)),
    F("chair", "ref", "bgi:signedBy", targets=("Person",)),
    F("votes_for", "quantity", "bgi:votesFor"),
    F("votes_against", "quantity", "bgi:votesAgainst"),
    F("votes_abstained", "quantity", "bgi:votesAbstained"),
    F("items", "texts", "bgi:decisionItem"),
), doc="A decision of a body (Решение № … по протокол № …): its legal basis, the chair who signs, "
   "the votes, its items and the documents it adopts."))

_register(RecordType("LegalAct", "legal-act/", "bgi:LegalAct", (
    F("title", "text", "rdfs:label", required=True),
    F("abbreviation", "text", "bgi:abbreviation"),
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
    F("component", "enum", "bgi:budgetComponent", required=True, values=BUDGET_COMPONENTS),
    F("value", "money", "schema:value", required=True),
    F("label", "text", "bgi:amountLabelAsWritten"),
    F("direction", "enum", "bgi:changeDirection", values=("increase", "decrease")),
    F("programme", "ref", "bgi:underProgramme", targets=("Programme",)),
    F("fund", "ref", "bgi:fromFund", targets=("Fund", "FinancialMechanism")),
    F("rate", "quantity", "bgi:rateOfDirectCosts"),
    F("stated_after", "ref", "bgi:statedAfter", targets=("Amendment",)),
    F("current", "bool", "bgi:isCurrent"),
), doc="An amount of a budget: total, grant, own funds, paid, direct, indirect, per programme, EU "
   "or national share, a cost item (label as written), or an amendment's change (direction)."))

_register(RecordType("Event", "event/", "bgi:Event", (
    F("name", "text", "rdfs:label", required=True),
    F("project", "ref", "bgi:eventOf", targets=("Project",)),
    F("date", "date", "schema:startDate"),
    F("end", "date", "schema:endDate"),
    F("venues", "refs", "bgi:venue", targets=("Organisation", "Place")),
    F("organisers", "refs", "bgi:organisedBy", targets=("Organisation",)),
    F("description", "text", "dcterms:description"),
), label_field="name", doc="A dated event the text reports (a presentation, a camp): its dates are "
   "never the project's."))

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
      values=("plan-priorities", "funding-source-kinds", "measured-quantities")),
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
    F("measure", "ref", "bgi:measuredQuantity", targets=("Concept",)),
    F("place", "ref", "bgi:refArea", targets=("Place", "Organisation", "ServiceCentre")),
    F("period", "text", "bgi:refPeriodAsWritten"),
    F("period_start", "date", "bgi:refPeriodStart"),
    F("period_end", "date", "bgi:refPeriodEnd"),
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
