"""Drafts of kg ingest: valid records citing real lines, marked as drafts, matched to the graph.

Each development text (../shared/ingest-dev/docNN.txt) is drafted, placed in a copy of data/
and read back with the project's loader: the structure and references check, and every
verbatim value occurs at its cited line of the text (kg check's citation check).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest.draft import draft
from kg.ingest.extract import extract
from kg.ingest.match import DOUBTFUL, SURE, GraphIndex, normalise_name
from kg.ingest.run import Context, draft_document, source_list_item
from kg.ingest.text import read_bytes, read_path
from kg.records.citations import check_citations
from kg.records.corpus import load_corpus
from kg.records.drafts import is_draft, review_checklist

DEV = Path(__file__).resolve().parents[2] / "shared" / "ingest-dev"
SEEDS = DEV.parent / "seeds"
DOCS = sorted(DEV.glob("doc*.txt"))

pytestmark = pytest.mark.skipif(not DOCS, reason="the development set ../shared/ingest-dev is absent")


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Context:
    from kg.common import paths

    return Context.of_data(paths.data_dir())


def _place(data: Path, result) -> Path:
    """Put a draft in ``data`` as kg ingest --out data/records does (entry and text included)."""
    path = data / "records" / f"draft-{result.source_id}.yaml"
    path.write_text(result.yaml(), encoding="utf-8")
    if not result.known_source:
        (data / "records" / result.source["file"]).write_text(result.text, encoding="utf-8")
        sources = data / "sources.yaml"
        text = sources.read_text(encoding="utf-8")
        sources.write_text(text.rstrip("\n") + "\n" + source_list_item(result, text), encoding="utf-8")
    return path


def _own_sources(data: Path, source_ids: set[str]) -> None:
    """Leave out curated records of the same sources (a draft stands for them here)."""
    import yaml

    for path in (data / "records").glob("*.yaml"):
        if path.name.startswith("draft-"):
            continue
        head = yaml.safe_load(path.read_text(encoding="utf-8"))
        if head.get("source") in source_ids:
            path.unlink()


def test_every_dev_draft_loads_and_cites_real_lines(data_copy, context):
    results = [draft_document(read_path(path), context) for path in DOCS]
    _own_sources(data_copy, {result.source_id for result in results})
    for result in results:
        _place(data_copy, result)
    corpus = load_corpus(data_copy)
    drafted = [record for record in corpus.records if record.file.name.startswith("draft-")]
    assert drafted and all(is_draft(record) for record in drafted)
    problems = [problem for problem in check_citations(corpus, SEEDS)
                if problem.file.name.startswith("draft-")]
    assert problems == []
    # what is uncertain is on the checklist, with the YAML file and line
    checklist = review_checklist(drafted)
    assert checklist and all(item.file.name.startswith("draft-") and item.line > 0
                             for item in checklist)


def test_a_draft_of_a_known_text_keeps_its_source_id(context):
    result = draft_document(read_path(DEV / "doc01.txt"), context)
    assert result.known_source and result.source_id == "dzhebel-patronazhna-grizha"


def test_a_new_text_gets_a_source_entry_with_its_sha256_and_no_invented_english_title(context):
    text = (DEV / "doc01.txt").read_bytes() + b"\n"
    result = draft(extract(read_bytes(text, "new.txt")), context.index, context.sources)
    assert not result.known_source
    entry = result.source
    assert "title_en" not in entry and "English title" in entry["review"]
    assert entry["title"] in result.text and entry["corpus"] == "records"
    import hashlib

    assert entry["sha256"] == hashlib.sha256(result.text.encode()).hexdigest()


def test_values_are_cited_exactly_as_the_facts_give_them(context):
    document = read_path(DEV / "doc05.txt")
    extraction = extract(document)
    result = draft(extraction, context.index, context.sources)
    contract = next(record for record in result.records if record["type"] == "Contract")
    fact = next(fact for fact in extraction.facts if fact.attrs.get("id_kind") == "contract")
    assert contract["number"]["raw"] == fact.as_written and contract["number"]["line"] == fact.line
    assert "review" in contract["number"]  # corrected (Cyrillic С, 3-digit serial): flagged
    assert contract["id"] == "contract/BG05M9OP001-4.001-0100-C01"


def test_an_inferred_beneficiary_is_marked_and_flagged(context):
    result = draft_document(read_path(DEV / "doc01.txt"), context)
    participation = next(record for record in result.records if record["type"] == "Participation")
    assert participation["role"] == "beneficiary"
    assert participation["basis"] == "inferred-from-title"
    assert "review" in participation["name_as_written"]
    assert participation["agent"] == "org/obshtina-dzhebel"


def test_a_document_yields_nothing_of_a_kind_it_says_nothing_of(context):
    decision = draft_document(read_path(DEV / "doc11.txt"), context)
    types = {record["type"] for record in decision.records}
    assert "Project" not in types and "Amount" not in types and "Decision" in types
    empty = draft_document(read_bytes("Здравейте, днес е хубав ден.\n".encode(), "x.txt"), context)
    assert empty.records == [] and empty.notes


def test_a_known_organisation_keeps_its_id(context):
    text = ("Община Кюстендил изпълнява проект „Нещо ново“ в партньорство с Агенцията по "
            "заетостта.\n")
    result = draft(extract(read_bytes(text.encode(), "t.txt")), context.index, context.sources)
    ids = {record["id"] for record in result.records if record["type"] == "Organisation"}
    assert "org/obshtina-kyustendil" in ids
    index = context.index
    match = index.match("Organisation", "Агенцията по заетостта", "org/agentsia-po-zaetostta-new")
    assert match.existing and match.id == "org/agentsia-po-zaetostta"


def test_a_doubtful_match_is_flagged_with_both_candidates():
    from kg.common import paths
    from kg.records.corpus import load_corpus as load

    index = GraphIndex(load(paths.data_dir()).records)
    match = index.match("Organisation", "Център за неформално обучение и културна дейност АЛОС",
                        "org/new-alos")
    assert DOUBTFUL <= match.score < SURE
    reason = match.reason("Център за неформално обучение и културна дейност АЛОС")
    assert "org/new-alos" in reason and match.candidate in reason
    assert match.id == "org/new-alos" and not match.existing


def test_names_are_compared_without_articles_case_and_quotes():
    assert normalise_name("Агенцията по заетостта") == normalise_name("Агенция по заетостта")
    assert normalise_name("ОБЩИНА „Сливен“") == normalise_name("община Сливен")


def test_an_html_announcement_is_drafted_from_its_text(context):
    html = ("<html><body><p>Община Джебел изпълнява проект „Патронажна грижа + в община Джебел“, "
            "договор BG05M9OP001-6.002-0199-C01.</p></body></html>").encode()
    result = draft(extract(read_bytes(html, "page.html")), context.index, context.sources)
    assert any(record["id"] == "contract/BG05M9OP001-6.002-0199-C01" for record in result.records)
    assert "<p>" not in result.text


def test_the_reference_mapping_leaves_drafts_out_as_the_build_does(data_copy, context):
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from kg.mapping import map_corpus
    from kg.records import iris

    result = draft_document(read_path(DEV / "doc01.txt"), context)
    _own_sources(data_copy, {result.source_id})
    _place(data_copy, result)
    corpus = load_corpus(data_copy)
    contract = URIRef(iris.thing("contract/BG05M9OP001-6.002-0199-C01"))
    graph = iris.graph(result.source_id)
    published = map_corpus(corpus)
    assert (contract, None, None) not in published[graph]
    assert (graph, RDF.type, iris.BGI.UnreviewedGraph) not in published[graph]
    with_drafts = map_corpus(corpus, include_drafts=True)
    assert (contract, iris.BGI.curationStatus, None) in with_drafts[graph]
    assert (graph, RDF.type, iris.BGI.UnreviewedGraph) in with_drafts[graph]


def test_drafts_load_beside_the_curated_records_of_the_same_texts(data_copy, context):
    """Where data/ already has curated records of a text, its draft uses the same ids for the
    same things (types agree across files) and cites the same lines."""
    for path in DOCS:
        _place(data_copy, draft_document(read_path(path), context))
    corpus = load_corpus(data_copy)
    problems = [problem for problem in check_citations(corpus, SEEDS)
                if problem.file.name.startswith("draft-")]
    assert problems == []
