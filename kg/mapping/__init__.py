"""Records -> triples, one named graph per source document.

:func:`map_corpus` is the whole mapping: it asks :mod:`kg.mapping.records` for each record's
triples and :mod:`kg.mapping.provenance` for each source's description, and files them under
the source's graph. IRIs come only from :mod:`kg.records.iris`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import Dataset, Graph, Node, URIRef

from kg.mapping.labels import LabelIndex
from kg.mapping.provenance import describe_source
from kg.mapping.records import record_triples
from kg.records import iris
from kg.records.corpus import Corpus
from kg.records.drafts import is_draft, published
from kg.records.model import Record

Triple = tuple[URIRef, URIRef, Node]


def map_corpus(corpus: Corpus, on_record: Callable[[Record], None] | None = None,
               include_drafts: bool = False) -> dict[URIRef, Graph]:
    """Every source graph of the corpus, keyed by graph IRI (sources with no records included).

    Draft records are left out unless ``include_drafts`` (the rule of the streaming build,
    :mod:`kg.records.drafts`); the graphs of the sources whose drafts are included are typed
    ``bgi:UnreviewedGraph``."""
    records = published(corpus.records, include_drafts)
    unreviewed = {record.source for record in records if is_draft(record)}
    graphs: dict[URIRef, Graph] = {}
    for source in corpus.sources.values():
        identifier = iris.graph(source.id)
        graphs[identifier] = Graph(identifier=identifier)
        _add_all(graphs[identifier], describe_source(source, unreviewed=source.id in unreviewed))
    labels = LabelIndex.of(Corpus(corpus.sources, records, corpus.data_dir))
    for record in records:
        language = corpus.sources[record.source].language
        _add_all(graphs[iris.graph(record.source)], record_triples(record, labels, language))
        if on_record:
            on_record(record)
    return graphs


def _add_all(graph: Graph, triples: Iterable[Triple]) -> None:
    for triple in triples:
        graph.add(triple)


def to_dataset(graphs: dict[URIRef, Graph]) -> Dataset:
    """Put graphs into one rdflib Dataset (its default graph stays empty)."""
    dataset = Dataset()
    for identifier, graph in graphs.items():
        target = dataset.graph(identifier)
        for triple in graph:
            target.add(triple)
    return dataset
