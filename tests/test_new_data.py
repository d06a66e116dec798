"""A new document in data/ leaves every number the tests pin about the seed documents as it was.

Tests pin counts per seed document (tests/seed_documents.py), never for the whole graph, so that
curating one more announcement breaks no test that is not about it. This module proves it on a
copy of data/ and of the seed texts with one more document, made as docs/records-format.md asks:
an entry in sources.yaml naming its text by SHA-256, the text, and a records file whose verbatim
values occur at the lines they cite. The document is synthetic (an invented municipality) but
touches what whole-graph counts used to trip over: one more project, co-financed by both
operational programmes (two contracts), one more municipality, a partner, an amount and dates.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset
from seed_documents import (
    SEED_GRAPH_TRIPLES,
    SEED_INFERRED_TRIPLES,
    SEED_SOURCES,
    seed_graphs,
    seed_graphs_values,
)

from kg.reason.compiled import inferred_graph_fast
from kg.reason.owlrl_reference import reference_graphs
from kg.records import iris
from kg.records.citations import check_citations
from kg.records.corpus import load_corpus
from kg.release.build import build
from kg.release.report import BuildReport
from kg.store.rdflib_memory import open_dataset

SOURCE_ID = "primerovo-zaedno-v-uchilishte"
TEXT_FILE = "900_primerovo.txt"

TEXT = """\
Община Примерово изпълнява проект „Заедно в училище“ по договор BG05M9OP001-2.018-0099-C01
по Оперативна програма „Развитие на човешките ресурси“ и договор BG05M9OP001-2.018-0099-2014BG05M2OP001-C01
по Оперативна програма „Наука и образование за интелигентен растеж“.

Партньор по проекта е Сдружение „Примерна инициатива“.

Общата стойност на проекта е 250 000,00 лв.
Проектът започна на 01.03.2019 г. и ще приключи на 31.12.2023 г.
"""

RECORDS = """\
# A synthetic announcement for tests/test_new_data.py (the municipality is invented).
source: primerovo-zaedno-v-uchilishte
records:
  - id: programme/2014BG05M9OP001
    type: Programme
    line: 2
    name: 'Развитие на човешките ресурси'
    kind: operational-programme
  - id: programme/2014BG05M2OP001
    type: Programme
    line: 3
    name: 'Наука и образование за интелигентен растеж'
    kind: operational-programme
  - id: procedure/BG05M9OP001-2.018
    type: Procedure
    line: 1
    code: 'BG05M9OP001-2.018'
    programmes: [programme/2014BG05M9OP001, programme/2014BG05M2OP001]
    note: Written only as the stem of the contract numbers.
  - id: project/BG05M9OP001-2.018-0099
    type: Project
    line: 1
    title: 'Заедно в училище'
    number: 'BG05M9OP001-2.018-0099'
    procedures: [procedure/BG05M9OP001-2.018]
    programmes: [programme/2014BG05M9OP001, programme/2014BG05M2OP001]
    start: {raw: '01.03.2019 г.', line: 8}
    end: {raw: '31.12.2023 г.', line: 8}
    label_en: Together at school
  - id: contract/BG05M9OP001-2.018-0099-C01
    type: Contract
    line: 1
    number: 'BG05M9OP001-2.018-0099-C01'
    programme: programme/2014BG05M9OP001
    procedure: procedure/BG05M9OP001-2.018
    project: project/BG05M9OP001-2.018-0099
  - id: contract/BG05M9OP001-2.018-0099-2014BG05M2OP001-C01
    type: Contract
    line: 2
    number: 'BG05M9OP001-2.018-0099-2014BG05M2OP001-C01'
    programme: programme/2014BG05M2OP001
    procedure: procedure/BG05M9OP001-2.018
    project: project/BG05M9OP001-2.018-0099
  - id: project/BG05M9OP001-2.018-0099/amount/total
    type: Amount
    line: 7
    of: project/BG05M9OP001-2.018-0099
    component: total
    value: '250 000,00 лв.'
  - id: org/obshtina-primerovo
    type: Organisation
    line: 1
    name: 'Община Примерово'
    kind: municipality
    label_en: Primerovo Municipality
  - id: org/sdruzhenie-primerna-initsiativa
    type: Organisation
    line: 5
    name: 'Сдружение „Примерна инициатива“'
    kind: association
  - id: project/BG05M9OP001-2.018-0099/participation/beneficiary/obshtina-primerovo
    type: Participation
    line: 1
    project: project/BG05M9OP001-2.018-0099
    agent: org/obshtina-primerovo
    role: beneficiary
    name_as_written: 'Община Примерово'
  - id: project/BG05M9OP001-2.018-0099/participation/partner/sdruzhenie-primerna-initsiativa
    type: Participation
    line: 5
    project: project/BG05M9OP001-2.018-0099
    agent: org/sdruzhenie-primerna-initsiativa
    role: partner
    name_as_written: 'Сдружение „Примерна инициатива“'
"""


@dataclass
class Extended:
    """The copy of data/ with the extra document, its seed texts, and its build."""

    data: Path
    seeds: Path
    build: Path
    report: BuildReport


@pytest.fixture(scope="module")
def extended(data_dir: Path, seeds_dir: Path, tmp_path_factory) -> Extended:
    root = tmp_path_factory.mktemp("new-data")
    data, seeds = root / "data", root / "seeds"
    shutil.copytree(data_dir, data)
    seeds.mkdir()
    for text in seeds_dir.glob("*.txt"):  # copied one by one: the seed directory may be read-only
        shutil.copyfile(text, seeds / text.name)
    shutil.copytree(seeds_dir.parent / "ingest-dev", root / "ingest-dev")  # the other corpus
    (seeds / TEXT_FILE).write_bytes(TEXT.encode("utf-8"))

    sources_file = data / "sources.yaml"
    sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))
    sources["sources"].append({
        "id": SOURCE_ID,
        "file": TEXT_FILE,
        "title": "Община Примерово изпълнява проект „Заедно в училище“",
        "title_en": "Primerovo Municipality carries out the project “Together at school” (synthetic)",
        "kind": "grant-announcement",
        "language": "bg",
        "sha256": hashlib.sha256((seeds / TEXT_FILE).read_bytes()).hexdigest(),
    })
    sources_file.write_text(yaml.safe_dump(sources, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (data / "records" / f"{SOURCE_ID}.yaml").write_text(RECORDS, encoding="utf-8")

    out = root / "build"
    return Extended(data, seeds, out, build(data, out, reason=True, progress=False))


@pytest.fixture(scope="module")
def extended_dataset(extended: Extended) -> Dataset:
    return open_dataset(extended.build)


def test_the_extra_document_is_well_formed_and_cited(extended):
    corpus = load_corpus(extended.data)
    assert sum(record.source == SOURCE_ID for record in corpus.records) == 11
    problems = check_citations(corpus, extended.seeds)
    assert not problems, "\n".join(str(problem) for problem in problems)


def test_the_build_succeeds_with_a_graph_for_the_extra_document(extended, built):
    assert "conforms" in extended.report.validation
    assert extended.report.triples[SOURCE_ID] > 0
    def quads(build_dir: Path) -> int:
        return len((build_dir / "kg.nq").read_bytes().splitlines())

    assert quads(extended.build) > quads(built)  # whole-graph totals do change


def test_the_seed_documents_graphs_keep_their_numbers(extended):
    assert {source_id: extended.report.triples[source_id] for source_id in SEED_SOURCES} == SEED_GRAPH_TRIPLES


def test_the_seed_documents_graphs_are_unchanged_triple_for_triple(extended_dataset, dataset):
    for graph in seed_graphs():
        assert set(extended_dataset.graph(graph)) == set(dataset.graph(graph)), graph


def test_each_seed_document_still_entails_its_own_number_of_triples(extended):
    graphs, _records = reference_graphs(extended.data, reason=False)
    vocabularies = [graphs[iris.ONTOLOGY_GRAPH], graphs[iris.VOCABULARIES_GRAPH]]
    entailed = {source_id: len(inferred_graph_fast([*vocabularies, graphs[iris.graph(source_id)]]))
                for source_id in SEED_SOURCES}
    assert entailed == SEED_INFERRED_TRIPLES


@pytest.mark.parametrize(("cls", "in_the_seed_documents", "added"), [
    ("bgi:Project", 6, 1),
    ("bgi:GrantContract", 7, 2),
    ("bgi:Municipality", 2, 1),
])
def test_class_counts_of_the_seed_documents_stay_while_the_whole_graph_grows(
        extended_dataset, dataset, cls, in_the_seed_documents, added):
    prefix = "PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>\n"
    in_seeds = prefix + (f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH ?g {{ ?x a {cls} }} "
                         f"{seed_graphs_values()} }}")
    everywhere = prefix + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}"

    def count(graph: Dataset, query: str) -> int:
        return int(next(iter(graph.query(query)))[0])

    assert count(extended_dataset, in_seeds) == count(dataset, in_seeds) == in_the_seed_documents
    assert count(extended_dataset, everywhere) == count(dataset, everywhere) + added
