"""``kg query``: run a saved query (by name) or any SPARQL text on the built graph."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.query import Result, ResultRow

from kg.common.errors import KgError
from kg.query.catalogue import catalogue
from kg.records.iris import PREFIXES
from kg.store.oxigraph import OxigraphStore
from kg.store.rdflib_memory import RdflibStore, open_dataset
from kg.store.results import QueryResult


def run_saved(dataset: Dataset, name: str, parameters: dict[str, str] | None = None) -> Result:
    """Run the saved query ``name`` with typed parameter bindings."""
    queries = catalogue()
    if name not in queries:
        raise KgError(f"no saved query {name!r}; saved: {', '.join(queries)}")
    saved = queries[name]
    return dataset.query(saved.text, initBindings=saved.bindings(parameters or {}))


def run_saved_on_store(store: OxigraphStore | RdflibStore, name: str,
                       parameters: dict[str, str] | None = None) -> QueryResult:
    """Run the saved query ``name`` on a store, parameters bound as typed RDF terms."""
    queries = catalogue()
    if name not in queries:
        raise KgError(f"no saved query {name!r}; saved: {', '.join(queries)}")
    saved = queries[name]
    return store.query(saved.text, bindings=saved.bindings(parameters or {}))


def run_query_cli(args: argparse.Namespace) -> int:
    dataset = open_dataset(Path(args.build))
    parameters = dict(item.split("=", 1) for item in args.param)
    source = Path(args.query)
    if source.suffix == ".rq" and source.is_file():
        result = dataset.query(source.read_text(encoding="utf-8"))
    elif args.query in catalogue():
        result = run_saved(dataset, args.query, parameters)
    else:
        result = dataset.query(args.query)
    _print_result(result, args.format)
    return 0


def _print_result(result: Result, output: str) -> None:
    if result.type == "ASK":
        print("true" if result.askAnswer else "false")
        return
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph if result.graph is not None else Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        print(graph.serialize(format="turtle"))
        return
    names = [str(variable) for variable in result.vars or []]
    rows = [["" if value is None else str(value) for value in row] for row in result
            if isinstance(row, ResultRow)]
    if output == "json":
        print(json.dumps([dict(zip(names, row, strict=True)) for row in rows],
                         ensure_ascii=False, indent=2))
    elif output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    else:
        widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
        print("  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)))
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        print(f"({len(rows)} rows)")
