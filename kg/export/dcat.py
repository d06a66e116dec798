"""The DCAT-AP 3 description of an export: catalogue, dataset, distributions, SPARQL service.

Everything a data portal (data.europa.eu, data.egov.bg) harvests: titles and descriptions in
Bulgarian and English, publisher, licence (CC BY 4.0, docs/decisions/0006), theme SOCI,
languages, spatial coverage (Bulgaria from the EU country table, and the municipalities of
the data), temporal coverage computed from the data, and per file its byte size, SHA-256
checksum, IANA media type, EU file type and download URL. Referenced authority-table
concepts are typed in the description itself (``… a dct:MediaTypeOrExtent``), so that the EU's
DCAT-AP SHACL shapes can check the classes without the authority tables loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kg import __version__
from kg.export.checksums import FileFacts
from kg.export.coverage import COUNTRY_BULGARIA, Coverage
from kg.export.void import DATASET, TITLES
from kg.records import iris

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT_VERSION = URIRef(str(DCAT) + "version")  # DCAT 3; rdflib's closed DCAT namespace lacks it
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = URIRef(AUTHORITY + "licence/CC_BY_4_0")
LICENCE_DEED = URIRef("https://creativecommons.org/licenses/by/4.0/")
THEME = URIRef(AUTHORITY + "data-theme/SOCI")
LANGUAGES = (URIRef(AUTHORITY + "language/BUL"), URIRef(AUTHORITY + "language/ENG"))
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CATALOG = URIRef(str(iris.ID) + "catalog/bg-inclusion-kg")
SERVICE = URIRef(str(iris.ID) + "service/sparql")

DESCRIPTIONS = {
    "en": "Open knowledge graph of EU-funded social-inclusion work in Bulgarian municipalities: "
          "projects, grant contracts, the organisations taking part and their roles, budgets, "
          "target groups and services, and the measures and actions of municipal action plans. "
          "Every fact cites the lines of the public document that states it; where documents "
          "disagree, both readings are kept.",
    "bg": "Отворен граф на знанието за финансираната от ЕС работа за социално включване в "
          "българските общини: проекти, договори за безвъзмездна помощ, участващите организации "
          "и ролите им, бюджети, целеви групи и услуги, мерките и дейностите от общинските планове "
          "за действие. Всеки факт сочи редовете от публичния документ, който го съдържа; където "
          "документите се разминават, се пазят и двете четения.",
}
KEYWORDS = {"en": ("social inclusion", "EU funds", "municipalities", "Roma integration", "grants"),
            "bg": ("социално включване", "европейски фондове", "общини", "интеграция на ромите",
                   "безвъзмездна финансова помощ")}


@dataclass(frozen=True)
class Publication:
    """Where and by whom the export is published (settings; docs/publishing.md)."""

    download_base: str
    sparql_endpoint: str
    landing_page: str
    publisher: str
    publisher_names: dict[str, str]
    contact: str | None = None
    release_date: date | None = None
    inferred: bool = False


@dataclass(frozen=True)
class DistributionFile:
    """A file of the export that is published as a DCAT distribution."""

    facts: FileFacts
    title_en: str
    title_bg: str
    media_type: str
    eu_file_type: str


def _typed(graph: Graph, node: URIRef, cls: URIRef, scheme: str | None = None) -> URIRef:
    graph.add((node, RDF.type, cls))
    if scheme:
        graph.add((node, SKOS.inScheme, URIRef(AUTHORITY + scheme)))
    return node


def _bilingual(graph: Graph, node: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for language in sorted(texts):
        graph.add((node, predicate, Literal(texts[language], lang=language)))


def _common(graph: Graph, node: URIRef, publication: Publication) -> None:
    """Publisher, licence and, with a release date, issued/modified."""
    graph.add((node, DCTERMS.publisher, URIRef(publication.publisher)))
    graph.add((node, DCTERMS.license, LICENCE))
    if publication.release_date:
        day = Literal(publication.release_date.isoformat(), datatype=XSD.date)
        graph.add((node, DCTERMS.issued, day))
        graph.add((node, DCTERMS.modified, day))


def _distribution(graph: Graph, item: DistributionFile, publication: Publication) -> URIRef:
    node = URIRef(f"{DATASET}/distribution/{item.facts.name}")
    url = URIRef(publication.download_base + item.facts.name)
    graph.add((node, RDF.type, DCAT.Distribution))
    _bilingual(graph, node, DCTERMS.title, {"en": item.title_en, "bg": item.title_bg})
    graph.add((node, DCAT.accessURL, _typed(graph, url, RDFS.Resource)))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCAT.mediaType, _typed(graph, URIRef(IANA + item.media_type), DCTERMS.MediaType)))
    graph.add((node, DCTERMS["format"], _typed(graph, URIRef(AUTHORITY + "file-type/" + item.eu_file_type),
                                               DCTERMS.MediaTypeOrExtent, "file-type")))
    graph.add((node, DCAT.byteSize, Literal(item.facts.byte_size, datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{node}#sha256")
    graph.add((node, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    algorithm = _typed(graph, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
    graph.add((checksum, SPDX.algorithm, algorithm))
    graph.add((checksum, SPDX.checksumValue, Literal(item.facts.sha256, datatype=XSD.hexBinary)))
    _common(graph, node, publication)
    return node


def _publisher(graph: Graph, publication: Publication) -> None:
    agent = URIRef(publication.publisher)
    graph.add((agent, RDF.type, FOAF.Agent))
    _bilingual(graph, agent, FOAF.name, publication.publisher_names)


def _contact(graph: Graph, node: URIRef, publication: Publication) -> None:
    if not publication.contact:
        return
    contact = URIRef(f"{CATALOG}#contact")
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(publication.publisher_names.get("en", ""))))
    if "@" in publication.contact and not publication.contact.startswith(("http:", "https:")):
        graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + publication.contact.removeprefix("mailto:"))))
    else:
        graph.add((contact, VCARD.hasURL, URIRef(publication.contact)))


def _coverage(graph: Graph, dataset: URIRef, found: Coverage) -> None:
    graph.add((dataset, DCTERMS.spatial, _typed(graph, COUNTRY_BULGARIA, DCTERMS.Location, "country")))
    for place, labels in found.municipalities:
        graph.add((dataset, DCTERMS.spatial, _typed(graph, place, DCTERMS.Location)))
        for label in labels:
            graph.add((place, RDFS.label, label))
    if found.start is not None or found.end is not None:
        period = URIRef(f"{dataset}#temporal-coverage")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if found.start is not None:
            graph.add((period, DCAT.startDate, found.start))
        if found.end is not None:
            graph.add((period, DCAT.endDate, found.end))


def dcat_graph(publication: Publication, files: list[DistributionFile], found: Coverage,
               source_count: int) -> Graph:
    """The DCAT-AP 3 description (catalogue, dataset, distributions, data service) as a graph."""
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("spdx", SPDX),
                              ("skos", SKOS), ("vcard", VCARD), ("xsd", XSD), ("rdfs", RDFS)):
        graph.bind(prefix, namespace)
    dataset = DATASET
    graph.add((CATALOG, RDF.type, DCAT.Catalog))
    _bilingual(graph, CATALOG, DCTERMS.title, {"en": TITLES["en"] + " — catalogue",
                                               "bg": TITLES["bg"] + " — каталог"})
    _bilingual(graph, CATALOG, DCTERMS.description, DESCRIPTIONS)
    graph.add((CATALOG, DCAT.dataset, dataset))
    graph.add((CATALOG, DCAT.service, SERVICE))
    graph.add((CATALOG, FOAF.homepage, _typed(graph, URIRef(publication.landing_page), FOAF.Document)))
    themes = _typed(graph, URIRef(AUTHORITY + "data-theme"), SKOS.ConceptScheme)
    graph.add((themes, DCTERMS.title, Literal("Data theme", lang="en")))  # the EU table's own labels
    graph.add((CATALOG, DCAT.themeTaxonomy, themes))
    for language in LANGUAGES:
        graph.add((CATALOG, DCTERMS.language, _typed(graph, language, DCTERMS.LinguisticSystem, "language")))
    _common(graph, CATALOG, publication)
    _publisher(graph, publication)
    _typed(graph, LICENCE, DCTERMS.LicenseDocument, "licence")
    attribution = _typed(graph, URIRef("http://purl.org/adms/licencetype/Attribution"), SKOS.Concept)
    graph.add((attribution, SKOS.inScheme, URIRef("http://purl.org/adms/licencetype/1.0")))
    graph.add((attribution, SKOS.prefLabel, Literal("Attribution", lang="en")))
    graph.add((LICENCE, DCTERMS.type, attribution))
    graph.add((LICENCE, RDFS.seeAlso, LICENCE_DEED))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    _bilingual(graph, dataset, DCTERMS.title, TITLES)
    _bilingual(graph, dataset, DCTERMS.description, DESCRIPTIONS)
    for tag in sorted(KEYWORDS):  # a language tag ("bg"), where LANGUAGES above are IRIs
        for keyword in KEYWORDS[tag]:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang=tag)))
    graph.add((dataset, DCAT.theme, _typed(graph, THEME, SKOS.Concept, "data-theme")))
    graph.add((THEME, SKOS.prefLabel, Literal("Population and society", lang="en")))
    for language in LANGUAGES:
        graph.add((dataset, DCTERMS.language, language))
    graph.add((dataset, DCAT_VERSION, Literal(__version__)))
    graph.add((dataset, DCAT.landingPage, URIRef(publication.landing_page)))
    provenance = URIRef(f"{dataset}#provenance")
    graph.add((dataset, DCTERMS.provenance, provenance))
    graph.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
    inferred = (" The files include the OWL-RL inferences, in their own graph."
                if publication.inferred else " Asserted triples only; no OWL-RL inferences.")
    graph.add((provenance, RDFS.label, Literal(
        f"Curated by hand from {source_count} public documents; every record cites the lines of "
        f"its source, keeps identifiers, amounts and dates as written, and is checked against "
        f"the source texts and the project's SHACL shapes.{inferred}", lang="en")))
    _coverage(graph, dataset, found)
    _common(graph, dataset, publication)
    _contact(graph, dataset, publication)
    for item in files:
        graph.add((dataset, DCAT.distribution, _distribution(graph, item, publication)))

    graph.add((SERVICE, RDF.type, DCAT.DataService))
    _bilingual(graph, SERVICE, DCTERMS.title, {"en": "SPARQL endpoint of the BG Inclusion knowledge graph",
                                               "bg": "SPARQL крайна точка на графа на знанието"})
    endpoint = URIRef(publication.sparql_endpoint)
    graph.add((SERVICE, DCAT.endpointURL, _typed(graph, endpoint, RDFS.Resource)))
    graph.add((SERVICE, DCAT.endpointDescription, endpoint))  # a bare GET returns the service description
    graph.add((SERVICE, DCAT.servesDataset, dataset))
    graph.add((SERVICE, DCTERMS.conformsTo, _typed(graph, SPARQL_PROTOCOL, DCTERMS.Standard)))
    graph.add((SERVICE, DCAT.theme, THEME))
    _common(graph, SERVICE, publication)
    _contact(graph, SERVICE, publication)
    return graph
