"""The fixed code lists of the record schema: organisation, service and place kinds with their
OWL classes, roles, units, approximations, and which SKOS scheme each enum field's values are in.

Kept apart from :mod:`kg.records.schema` (which says what a record may hold) because the vocabularies
(ontology/vocabularies.ttl) and the ontology's kind classes must agree with exactly these
lists; tests compare them.
"""

from __future__ import annotations

ORGANISATION_KINDS: dict[str, str] = {
    "municipality": "bgi:Municipality",
    "company": "bgi:Company",
    "association": "bgi:Association",
    "school-elementary": "bgi:ElementarySchool",
    "school-primary": "bgi:PrimarySchool",
    "school-secondary": "bgi:SecondarySchool",
    "school-vocational": "bgi:VocationalSchool",
    "school-profiled": "bgi:ProfiledSchool",
    "kindergarten": "bgi:Kindergarten",
    "kindergarten-branch": "bgi:KindergartenBranch",
    "ministry": "bgi:Ministry",
    "agency": "bgi:Agency",
    "regional-inspectorate": "bgi:RegionalHealthInspectorate",
    "regional-education-office": "bgi:RegionalEducationOffice",
    "labour-office": "bgi:LabourOffice",
    "social-assistance-directorate": "bgi:SocialAssistanceDirectorate",
    "police": "bgi:PoliceUnit",
    "court": "bgi:Court",
    "prosecutors-office": "bgi:ProsecutorsOffice",
    "chitalishte": "bgi:Chitalishte",
    "cultural-institute": "bgi:CulturalInstitute",
    "municipal-council": "bgi:MunicipalCouncil",
    "commission": "bgi:Commission",
    "support-centre": "bgi:PersonalDevelopmentSupportCentre",
    "medical-centre": "bgi:MedicalCentre",
    "foundation": "bgi:Foundation",
    "municipal-enterprise": "bgi:MunicipalEnterprise",
    "city-district-administration": "bgi:CityDistrictAdministration",
    "district-administration": "bgi:DistrictAdministration",
    "council-of-ministers": "bgi:CouncilOfMinisters",
    "local-action-group": "bgi:LocalActionGroup",
    "public-body": "bgi:PublicBody",
    "actor-group": "bgi:ActorGroup",
}

SERVICE_KINDS: dict[str, str] = {
    "centre": "bgi:ServiceCentre",
    "complex": "bgi:SocialServicesComplex",
    "hub": "bgi:ServiceHub",
    "mobile-hub": "bgi:MobileServiceHub",
}

PLACE_KINDS: dict[str, str] = {
    "country": "bgi:Country",
    "district": "bgi:District",
    "municipality-territory": "bgi:MunicipalityTerritory",
    "town": "bgi:Town",
    "village": "bgi:Village",
    "quarter": "bgi:Quarter",
    "city-district": "bgi:CityDistrict",
}

ROLES = ("beneficiary", "partner", "associated-partner", "participant")
#: Why a participation's role is recorded: the text states it, or the curator reads it from
#: the project's title or the context (published as inferred, never as stated).
ROLE_BASES = ("stated", "inferred-from-title", "inferred-from-context")
#: The strand of a partnership where the document scopes it (not a programme).
PARTNERSHIP_STRANDS = ("transnational", "donor-state")
#: Where a record stands in the curators' review: ``draft`` (written by ``kg ingest``, left out of
#: the published graph until a curator marks it ``reviewed``) or ``reviewed``.
CURATION_STATUSES = ("draft", "reviewed")
PROJECT_STATUSES = ("approved", "contract-signed", "started", "in-progress", "completed",
                    "extended", "terminated")
BUDGET_COMPONENTS = ("total", "grant", "self-financing", "paid", "direct", "indirect",
                     "programme-total", "programme-direct", "eu-share", "national-share",
                     "cost-item", "change")
LEGAL_FORMS = ("OOD", "EOOD", "AD", "EAD", "ET", "association", "foundation", "chitalishte",
               "budget-organisation")
UNITS = ("persons", "percent", "pupils", "households", "families", "houses", "apartments",
         "buildings", "places", "experts", "organisations", "years", "groups")
APPROXIMATIONS = ("exact", "about", "over", "nearly", "slightly-over")

#: The SKOS scheme (``id/scheme/<name>``) whose concepts (``id/concept/<name>/<value>``) an
#: enum field's values are; the ontology's vocabularies.ttl declares every one of them.
ENUM_SCHEMES: dict[str, str] = {
    "bgi:programmeKind": "programme-kinds",
    "bgi:awardMode": "award-modes",
    "bgi:objectiveKind": "objective-kinds",
    "bgi:role": "roles",
    "bgi:organisationKind": "organisation-kinds",
    "bgi:legalForm": "legal-forms",
    "bgi:serviceKind": "service-kinds",
    "bgi:placeKind": "place-kinds",
    "bgi:governanceLevel": "governance-levels",
    "bgi:documentKind": "document-kinds",
    "bgi:budgetComponent": "budget-components",
    "bgi:unit": "units",
    "bgi:roleBasis": "role-bases",
    "bgi:partnershipStrand": "partnership-strands",
    "bgi:projectStatus": "project-statuses",
    "bgi:changeDirection": "change-directions",
    "bgi:deliveryApproach": "delivery-approaches",
    "bgi:curationStatus": "curation-statuses",
    "skos:inScheme": "",  # Concept records name their (data-stated) scheme directly
}

#: Schemes whose concepts the documents themselves state (records of type Concept or
#: TargetGroup); the vocabularies declare only the scheme resources.
DATA_SCHEMES = ("target-groups", "plan-priorities", "funding-source-kinds",
                "measured-quantities")

#: The class each kind of strategic document gives (a plan is a bgi:ActionPlan, a CLLD
#: strategy a bgi:CLLDStrategy, which is a bgi:Strategy).
DOCUMENT_KINDS: dict[str, str] = {
    "strategy": "bgi:Strategy",
    "action-plan": "bgi:ActionPlan",
    "plan": "bgi:Plan",
    "programme": "bgi:PolicyProgramme",
    "report": "bgi:Report",
    "clld-strategy": "bgi:CLLDStrategy",
}

#: Classes given by a kind enum, besides the record type's own class.
KIND_CLASSES: dict[str, dict[str, str]] = {
    "bgi:organisationKind": ORGANISATION_KINDS,
    "bgi:serviceKind": SERVICE_KINDS,
    "bgi:placeKind": PLACE_KINDS,
    "bgi:documentKind": DOCUMENT_KINDS,
}
