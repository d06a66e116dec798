"""Traceability: every raw string of the records occurs in its source text at the cited line."""

from __future__ import annotations

import hashlib

from seed_documents import SEED_SOURCES

from kg.records.citations import check_citations, source_text_path
from kg.records.corpus import load_corpus
from kg.records.model import Verbatim


def test_every_verbatim_value_occurs_at_its_cited_line(data_dir, seeds_dir):
    problems = check_citations(load_corpus(data_dir), seeds_dir)
    assert not problems, "\n".join(str(problem) for problem in problems[:30])


def test_each_source_names_its_text_by_sha256(data_dir, seeds_dir):
    corpus = load_corpus(data_dir)
    documents = [source for source in corpus.sources.values() if source.file]
    assert {source.id for source in documents} >= set(SEED_SOURCES)
    assert [source.id for source in corpus.sources.values()
            if not source.file and source.kind != "curation"] == []  # every document names its text
    for source in documents:
        digest = hashlib.sha256(source_text_path(source, seeds_dir, corpus.data_dir).read_bytes()).hexdigest()
        assert source.sha256 == digest, source.id


def test_every_record_cites_a_line_inside_its_document(data_dir, seeds_dir):
    corpus = load_corpus(data_dir)
    lengths = {source.id: len(source_text_path(source, seeds_dir, corpus.data_dir)
                              .read_text(encoding="utf-8").split("\n"))
               for source in corpus.sources.values() if source.file}
    for record in corpus.records:
        if record.source in lengths:
            assert 1 <= record.span.first <= record.span.last <= lengths[record.source], record.id


def test_a_value_cited_at_the_wrong_line_is_caught(data_dir, seeds_dir, tmp_path):
    corpus = load_corpus(data_dir)
    contract = next(record for record in corpus.records
                    if record.id == "contract/BG05M9OP001-2.018-0031-C01"
                    and record.source == "kyustendil-equal-opportunities")
    number: Verbatim = contract.values["number"]
    moved = Verbatim(number.fragments, tuple(type(span)(span.first + 2, span.last + 2)
                                             for span in number.spans))
    contract.values["number"] = moved
    problems = check_citations(corpus, seeds_dir)
    assert any("does not occur" in str(problem) and problem.field == "number"
               for problem in problems)


def test_every_identifier_amount_and_date_keeps_its_raw_string(data_dir):
    """Raw strings are kept verbatim: the Cyrillic С of the 2.018 contract number survives."""
    corpus = load_corpus(data_dir)
    raws = {value.text for record in corpus.records for value in record.values.values()
            if isinstance(value, Verbatim)}
    assert "BG05M9OP001-2.018-0031-С01" in raws
    assert "BG05М90Р001-2.002" in raws
    assert "1 589 270,65 лв." in raws
