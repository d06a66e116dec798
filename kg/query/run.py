"""``kg query``: a saved query (by name), a ``.rq`` file or SPARQL text, answered on the build.

It answers on the engine ``kg serve`` answers on: the build's pyoxigraph store (``build/store``)
opened read-only — a read-only open is shared, so it works while a server has the store open — and
the answer is serialised by pyoxigraph as ``/sparql``'s is (kg.store.results): ``kg query NAME
--format json`` (or csv, tsv, xml) is byte for byte what ``/api/queries/NAME`` sends. It used
to parse all of ``kg.nq`` into rdflib before each answer: three to six times the command's
time on the bundled graph, and at 100 000 synthetic contracts 6 GiB ran out a quarter of the way
through ``kg.nq`` (bench/RESULTS.md, ``kg query``). rdflib is still there as ``--store memory``, the reference
implementation the tests compare against.

A saved query gets its parameters as ``/api/queries/NAME`` gets them: each value checked against
its declared type and bound as one RDF term by the engine, the defaults filling the rest
(docs/decisions/0014). A ``.rq`` file with a ``#+`` header is a saved query too.

Exit codes (through kg.cli.main): 0 answered; 2 the query could not be asked — no build, an
unknown saved query, a wrong parameter, a syntax error (with its line and column), a format that
cannot carry this kind of answer; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kg.common.errors import KgError
from kg.query.catalogue import SavedQuery, catalogue, load_query
from kg.query.formats import DEFAULT_FORMAT, OUTPUT_FORMATS
from kg.store.oxigraph import OxigraphStore
from kg.store.results import QueryResult, QuerySyntaxError

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.query import Result

    from kg.store.rdflib_memory import RdflibStore

#: A word that can only be meant as a saved query's name (SPARQL text has spaces or braces).
QUERY_NAME = re.compile(r"[A-Za-z0-9_.-]+")
#: A file that opens (after blank lines) with a ``#+`` line has a saved query's header.
HEADER = re.compile(r"\s*#\+")
KIND_NAMES = {"bindings": "a results table", "boolean": "a boolean (ASK)",
              "graph": "an RDF graph (CONSTRUCT/DESCRIBE)"}


@dataclass(frozen=True)
class QueryRequest:
    """What to ask: the text, the parameter values bound as RDF terms, and where the text came
    from (a saved query's or a file's path, for error positions; None for text given inline)."""

    text: str
    bindings: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None


def run_saved(dataset: Dataset, name: str, parameters: dict[str, str] | None = None) -> Result:
    """Run the saved query ``name`` on an rdflib Dataset (the reference engine the tests use)."""
    saved = _saved(name, catalogue())
    return dataset.query(saved.text, initBindings=saved.bindings(parameters or {}))


def run_saved_on_store(store: OxigraphStore | RdflibStore, name: str,
                       parameters: dict[str, str] | None = None) -> QueryResult:
    """Run the saved query ``name`` on a store, parameters bound as typed RDF terms."""
    saved = _saved(name, catalogue())
    text, rest = saved.bound_query(saved.bindings(parameters or {}))
    return store.query(text, bindings=rest)


def _saved(name: str, queries: dict[str, SavedQuery]) -> SavedQuery:
    if name not in queries:
        raise KgError(f"no saved query {name!r}; saved: {', '.join(queries)}")
    return queries[name]


def parse_parameters(items: list[str]) -> dict[str, str]:
    """``--param NAME=VALUE`` options as a dict; KgError for a malformed or repeated one (the
    API refuses a repeated parameter too, rather than pick one of the values)."""
    parameters: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise KgError(f"--param {item!r}: write it as NAME=VALUE")
        if name in parameters:
            raise KgError(f"--param {name} is given twice; give it once")
        parameters[name] = value
    return parameters


def resolve(argument: str, parameters: dict[str, str],
            queries: dict[str, SavedQuery] | None = None) -> QueryRequest:
    """The request ``kg query ARGUMENT`` means: a ``.rq`` file, a saved query's name, or text.

    A word that is no saved query's name is refused with the list of names, rather than sent to
    the engine as SPARQL to come back as a syntax error. ``--param`` is for saved queries (and
    ``.rq`` files with a ``#+`` header) only: SPARQL text has no declared parameters to check a
    value against, and a value silently dropped would answer a different question.
    """
    if argument.endswith(".rq") and "\n" not in argument:
        path = Path(argument)
        if not path.is_file():
            raise KgError(f"{argument}: no such query file")
        text = path.read_text(encoding="utf-8")
        if HEADER.match(text):
            return _bound(load_query(path), parameters, path)
        _refuse_parameters(parameters, f"{argument} has no #+ header declaring parameters")
        return QueryRequest(text, {}, path)
    queries = catalogue() if queries is None else queries
    if argument in queries or QUERY_NAME.fullmatch(argument):
        saved = _saved(argument, queries)
        return _bound(saved, parameters, saved.path)
    _refuse_parameters(parameters, "the query is SPARQL text; write the values into it")
    return QueryRequest(argument)


def _bound(saved: SavedQuery, parameters: dict[str, str], path: Path) -> QueryRequest:
    """The saved query's request, its parameters written in where proved the same query
    (decision 0025), the rest bound as substitutions."""
    text, rest = saved.bound_query(saved.bindings(parameters))
    return QueryRequest(text, rest, path)


def _refuse_parameters(parameters: dict[str, str], why: str) -> None:
    if parameters:
        raise KgError(f"--param {', '.join(sorted(parameters))}: only a saved query takes "
                      f"parameters ({why})")


def open_build_store(build_dir: Path, kind: str = "oxigraph") -> OxigraphStore | RdflibStore:
    """The build's store: pyoxigraph read-only (``oxigraph``), or rdflib in memory from its
    ``kg.nq`` (``memory``: the old, slow path, kept as an explicit choice)."""
    if kind == "memory":
        # deferred: rdflib's SPARQL engine loads only for the explicit ``--store memory``
        from kg.store.rdflib_memory import RdflibStore

        nquads = build_dir / "kg.nq"
        if not nquads.is_file():
            raise KgError(f"{nquads}: no build found; run `kg build` first")
        return RdflibStore.from_files([nquads])
    if kind != "oxigraph":
        raise KgError(f"unknown store {kind!r}; use 'oxigraph' (the default) or 'memory'")
    if not (build_dir / "store" / "CURRENT").is_file():
        hint = " (or `kg load`: its kg.nq is there)" if (build_dir / "kg.nq").is_file() else ""
        raise KgError(f"{build_dir}: no built store in {build_dir / 'store'}; "
                      f"run `kg build` first{hint}")
    return OxigraphStore.open_read_only(build_dir / "store")


def answer(store: OxigraphStore | RdflibStore, request: QueryRequest) -> QueryResult:
    """The store's answer to ``request``; a syntax error says where, in the file or the text."""
    try:
        return store.query(request.text, bindings=request.bindings or None)
    except QuerySyntaxError as error:
        raise KgError(syntax_error_message(error, request)) from None


def syntax_error_message(error: QuerySyntaxError, request: QueryRequest) -> str:
    """``FILE:LINE:COLUMN: SPARQL syntax error: …`` (``line L, column C`` for inline text) and
    the line itself with a caret under the column the engine reports (1-based, as /sparql's)."""
    if error.line is None:
        return f"{request.source or 'the query'}: SPARQL syntax error: {error.message}"
    where = (f"{request.source}:{error.line}:{error.column}" if request.source
             else f"line {error.line}, column {error.column}")
    message = f"{where}: SPARQL syntax error: {error.message}"
    lines = request.text.splitlines()
    if 1 <= error.line <= len(lines) and error.column is not None:
        shown = lines[error.line - 1]
        message += f"\n  {shown}\n  {' ' * max(0, min(error.column, len(shown) + 1) - 1)}^"
    elif error.line > len(lines):  # pyoxigraph points past the last line when the text stops early
        message += "\n  (at the end of the query)"
    return message


def format_key(output_format: str, kind: str) -> str:
    """The serialisation ``--format output_format`` names for an answer of ``kind``."""
    if output_format not in OUTPUT_FORMATS:
        raise KgError(f"unknown format {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    table_key, graph_key = OUTPUT_FORMATS[output_format]
    key = graph_key if kind == "graph" else table_key
    if key is None:
        fitting = [name for name, keys in OUTPUT_FORMATS.items()
                   if (keys[1] if kind == "graph" else keys[0]) is not None]
        raise KgError(f"--format {output_format} cannot carry {KIND_NAMES[kind]}; "
                      f"use one of {', '.join(fitting)}")
    return key


def serialize_answer(result: QueryResult, output_format: str) -> bytes:
    """The answer as ``kg query --format output_format`` writes it."""
    key = format_key(output_format, result.kind)
    word = (result.rows()[0][0] or "") if result.kind == "boolean" else ""
    if result.kind == "boolean" and key in ("csv", "tsv"):
        # The bare word, as pyoxigraph writes it; rdflib's CSV serialiser refuses a boolean.
        return word.encode("utf-8")
    if key != "table":
        return result.serialize(key)
    if result.kind == "boolean":
        return (word + "\n").encode("utf-8")
    return render_table(json.loads(result.serialize("json"))).encode("utf-8")


def render_table(document: dict[str, Any]) -> str:
    """SPARQL JSON results as aligned columns of plain values (IRIs in full, literals without
    quotes or datatype, blank nodes as ``_:id``, unbound as empty) and a row count."""
    names: list[str] = document["head"]["vars"]

    def cell(term: dict[str, str] | None) -> str:
        if term is None:
            return ""
        return "_:" + term["value"] if term["type"] == "bnode" else term["value"]

    rows = [[cell(binding.get(name)) for name in names] for binding in document["results"]["bindings"]]
    widths = [max([len(name)] + [len(row[index]) for row in rows]) for index, name in enumerate(names)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(names, widths, strict=True)).rstrip()]
    lines += ["  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def write_output(body: bytes, out: BinaryIO) -> None:
    """Write ``body``; a reader that stopped early (``kg query … | head``) is not an error."""
    try:
        out.write(body)
        out.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run_query_cli(args: argparse.Namespace) -> int:
    """``kg query``: resolve, open the build's store, answer, write to standard output."""
    request = resolve(args.query, parse_parameters(args.param))
    store = open_build_store(Path(args.build), args.store)
    output_format = args.format or DEFAULT_FORMAT
    body = serialize_answer(answer(store, request), output_format)
    sys.stdout.flush()
    write_output(body, sys.stdout.buffer)
    return 0
