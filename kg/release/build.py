"""``kg build``: records -> normalised values -> named graphs -> OWL-RL graph -> SHACL -> release.

Everything that can fail on bad input (reading, checking, normalising, mapping, and validation
against the shapes of shapes/) happens before anything is written; the release files are then
replaced atomically, so a bad record or a graph with SHACL violations never leaves a
half-written or missing build behind, and the previous release stays in place.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from tqdm import tqdm

from kg.common import paths
from kg.common.errors import KgError
from kg.mapping import map_corpus
from kg.reason.owlrl_reference import inferred_graph
from kg.records import iris
from kg.records.corpus import load_corpus
from kg.records.normalize import NormalisationError
from kg.release.files import nquads_text, trig_text, write_atomically
from kg.release.store_load import load_oxigraph


@dataclass
class BuildReport:
    """What a build produced: triples per graph and the files written."""

    triples: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    records: int = 0
    validation: str = ""

    def summary(self) -> str:
        width = max(len(name) for name in self.triples)
        lines = [f"built {len(self.triples)} graphs from {self.records} records:"]
        for name, count in self.triples.items():
            lines.append(f"  {name:<{width}}  {count:>7} triples")
        lines.append(f"  {'total':<{width}}  {sum(self.triples.values()):>7} triples")
        if self.validation:
            lines.append(self.validation)
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


def check_shapes(graphs: dict[URIRef, Graph], progress: bool = False) -> str:
    """Validate the assembled graphs against shapes/; raise ValidationFailed on a violation."""
    from kg.validate.engines import validate_graphs
    from kg.validate.errors import ValidationFailedError
    from kg.validate.report import ValidationReport
    from kg.validate.report_output import as_text, summary_line

    if progress:
        print("validating (SHACL) …", file=sys.stderr)
    validation = validate_graphs(graphs)
    if not validation.conforms:
        violations = [result for result in validation.results if result.severity == "Violation"]
        violations_only = ValidationReport(violations, validation.report_graph, validation.shape_count)
        raise ValidationFailedError("the graph does not conform to the shapes; nothing was written "
                               f"(the previous build is intact)\n{as_text(violations_only)}".rstrip())
    return f"validated: {summary_line(validation, 'en')}; `kg validate` lists them"


#: Above this many bytes of records, ``engine="auto"`` streams (kg.release.build_stream): the rdflib
#: Dataset, owlrl and pyshacl do not scale past a few thousand contracts.
STREAM_ABOVE_BYTES = 2_000_000
ENGINES = ("auto", "rdflib", "stream")


def choose_engine(data_dir: Path, engine: str = "auto") -> str:
    """``rdflib`` (the reference build, in memory) or ``stream`` (bounded memory, for scale)."""
    if engine not in ENGINES:
        raise KgError(f"unknown build engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    size = sum(path.stat().st_size for path in (data_dir / "records").glob("*.yaml"))
    return "stream" if size > STREAM_ABOVE_BYTES else "rdflib"


def build(data_dir: Path, out_dir: Path, reason: bool = True, progress: bool = False,
          store: bool = True, validate: bool = True, engine: str = "auto",
          workers: int | None = None) -> BuildReport:
    """Build the release into ``out_dir`` (kg.nq, kg.trig and the pyoxigraph store), atomically.

    With ``validate`` (the default) the graphs are checked against the shapes first, and a
    graph with violations is not written. Both engines write the same kg.nq, byte for byte.
    One build at a time writes to ``out_dir``; it first clears what a killed build left there
    (:mod:`kg.release.lock`).
    """
    from kg.release.lock import exclusive_build

    with exclusive_build(out_dir) as removed:
        if removed and progress:
            print(f"removed what a stopped build left in {out_dir}: {', '.join(removed)}",
                  file=sys.stderr, flush=True)
        return _build_locked(data_dir, out_dir, reason, progress, store, validate, engine, workers)


def _build_locked(data_dir: Path, out_dir: Path, reason: bool, progress: bool, store: bool,
                  validate: bool, engine: str, workers: int | None) -> BuildReport:
    if choose_engine(data_dir, engine) == "stream":
        from functools import partial

        from kg.release.build_stream import build_streaming, check_release_shapes

        check = partial(check_release_shapes, progress=progress) if validate else None
        return build_streaming(data_dir, out_dir, reason=reason, progress=progress, store=store,
                               validate=check, workers=workers)
    graphs, record_count = assemble(data_dir, reason=reason, progress=progress)
    validation = check_shapes(graphs, progress=progress) if validate else ""
    nquads = nquads_text(graphs)
    trig = trig_text(graphs)
    report = BuildReport(records=record_count, validation=validation)
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
