"""Every gold fact of the development set of announcements is in the built graph, and nothing
the gold lists as "must not emit" (of the kinds a graph can be asked about) is.

``../shared/ingest-dev/gold.json`` holds, for sixteen real texts, the facts a careful curator
takes from each (README there). Each text is a source of ``data/sources.yaml`` (corpus
``ingest-dev``) with its own named graph; this test reads gold.json and asks that graph, so it
checks the curated records and the whole pipeline (parsers, mapping, build) at once. It is keyed
by the gold documents only: adding another document to data/ changes nothing here.

How a fact is found (strings compare after collapsing whitespace and unifying quote marks):

* identifier — a ``dcterms:identifier`` equal to the gold ``normalised`` whose subject also has
  the gold ``as_written`` as ``bgi:identifierAsWritten``; a decision or protocol number (kind
  ``other`` written ``Решение № N`` / ``Протокол № N``) is a ``bgi:decisionNumber`` /
  ``bgi:protocolNumber`` of N;
* beneficiary, partners — a ``bgi:Participation`` with the gold role whose ``bgi:nameAsWritten``
  is the gold name; an implied beneficiary must carry an inferred ``bgi:roleBasis``, a stated one
  must not; a gold strand must be the participation's ``bgi:partnershipStrand``;
* title — a project's label; programmes and fund — a ``bgi:nameAsWritten`` or
  ``bgi:programmeAsWritten`` of the gold string;
* money — a ``bgi:valueAsWritten`` of the gold string with the gold value and currency (none
  where the text gives none);
* dates — some ``bgi:…AsWritten`` literal of the gold string, and beside it the canonical value
  with the gold ISO date; a date the text gives without a year keeps none.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.records import iris
from kg.records.sources import load_sources

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "ingest-dev"
GOLD = GOLD_DIR / "gold.json"
BGI = iris.BGI
DCTERMS_IDENTIFIER = URIRef("http://purl.org/dc/terms/identifier")
QUOTES = str.maketrans({q: '"' for q in "„“”«»‟″\"'’‘‚"})
#: The gold's strand names and the graph's concepts of bgi:partnershipStrand.
STRANDS = {"transnational": "transnational", "donor-country partner": "donor-state"}


def plain(text: str) -> str:
    """A string as compared here: whitespace collapsed, every quote mark the same."""
    return " ".join(str(text).translate(QUOTES).split()).strip()


def gold_documents() -> dict[str, dict]:
    if not GOLD.is_file():  # pragma: no cover - CI has ../shared beside the clone
        pytest.fail(f"the development set is missing at {GOLD_DIR}")
    return json.loads(GOLD.read_text(encoding="utf-8"))


def source_ids(data_dir: Path) -> dict[str, str]:
    """docNN -> the id of the source in data/sources.yaml whose text is docNN.txt."""
    found = {}
    for source in load_sources(data_dir / "sources.yaml").values():
        if source.corpus == "ingest-dev" and source.file:
            found[source.file.removesuffix(".txt").removeprefix("doc")] = source.id
    return found


DOCS = sorted(gold_documents()) if GOLD.is_file() else []


@pytest.fixture(scope="module")
def graphs(dataset: Dataset, data_dir: Path):
    ids = source_ids(data_dir)

    def graph_of(doc: str):
        assert doc in ids, f"doc{doc}.txt is no source in data/sources.yaml (corpus ingest-dev)"
        graph = dataset.graph(iris.graph(ids[doc]))
        assert len(graph) > 0, f"the graph of doc{doc} ({ids[doc]}) is empty"
        return graph
    return graph_of


def literals(graph, predicate) -> dict[str, list]:
    """plain(value) -> subjects, for every literal object of ``predicate``."""
    found: dict[str, list] = {}
    for subject, value in graph.subject_objects(predicate):
        if isinstance(value, Literal):
            found.setdefault(plain(value), []).append(subject)
    return found


def as_written_predicates(graph) -> set[URIRef]:
    return {p for p in set(graph.predicates()) if str(p).startswith(str(BGI))
            and str(p).endswith("AsWritten")}


# ---------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize("doc", DOCS)
def test_every_gold_identifier_is_in_the_documents_graph(doc, graphs):
    graph = graphs(doc)
    for item in gold_documents()[doc]["identifiers"]:
        normalised, written = item["normalised"], plain(item["as_written"])
        number = re.fullmatch(r"(Решение|Протокол) № (\S+)", normalised)
        if number:
            predicate = BGI.decisionNumber if number.group(1) == "Решение" else BGI.protocolNumber
            values = {plain(value).lstrip("№ ") for value in graph.objects(None, predicate)}
            assert number.group(2) in values, (doc, item, values)
            continue
        subjects = set(graph.subjects(DCTERMS_IDENTIFIER, Literal(normalised)))
        assert subjects, f"doc{doc}: no dcterms:identifier {normalised!r}"
        written_by = {s for s in subjects for value in graph.objects(s, BGI.identifierAsWritten)
                      if plain(value) == written}
        assert written_by, f"doc{doc}: {normalised!r} is not kept as written {written!r}"


@pytest.mark.parametrize("doc", DOCS)
def test_no_canonical_identifier_keeps_a_non_latin_letter(doc, graphs):
    graph = graphs(doc)
    for value in graph.objects(None, DCTERMS_IDENTIFIER):
        if re.match(r"^(BG|\d{4}BG)", str(value)):
            assert str(value).isascii(), (doc, str(value))


# ---------------------------------------------------------------------------- organisations


def participations(graph, role: str) -> list[tuple[URIRef, str]]:
    role_concept = iris.concept("roles", role)
    found = []
    for participation in graph.subjects(BGI.role, role_concept):
        for name in graph.objects(participation, BGI.nameAsWritten):
            found.append((participation, plain(name)))
    return found


@pytest.mark.parametrize("doc", DOCS)
def test_the_beneficiary_is_recorded_with_how_it_is_known(doc, graphs):
    gold = gold_documents()[doc]["beneficiary"]
    graph = graphs(doc)
    found = participations(graph, "beneficiary")
    if gold is None:
        assert not found, f"doc{doc} names no beneficiary, the graph has {found}"
        return
    matches = [p for p, name in found if name == plain(gold["name"])]
    assert matches, f"doc{doc}: beneficiary {gold['name']!r} not among {[n for _, n in found]}"
    bases = {str(basis).rsplit("/", 1)[-1] for p in matches
             for basis in graph.objects(p, BGI.roleBasis)}
    if gold["basis"].startswith("implied"):
        assert bases and all(b.startswith("inferred") for b in bases), (doc, bases)
    else:
        assert not any(b.startswith("inferred") for b in bases), (doc, bases)


@pytest.mark.parametrize("doc", DOCS)
def test_every_gold_partner_has_its_role_and_strand(doc, graphs):
    graph = graphs(doc)
    for partner in gold_documents()[doc]["partners"]:
        found = [p for p, name in participations(graph, partner["role"])
                 if name == plain(partner["as_written"])]
        assert found, f"doc{doc}: no {partner['role']} written {partner['as_written']!r}"
        if partner.get("strand"):
            strand = iris.concept("partnership-strands", STRANDS[partner["strand"]])
            assert any((p, BGI.partnershipStrand, strand) in graph for p in found), (doc, partner)


@pytest.mark.parametrize("doc", DOCS)
def test_a_document_without_partners_has_none_in_the_graph(doc, graphs):
    if gold_documents()[doc]["partners"]:
        pytest.skip("the document names partners")
    assert not participations(graphs(doc), "partner")


# ---------------------------------------------------------------------------- titles, programmes


@pytest.mark.parametrize("doc", DOCS)
def test_the_project_title_is_a_projects_label(doc, graphs):
    gold = gold_documents()[doc]
    graph = graphs(doc)
    titles = [gold["project_title"]] if gold.get("project_title") else []
    titles += [extra["title"] for extra in gold.get("additional_projects") or []]
    if not titles:
        pytest.skip("the text gives no project title")
    labels = {plain(label) for project in graph.subjects(RDF.type, BGI.Project)
              for label in graph.objects(project, RDFS.label)}
    for title in titles:
        assert plain(title) in labels, f"doc{doc}: no project titled {title!r}"


@pytest.mark.parametrize("doc", DOCS)
def test_programmes_and_the_fund_are_kept_as_written(doc, graphs):
    gold = gold_documents()[doc]
    graph = graphs(doc)
    written = set(literals(graph, BGI.nameAsWritten)) | set(literals(graph, BGI.programmeAsWritten))
    for programme in gold["programmes"]:
        assert plain(programme["as_written"]) in written, (doc, programme["as_written"])
    if gold.get("fund"):
        assert plain(gold["fund"]["as_written"]) in written, (doc, gold["fund"]["as_written"])


# ---------------------------------------------------------------------------- money and dates


@pytest.mark.parametrize("doc", DOCS)
def test_every_gold_amount_has_its_value_and_currency(doc, graphs):
    gold = gold_documents()[doc]
    graph = graphs(doc)
    by_written = literals(graph, BGI.valueAsWritten)
    items = list(gold["money"])
    items += [{"as_written": extra["money_as_written"], "value": None, "currency": "BGN"}
              for extra in gold.get("additional_projects") or [] if extra.get("money_as_written")]
    for item in items:
        subjects = by_written.get(plain(item["as_written"]), [])
        assert subjects, f"doc{doc}: no amount written {item['as_written']!r}"
        if item["value"] is not None:
            values = {Decimal(str(v)) for s in subjects
                      for v in graph.objects(s, iris.SCHEMA.value)}
            assert Decimal(str(item["value"])) in values, (doc, item, values)
        currencies = {str(c) for s in subjects for c in graph.objects(s, iris.SCHEMA.currency)}
        if item["currency"] is None:
            assert not currencies, f"doc{doc}: {item['as_written']!r} has no currency in the text"
        else:
            assert item["currency"] in currencies, (doc, item, currencies)


@pytest.mark.parametrize("doc", DOCS)
def test_a_document_without_money_has_no_amount(doc, graphs):
    gold = gold_documents()[doc]
    if gold["money"] or gold.get("additional_projects"):
        pytest.skip("the document states amounts")
    assert not list(graphs(doc).subjects(RDF.type, BGI.Amount))


DATE_TYPES = {XSD.date: 10, XSD.gYearMonth: 7, XSD.gYear: 4, XSD.dateTime: 10}


@pytest.mark.parametrize("doc", DOCS)
def test_every_gold_date_is_kept_as_written_with_its_calendar_value(doc, graphs):
    graph = graphs(doc)
    predicates = as_written_predicates(graph)
    for item in gold_documents()[doc]["dates"]:
        written = plain(item["as_written"])
        places = [(s, p) for p in predicates for s, value in graph.subject_objects(p)
                  if plain(value) == written or written in plain(value)]
        assert places, f"doc{doc}: the date {written!r} is nowhere as written"
        canonical = []
        for subject, predicate in places:
            base = URIRef(str(predicate).removesuffix("AsWritten"))
            candidates = [base] if (subject, base, None) in graph else [
                p for p in set(graph.predicates(subject)) if not str(p).endswith("AsWritten")]
            for candidate in candidates:
                for value in graph.objects(subject, candidate):
                    if isinstance(value, Literal) and value.datatype in (*DATE_TYPES, XSD.gMonthDay):
                        canonical.append(value)
        if item["iso"] is None:
            years = [v for v in canonical if v.datatype != XSD.gMonthDay]
            if item.get("inferred_year"):
                for subject, _ in places:
                    if years:
                        assert (subject, BGI.yearInferred, Literal(True)) in graph, (doc, item)
            continue
        lexicals = {str(v)[:DATE_TYPES.get(v.datatype, 10)] for v in canonical}
        assert item["iso"] in lexicals, f"doc{doc}: {written!r} should read {item['iso']}, not {lexicals}"


# ---------------------------------------------------------------------------- decisions


@pytest.mark.parametrize("doc", DOCS)
def test_the_adopted_document_is_adopted_by_the_decision(doc, graphs):
    gold = gold_documents()[doc].get("adopted_document")
    if not gold:
        pytest.skip("not a decision")
    graph = graphs(doc)
    adopted = [plain(label) for decision in graph.subjects(RDF.type, BGI.Decision)
               for document in graph.objects(decision, BGI.adopts)
               for label in graph.objects(document, RDFS.label)]
    wording = re.sub(r"\s*\(item 1\).*$", "", gold)
    fragments = [plain(part) for part in wording.split("...") if part.strip()]
    assert any(all(fragment in label for fragment in fragments) for label in adopted), (
        doc, fragments, adopted)
