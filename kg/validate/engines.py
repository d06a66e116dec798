"""SHACL validation with the shapes of shapes/, for the build and for any RDF files.

The entry points: :func:`validate_files` and :func:`validate_graphs` choose an engine, build its
data graph (:mod:`kg.validate.data_graph`), run it and read its report (:mod:`kg.validate.report`).

* ``sparql`` (the default where it can): the shapes compiled to SPARQL and run on pyoxigraph
  (:mod:`kg.validate.sparql_engine`), the same results as pyshacl, fast at scale;
* ``pyshacl`` (:mod:`kg.validate.pyshacl_engine`): the reference, and the engine for shapes the SPARQL
  compiler does not translate and for ``--inference``.

Either engine runs in a child process killed at the timeout. A result of severity sh:Violation
fails validation; warnings and infos do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph, URIRef

from kg.common.errors import KgError
from kg.common.rdf_input import read_rdf_files
from kg.validate.data_graph import data_graph
from kg.validate.data_store import store_from_files, store_from_graphs
from kg.validate.errors import DEFAULT_TIMEOUT
from kg.validate.ontology_terms import (
    add_undefined_term_results,
    terms_in_graphs,
    terms_in_store,
    undefined_terms,
)
from kg.validate.pyshacl_engine import run_pyshacl
from kg.validate.report import ValidationReport, report_of, results_of, tag_messages
from kg.validate.shacl_checks import compile_shapes
from kg.validate.shacl_sparql import UnsupportedShapeError
from kg.validate.shapes import load_shapes, named_shapes
from kg.validate.sparql_engine import run_in_child

INFERENCE = ("none", "rdfs", "owlrl")
#: ``sparql``: the shapes compiled to SPARQL and run on pyoxigraph (kg.validate.sparql_engine), the same
#: results as pyshacl, fast at scale; ``pyshacl``: the reference; ``auto``: sparql where it can.
ENGINES = ("auto", "sparql", "pyshacl")


def validate_graphs(graphs: Mapping[URIRef, Graph], shapes: Graph | Path | None = None,
                    inference: str = "none", timeout: float | None = DEFAULT_TIMEOUT,
                    add_vocabularies: bool = True, engine: str = "auto") -> ValidationReport:
    """Validate the union of ``graphs`` (named graphs keyed by name) against the shapes."""
    shapes_graph = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    undefined = undefined_terms(*terms_in_graphs(graphs.values()))
    if choose_engine(engine, inference, shapes_graph) == "sparql":
        return _validate_with_sparql(store_from_graphs(graphs), shapes_graph, timeout, add_vocabularies,
                                     undefined)
    data, notes = data_graph(graphs, add_vocabularies=add_vocabularies)
    report_graph = tag_messages(run_pyshacl(data, shapes_graph, inference, timeout), shapes_graph)
    add_undefined_term_results(report_graph, undefined)
    return ValidationReport(results_of(report_graph, shapes_graph), report_graph,
                            shape_count=len(named_shapes(shapes_graph)), notes=notes)


def validate_files(files: Iterable[Path], format_in: str | None = None, shapes: Graph | Path | None = None,
                   engine: str = "auto", inference: str = "none", timeout: float | None = DEFAULT_TIMEOUT,
                   add_vocabularies: bool = True) -> ValidationReport:
    """Validate RDF files of any syntax :mod:`kg.common.formats` reads (named graphs of TriG /
    N-Quads / JSON-LD kept apart)."""
    paths_given = [Path(name) for name in files]
    shapes_graph = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if choose_engine(engine, inference, shapes_graph) == "sparql":
        loaded = store_from_files(paths_given, format_in)
        undefined = undefined_terms(*terms_in_store(loaded.store))
        return _validate_with_sparql(loaded, shapes_graph, timeout, add_vocabularies, undefined)
    return validate_graphs(read_rdf_files(paths_given, format_in), shapes=shapes_graph, inference=inference,
                           timeout=timeout, add_vocabularies=add_vocabularies, engine="pyshacl")


def choose_engine(engine: str, inference: str, shapes: Graph) -> str:
    """``sparql`` or ``pyshacl`` for ``engine`` (``auto``: sparql unless the shapes or the
    inference need pyshacl); an explicit ``sparql`` that cannot be honoured is an error."""
    if engine not in ENGINES:
        raise KgError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if inference not in INFERENCE:
        raise KgError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE)}")
    if engine == "pyshacl":
        return engine

    reason = None
    if inference != "none":
        reason = f"--inference {inference} is done by pyshacl"
    else:
        try:
            compile_shapes(shapes)
        except UnsupportedShapeError as error:
            reason = str(error)
    if reason is None:
        return "sparql"
    if engine == "sparql":
        raise KgError(f"the SPARQL engine cannot validate this: {reason}; use --engine pyshacl")
    return "pyshacl"


def _validate_with_sparql(store, shapes: Graph, timeout: float | None, add_vocabularies: bool,
                          undefined: Iterable[str] = ()) -> ValidationReport:
    report_graph, notes = run_in_child(store, shapes, add_vocabularies, timeout)
    add_undefined_term_results(report_graph, undefined)
    return report_of(report_graph, shapes, notes)
