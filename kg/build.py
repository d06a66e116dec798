"""``kg build``: records -> normalised values -> named graphs -> OWL-RL graph -> release files.

Everything that can fail on bad input (reading, checking, normalising, mapping) happens before
anything is written; the release files are then replaced atomically, so a bad record never
leaves a half-written or missing build behind.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from tqdm import tqdm

from kg import iris, paths
from kg.errors import KgError
from kg.mapping import map_corpus
from kg.normalize import NormalisationError
from kg.reason import inferred_graph
from kg.release import nquads_text, trig_text, write_atomically
from kg.sources import load_corpus
from kg.store import load_oxigraph


@dataclass
class BuildReport:
    """What a build produced: triples per graph and the files written."""

    triples: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    records: int = 0

    def summary(self) -> str:
        width = max(len(name) for name in self.triples)
        lines = [f"built {len(self.triples)} graphs from {self.records} records:"]
        for name, count in self.triples.items():
            lines.append(f"  {name:<{width}}  {count:>7} triples")
        lines.append(f"  {'total':<{width}}  {sum(self.triples.values()):>7} triples")
        lines.extend(f"wrote {path}" for path in self.files)
        return "\n".join(lines)


def load_vocabulary_graphs(ontology_dir: Path | None = None) -> dict[URIRef, Graph]:
    """The ontology (bgi.ttl) and the SKOS code lists (vocabularies.ttl) as their own graphs."""
    directory = ontology_dir or paths.ontology_dir()
    graphs = {}
    for name, identifier in (("bgi.ttl", iris.ONTOLOGY_GRAPH),
                             ("vocabularies.ttl", iris.VOCABULARIES_GRAPH)):
        parsed = Graph()
        try:
            parsed.parse(directory / name, format="turtle")
        except Exception as error:  # rdflib's parser raises many kinds of error on bad input
            raise KgError(f"{directory / name}: cannot read the ontology: {error}") from None
        graph = Graph(identifier=identifier)
        for triple in to_canonical_graph(parsed):  # blank-node labels stable across runs
            graph.add(triple)
        graphs[identifier] = graph
    return graphs


def assemble(data_dir: Path, reason: bool = True, progress: bool = False
             ) -> tuple[dict[URIRef, Graph], int]:
    """All graphs of the release (sources, ontology, vocabularies, inferred) and the record count."""
    corpus = load_corpus(data_dir)
    bar = tqdm(total=len(corpus.records), desc="mapping records", unit="rec",
               disable=not progress, file=sys.stderr)
    try:
        graphs = map_corpus(corpus, on_record=lambda _record: bar.update())
    except NormalisationError as error:  # pragma: no cover - loader parses verbatim values first
        raise KgError(str(error)) from error
    finally:
        bar.close()
    graphs.update(load_vocabulary_graphs())
    if reason:
        if progress:
            print("reasoning (OWL-RL) …", file=sys.stderr)
        inferred = inferred_graph(graphs.values())
        graphs[inferred.identifier] = inferred
    return graphs, len(corpus.records)


def build(data_dir: Path, out_dir: Path, reason: bool = True, progress: bool = False,
          store: bool = True) -> BuildReport:
    """Build the release into ``out_dir`` (kg.nq, kg.trig and the pyoxigraph store), atomically."""
    graphs, record_count = assemble(data_dir, reason=reason, progress=progress)
    nquads = nquads_text(graphs)
    trig = trig_text(graphs)
    report = BuildReport(records=record_count)
    base = str(iris.GRAPH)
    for identifier in sorted(graphs):
        report.triples[str(identifier).removeprefix(base)] = len(graphs[identifier])
    for name, text in (("kg.nq", nquads), ("kg.trig", trig)):
        path = out_dir / name
        write_atomically(path, text)
        report.files.append(path)
    if store:
        load_oxigraph(out_dir / "kg.nq", out_dir / "store")
        report.files.append(out_dir / "store")
    return report
