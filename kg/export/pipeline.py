"""``kg export``: the release's graphs -> every format, described, checksummed, written at once.

The layout of the export directory (docs/publishing.md):

``kg.ttl kg.trig kg.nt kg.nq kg.rdf`` the graphs in five RDF syntaxes; ``kg.jsonld`` compacted
JSON-LD; ``context.jsonld`` its context; ``projects.jsonld`` and ``projects/<number>.jsonld``
framed project documents; ``csv/*.csv`` the tables; ``void.ttl`` VoID statistics;
``dcat.ttl`` the DCAT-AP 3 description; ``SHA256SUMS`` the checksums of all of them.

Everything is computed in memory first and then written into a staging directory that
replaces the previous export only when complete (:mod:`kg.export.atomic_directory`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.common.errors import KgError
from kg.common.formats import by_key
from kg.export import csv_tables, jsonld_context, jsonld_documents
from kg.export.atomic_directory import replacing_directory, write_file
from kg.export.checksums import SUMS_FILENAME, FileFacts, facts_of, sums_text
from kg.export.coverage import coverage
from kg.export.dcat import DistributionFile, Publication, dcat_graph
from kg.export.rdf_formats import RDF_FORMATS, rdf_texts, union_graph
from kg.export.selection import ALL_FORMATS, CSV, JSONLD
from kg.export.void import compute_statistics, void_graph
from kg.records import iris
from kg.release.files import nquads_text
from kg.store.oxigraph import OxigraphStore, materialise_union

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JSON_LD = by_key("jsonld")
#: The tables are CSV files as SPARQL's CSV results are (RFC 4180, UTF-8).
CSV_TABLE = by_key("csv")
TURTLE = by_key("turtle")


@dataclass(frozen=True)
class ExportOptions:
    publication: Publication
    formats: tuple[str, ...] = ALL_FORMATS
    inferred: bool = False


@dataclass
class ExportReport:
    out_dir: Path
    files: list[FileFacts] = field(default_factory=list)
    graphs: int = 0
    triples: int = 0

    def summary(self) -> str:
        total = sum(fact.byte_size for fact in self.files)
        lines = [f"exported {self.graphs} graphs ({self.triples} distinct triples) to {self.out_dir}:"]
        lines += [f"  {fact.name:<40} {fact.byte_size:>10} bytes" for fact in self.files]
        lines.append(f"  {len(self.files)} files, {total} bytes; checksums in {SUMS_FILENAME}")
        return "\n".join(lines)


def graphs_from_build(build_dir: Path) -> dict[URIRef, Graph]:
    """The named graphs of the release in ``build_dir`` (its kg.nq)."""
    path = build_dir / "kg.nq"
    if not path.is_file():
        raise KgError(f"{path}: no build found; run `kg build` first")
    graphs: dict[URIRef, Graph] = {}
    try:
        quads = list(ox.parse(path=str(path), format=by_key("nquads").rdf_format))
    except (SyntaxError, ValueError, OSError) as error:
        raise KgError(f"{path}: cannot read the release: {error}") from None
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            continue
        name = URIRef(quad.graph_name.value)
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = Graph(identifier=name)
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graphs


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """pyoxigraph -> rdflib, keeping blank-node labels (rdflib's parser would draw new random ones,
    and the export would differ from run to run)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # a simple literal, as rdflib's parsers make it
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _store(nquads: str) -> OxigraphStore:
    store = ox.Store()
    store.load(nquads.encode("utf-8"), format=by_key("nquads").rdf_format)
    materialise_union(store)
    return OxigraphStore(store, "export")


def _check_formats(formats: tuple[str, ...]) -> None:
    unknown = sorted(set(formats) - set(ALL_FORMATS))
    if unknown:
        raise KgError(f"--formats: unknown format(s) {', '.join(unknown)}; "
                      f"choose from {', '.join(ALL_FORMATS)}")


def _source_count(union: Graph) -> int:
    return sum(1 for document in set(union.subjects(RDF.type, iris.BGI.SourceDocument))
               if (document, iris.BGI.sha256, None) in union)


def export_files(graphs: dict[URIRef, Graph], options: ExportOptions
                 ) -> tuple[dict[str, bytes], list[DistributionFile]]:
    """Every file of the export except the descriptions, by name, and which are distributions."""
    _check_formats(options.formats)
    selected = {name: graph for name, graph in graphs.items()
                if options.inferred or name != iris.INFERRED_GRAPH}
    files: dict[str, bytes] = {}
    distributions: list[tuple[str, str, str, str, str]] = []
    for key, text in rdf_texts(selected, set(options.formats)).items():
        spec = next(spec for spec in RDF_FORMATS if spec.key == key)
        files[spec.filename] = text.encode("utf-8")
        distributions.append((spec.filename, spec.title_en, spec.title_bg, spec.media_type,
                              spec.eu_file_type))
    union = union_graph(selected)
    if JSONLD in options.formats:
        context = jsonld_context.build_context(_store(nquads_text(graphs)))
        files[jsonld_context.CONTEXT_FILENAME] = jsonld_context.context_text(context).encode("utf-8")
        compacted = jsonld_documents.compacted_dataset(nquads_text(selected), context)
        files["kg.jsonld"] = jsonld_documents.json_text(compacted).encode("utf-8")
        distributions.append(("kg.jsonld", "JSON-LD (named graphs, compacted)",
                              "JSON-LD (именувани графи, компактен)", JSON_LD.media_type,
                              JSON_LD.eu_file_type or ""))
        framed = jsonld_documents.framed_projects(union, context)
        for key, document in framed.items():
            files[f"projects/{key}.jsonld"] = jsonld_documents.json_text(document).encode("utf-8")
        collection = jsonld_documents.projects_collection(framed)
        files["projects.jsonld"] = jsonld_documents.json_text(collection).encode("utf-8")
        distributions.append(("projects.jsonld", "Projects as nested JSON-LD (framed)",
                              "Проекти като вложен JSON-LD (рамкиран)", JSON_LD.media_type,
                              JSON_LD.eu_file_type or ""))
    if CSV in options.formats:
        for table in csv_tables.TABLES:
            name = f"csv/{table.name}.csv"
            files[name] = ("\ufeff" + csv_tables.table_text(union, table)).encode("utf-8")
            distributions.append((name, f"{table.title_en} (CSV)", f"{table.title_bg} (CSV)",
                                  CSV_TABLE.media_type, CSV_TABLE.eu_file_type or ""))
    described = [DistributionFile(facts_of(name, files[name]), title_en, title_bg, media, file_type)
                 for name, title_en, title_bg, media, file_type in distributions]
    return files, described


def export_release(graphs: dict[URIRef, Graph], out_dir: Path, options: ExportOptions) -> ExportReport:
    """Write the export of ``graphs`` into ``out_dir``, replacing the previous one atomically."""
    files, distributions = export_files(graphs, options)
    selected = {name: graph for name, graph in graphs.items()
                if options.inferred or name != iris.INFERRED_GRAPH}
    union = union_graph(selected)
    publication = options.publication
    stats = compute_statistics(_store(nquads_text(selected)))
    dumps = [publication.download_base + spec.filename for spec in RDF_FORMATS if spec.filename in files]
    void = void_graph(stats, sparql_endpoint=publication.sparql_endpoint, dumps=dumps)
    files["void.ttl"] = void.serialize(format=TURTLE.rdflib_name).encode("utf-8")
    dcat = dcat_graph(publication, distributions, coverage(union), _source_count(union))
    files["dcat.ttl"] = dcat.serialize(format=TURTLE.rdflib_name).encode("utf-8")
    facts = [facts_of(name, data) for name, data in sorted(files.items())]
    files[SUMS_FILENAME] = sums_text(facts).encode("utf-8")
    with replacing_directory(out_dir) as staging:
        for name, data in sorted(files.items()):
            write_file(staging, name, data)
    return ExportReport(out_dir, [*facts, facts_of(SUMS_FILENAME, files[SUMS_FILENAME])],
                        graphs=len(selected), triples=stats.triples)
