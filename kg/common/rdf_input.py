"""RDF files named on the command line: the format from the extension, errors with a place.

An unparsable file is a :class:`RdfInputError` that says ``file:line:col: what the parser
says`` wherever the parser tells the place (Turtle, TriG and N3 through rdflib's notation3
parser, RDF/XML, JSON-LD) or where it can be found again (N-Triples and N-Quads, line by line);
otherwise ``file: what the parser says``. No traceback reaches the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph, Literal, URIRef

from kg.common import formats
from kg.common.errors import KgError
from kg.common.formats import Format
from kg.common.input_limits import check_input, check_triples

#: The syntaxes of one statement per line, where a failing line can be found by parsing each.
LINE_FORMATS = ("ntriples", "nquads")
#: The key of a file's default graph in the dict that :func:`read_rdf_files` returns.
DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")


class RdfInputError(KgError):
    """A file that cannot be read as RDF, with the place the parser names."""


def format_of(path: Path, format_in: str | None = None) -> Format:
    """The RDF syntax of ``path``: the one ``format_in`` names if given, else by the extension
    (both as :mod:`kg.common.formats` knows them)."""
    if format_in:
        named = formats.input_format(format_in)
        if named is None:
            raise RdfInputError(f"--format-in {format_in[:40]!r}: not an RDF syntax; use one of "
                                f"{', '.join(formats.input_names())}")
        return named
    found = formats.for_extension(path)
    if found is None:
        raise RdfInputError(f"{path}: cannot tell the RDF format from the extension "
                            f"{path.suffix or '(none)'}; name it with --format-in")
    return found


def read_rdf_files(paths: Iterable[Path], format_in: str | None = None) -> dict[URIRef, Graph]:
    """Every graph of the files, keyed by graph name (``DEFAULT_GRAPH`` for default graphs).

    Graphs of the same name in several files are merged.
    """
    graphs: dict[URIRef, Graph] = {}
    for path in paths:
        for name, graph in read_rdf_file(Path(path), format_in).items():
            target = graphs.setdefault(name, Graph(identifier=name))
            for triple in graph:
                target.add(triple)
        check_triples(sum(len(graph) for graph in graphs.values()), str(path))
    return graphs


def read_rdf_file(path: Path, format_in: str | None = None) -> dict[URIRef, Graph]:
    """The graphs of one file, keyed by graph name."""
    rdf_format = format_of(path, format_in)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RdfInputError(f"{path}: {error.strerror or error}") from None
    check_input(path, data, rdf_format)  # size, DOCTYPE, remote JSON-LD contexts (kg/common/input_limits.py)
    dataset = Dataset()
    into = dataset if rdf_format.keeps_graphs else dataset.default_graph
    try:
        into.parse(data=data, format=rdf_format.rdflib_name, publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib's parsers raise many kinds of error on bad input
        raise RdfInputError(describe_parse_error(path, data, rdf_format, error)) from None
    graphs: dict[URIRef, Graph] = {}
    for graph in dataset.graphs():
        if not len(graph):
            continue
        name = DEFAULT_GRAPH if graph.identifier == dataset.default_graph.identifier else graph.identifier
        graphs[URIRef(str(name))] = graph
    if not graphs:
        raise RdfInputError(f"{path}: no triples; an empty input is not a graph to validate or load")
    for graph in graphs.values():
        check_language_tags(path, data, graph)
    return graphs


def check_language_tags(path: Path, data: bytes, graph: Graph) -> None:
    """Refuse a literal whose language tag is not well-formed BCP 47 (``"x"@bulgarian``).

    rdflib accepts any tag, but pyoxigraph (the store, the SPARQL validation engine, the server)
    refuses it; caught here, the user gets the file, the line and the reason instead of a crash
    further on. The judge is pyoxigraph itself, so the two can never disagree.
    """
    checked: set[str] = set()
    for _subject, _predicate, value in graph:
        if not isinstance(value, Literal) or not value.language or value.language in checked:
            continue
        try:
            pyoxigraph.Literal("x", language=value.language)
        except ValueError as error:
            raise RdfInputError(f"{_place(path, data, value.language)}: the language tag "
                                f"{value.language[:40]!r} is not well-formed (BCP 47): {error}") from None
        checked.add(value.language)


def _place(path: Path, data: bytes, tag: str) -> str:
    """``file:line`` of the first ``@tag`` (or JSON-LD / RDF/XML attribute value) in the file,
    ``file`` where it cannot be found."""
    text = data.decode("utf-8", errors="replace")
    for marker in (f"@{tag}", f'"{tag}"', f"'{tag}'"):
        offset = text.find(marker)
        if offset >= 0:
            return f"{path}:{text.count(chr(10), 0, offset) + 1}"
    return str(path)


def describe_parse_error(path: Path, data: bytes, rdf_format: Format, error: Exception) -> str:
    """``file:line:col: reason`` (or ``file: reason`` where no place can be found)."""
    why = getattr(error, "_why", None)
    text = getattr(error, "_str", None)
    offset = getattr(error, "_i", None)
    if why is not None and isinstance(text, bytes) and isinstance(offset, int):  # notation3 BadSyntax
        line = text.count(b"\n", 0, offset) + 1
        column = offset - text.rfind(b"\n", 0, offset)
        return f"{path}:{line}:{column}: {why}"
    line_number = _attribute(error, "getLineNumber", "lineno", "_linenum")
    column_number = _attribute(error, "getColumnNumber", "colno", "_colnum")
    reason = getattr(error, "msg", None) or getattr(error, "_msg", None) or str(error)
    if line_number is not None:
        column = (column_number or 0) + (1 if rdf_format.key == "rdfxml" else 0)  # expat counts from 0
        return f"{path}:{line_number}:{column or 1}: {_one_line(reason)}"
    if rdf_format.key in LINE_FORMATS:
        found = _failing_line(data, rdf_format)
        if found:
            return f"{path}:{found}:1: {_one_line(reason)}"
    return f"{path}: {_one_line(reason)}"


def _attribute(error: Exception, method: str, *names: str) -> int | None:
    getter = getattr(error, method, None)
    if callable(getter):
        value = getter()
        return value if isinstance(value, int) else None
    for name in names:
        value = getattr(error, name, None)
        if isinstance(value, int):
            return value
    return None


def _failing_line(data: bytes, rdf_format: Format) -> int | None:
    """The first line of an N-Triples / N-Quads file that does not parse on its own."""
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Dataset().parse(data=line + "\n", format=rdf_format.rdflib_name)
        except Exception:  # the parser's own error was already caught; this only finds the line
            return number
    return None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
