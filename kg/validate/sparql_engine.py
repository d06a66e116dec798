"""SHACL validation as SPARQL on pyoxigraph: the same report as pyshacl, fast enough for 100×.

The input is loaded into an in-memory store and turned into pyshacl's data graph there
(:mod:`kg.validate.data_store`). The shapes are compiled to queries by :mod:`kg.validate.shacl_sparql`;
each row becomes a result in a SHACL report graph shaped like pyshacl's
(:mod:`kg.validate.sparql_report`), which :func:`kg.validate.report.results_of` reads, so both engines
feed the same report code. The work runs in a forked child killed at the timeout.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH

from kg.common.errors import KgError
from kg.validate.data_store import LoadedData, ill_typed_literals, prepare_data_graph
from kg.validate.select import select
from kg.validate.shacl_checks import compile_shapes
from kg.validate.sparql_report import run_checks
from kg.validate.timed_child import child_message


def subclass_closure(store: ox.Store) -> Callable[[URIRef], list[URIRef]]:
    """``cls`` → ``cls`` and every class with an rdfs:subClassOf path to it in the data graph."""
    parents: dict[str, set[str]] = {}
    for row in select(store, f"SELECT ?sub ?super WHERE {{ ?sub <{RDFS.subClassOf}> ?super }}"):
        if isinstance(row[0], ox.NamedNode) and isinstance(row[1], ox.NamedNode):
            parents.setdefault(row[1].value, set()).add(row[0].value)

    def closure(cls: URIRef) -> list[URIRef]:
        seen, todo = {str(cls)}, [str(cls)]
        while todo:
            for child in parents.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return [URIRef(each) for each in sorted(seen)]

    return closure


def validate_store(loaded: LoadedData, shapes: Graph,
                   add_vocabularies: bool = True) -> tuple[Graph, list[str]]:
    """The report graph and notes for the graphs loaded in ``loaded`` (whose store it rewrites)."""
    notes = prepare_data_graph(loaded, add_vocabularies)
    datatypes = {datatype for datatype in shapes.objects(None, SH.datatype) if isinstance(datatype, URIRef)}
    bad = ill_typed_literals(loaded, datatypes)
    checks = compile_shapes(shapes, lambda datatype: bad.get(datatype, []), subclass_closure(loaded.store))
    return run_checks(loaded, checks, shapes), notes


def run_in_child(store: LoadedData, shapes: Graph, add_vocabularies: bool,
                 timeout: float | None) -> tuple[Graph, list[str]]:
    """``validate_store(store, …)`` in a forked child killed after ``timeout`` seconds (the child
    gets the store by the fork; without a timeout, or without fork, it runs in this process)."""
    if timeout is None or "fork" not in multiprocessing.get_all_start_methods():
        return validate_store(store, shapes, add_vocabularies)
    context = multiprocessing.get_context("fork")
    status, body, notes = child_message(context, _child, (store, shapes, add_vocabularies), timeout)
    if status == "kg-error":
        raise KgError(body)
    if status != "ok":
        raise KgError(f"the SPARQL validator failed: {body}")
    return Graph().parse(data=body, format="nt"), notes


def _child(sender, store: LoadedData, shapes: Graph, add_vocabularies: bool) -> None:
    try:
        report, notes = validate_store(store, shapes, add_vocabularies)
        sender.send(("ok", report.serialize(format="nt", encoding="utf-8"), notes))
    except KgError as error:
        sender.send(("kg-error", str(error), []))
    except Exception as error:  # reported by the parent as a KgError
        sender.send(("error", f"{type(error).__name__}: {error}", []))
    finally:
        sender.close()
