"""The catalogue of saved queries: queries/*.rq with a ``#+`` YAML header.

A header declares the title (en, bg), a description and the parameters (name, type, default,
allowed values, descriptions), and may declare the query a lookup on one of them
(:mod:`kg.query.lookups`). Parameters are made RDF terms after type checking and written into
the text as terms where that is proved the same query (:mod:`kg.query.write_in`, decision
0025), else bound as substitutions: never raw strings, so a value cannot change the query.
"""

from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.common import paths
from kg.common.errors import KgError
from kg.query.lookups import NotALookupError, check_lookup
from kg.query.write_in import Template, writable
from kg.records import iris

PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "language-string")
MAX_VALUE_LENGTH = 2000
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
IRI_FORBIDDEN = ' <>"{}|^`\\'
COMMENT = re.compile(r"^\s*#.*$", re.M)
PREFIX_OR_BASE = re.compile(r"^\s*(?:PREFIX\s+[^\n]*|BASE\s+[^\n]*)$", re.M | re.I)
QUERY_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
WHERE = re.compile(r"\bWHERE\s*\{", re.I)
#: A value of each parameter type, to prove a parameter can be written in (kg.query.write_in).
_SAMPLES = {"iri": "https://example.org/key", "string": "key", "integer": "1", "decimal": "1.5",
            "date": "2024-01-01", "language-string": "key@bg"}
#: Query-string names the API keeps for itself; no saved query may declare them.
RESERVED_NAMES = ("format",)


class ParameterError(KgError):
    """A parameter value of the wrong type, or not among the allowed values."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None = None
    allowed: tuple[str, ...] = ()
    description: str = ""
    description_bg: str = ""

    def bind(self, raw: str) -> URIRef | Literal:
        """The RDF term for a raw value, or ParameterError saying why it is refused.

        The value only ever becomes one RDF term (an IRI or a typed literal) that the engine
        substitutes for the variable, so no value can change the shape of the query; the checks
        here turn what the engine would reject (or misread) into a 400 with the reason.
        """
        if len(raw) > MAX_VALUE_LENGTH:
            raise ParameterError(f"parameter {self.name!r}: the value is {len(raw)} characters "
                                 f"long; at most {MAX_VALUE_LENGTH} are accepted")
        if self.allowed and raw not in self.allowed:
            raise ParameterError(f"parameter {self.name!r}: {raw!r} is not one of "
                                 f"{', '.join(self.allowed)}")
        if self.type == "iri":
            return URIRef(_absolute_iri(self.name, raw))
        if self.type == "integer":
            if not INTEGER.fullmatch(raw):
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not an integer")
            return Literal(int(raw), datatype=XSD.integer)
        if self.type == "decimal":
            if not DECIMAL.fullmatch(raw):
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not a decimal "
                                     "(digits with an optional sign and decimal point)")
            return Literal(raw, datatype=XSD.decimal)
        if self.type == "date":
            try:
                if not DATE.fullmatch(raw):
                    raise ValueError(raw)
                date.fromisoformat(raw)
            except ValueError:
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not a date YYYY-MM-DD") from None
            return Literal(raw, datatype=XSD.date)
        if CONTROL.search(raw):
            raise ParameterError(f"parameter {self.name!r}: control characters are not accepted")
        if self.type == "language-string":
            return Literal(raw, lang="bg")
        return Literal(raw)


def _absolute_iri(name: str, raw: str) -> str:
    """``raw`` if it is an absolute http(s) IRI that RDF accepts, else ParameterError."""
    refused = not raw.startswith(("http://", "https://")) or CONTROL.search(raw) \
        or any(char in raw for char in IRI_FORBIDDEN)
    if not refused:
        try:
            ox.NamedNode(raw)
        except ValueError:
            refused = True
    if refused:
        raise ParameterError(f"parameter {name!r}: {raw!r} is not an absolute IRI "
                             "(http or https; no spaces, no <>\"{}|^`\\)")
    return raw


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    title_bg: str
    description: str
    text: str
    path: Path
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    description_bg: str = ""
    #: The parameter this query is a lookup on (``lookup:`` in the header, kg.query.lookups):
    #: when a call binds it, ``kg serve`` answers in its own process, without a query worker.
    lookup: str | None = None

    @cached_property
    def writing(self) -> tuple[Template | None, dict[str, str]]:
        """The text cut where its parameters stand, for those written in as constants when
        bound (kg.query.write_in, decision 0025; None when none can be), and why each other one
        stays a substitution. Proved once per version of the file, when first needed: it parses
        the query with rdflib (tens of milliseconds a query), which ``kg query NAME`` should pay
        for its one query, not for the whole catalogue."""
        written, refused = writable(self.text, {parameter.name: parameter.bind(
            parameter.default or (parameter.allowed or (_SAMPLES[parameter.type],))[0])
            for parameter in self.parameters})
        return (written if written.keys else None), refused

    def bound_query(self, bindings: dict[str, URIRef | Literal]
                    ) -> tuple[str, dict[str, URIRef | Literal]]:
        """The text to run for ``bindings``: the writable parameters written in as constants
        (pyoxigraph plans a constant, not a substitution, as an index lookup), and the bindings
        left to pass as substitutions."""
        written = self.writing[0]
        if written is None or not written.keys <= set(bindings):
            return self.text, dict(bindings)
        rest = {name: term for name, term in bindings.items() if name not in written.keys}
        return written.fill({name: bindings[name].n3() for name in written.keys}), rest

    def bindings(self, given: dict[str, str]) -> dict[str, URIRef | Literal]:
        """Typed bindings for the given raw values, defaults filled in."""
        known = {parameter.name for parameter in self.parameters}
        unknown = set(given) - known
        if unknown:
            raise ParameterError(f"{self.name} has no parameter {', '.join(sorted(unknown))}; "
                                 f"known: {', '.join(sorted(known)) or 'none'}")
        bound: dict[str, URIRef | Literal] = {}
        for parameter in self.parameters:
            raw = given.get(parameter.name, parameter.default)
            if raw is None:
                raise ParameterError(f"{self.name} needs parameter {parameter.name!r}")
            bound[parameter.name] = parameter.bind(str(raw))
        return bound

    @cached_property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE: which media types the answer can take."""
        body = PREFIX_OR_BASE.sub("", COMMENT.sub("", self.text))
        match = QUERY_FORM.search(body)
        return match.group(1).upper() if match else "SELECT"

    def default_bindings(self) -> dict[str, URIRef | Literal]:
        """The declared defaults as RDF terms (parameters without a default are left out)."""
        return {parameter.name: parameter.bind(parameter.default) for parameter in self.parameters
                if parameter.default is not None}

    def text_with_defaults(self) -> str:
        """The query as people are offered it (the query page's catalogue, the API's link to the
        page): its defaults written as VALUES, so that it answers what the API answers with no
        parameters (the page used to offer the unbound text, which answers for every value: for
        ``fact-provenance`` every resource, over a minute at 100 000 contracts). Deleting the
        VALUES line asks for them all. pyoxigraph plans a VALUES block less well than the API's
        bound terms (``fact-provenance`` at 100 000 contracts: ~10 s vs ~20-60 ms)."""
        return self.text_with_values(self.default_bindings())

    def text_with_values(self, bindings: dict[str, URIRef | Literal]) -> str:
        """The query text with ``bindings`` written as a VALUES block at the start of WHERE.

        For people (the query page, the API catalogue) and for checking that the API answers
        like /sparql; the API itself never runs this text, it binds terms in the engine. The
        terms are already checked RDF terms, written in SPARQL syntax by rdflib.
        """
        if not bindings:
            return self.text
        names = sorted(bindings)
        block = (f"VALUES ({' '.join('?' + name for name in names)}) "
                 f"{{ ({' '.join(bindings[name].n3() for name in names)}) }}")
        match = WHERE.search(self.text)
        if match is None:
            raise KgError(f"{self.path}: no WHERE {{ to put the parameter values in")
        return f"{self.text[:match.end()]}\n  {block}{self.text[match.end():]}"


def parse_header(text: str, path: Path) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip():
            break
    try:
        header = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise KgError(f"{path}: the #+ header is not valid YAML: {error}") from None
    for required in ("title", "title_bg", "description"):
        if required not in header:
            raise KgError(f"{path}: the #+ header needs '{required}'")
    return header


def load_query(path: Path) -> SavedQuery:
    """The saved query in ``path``; read and parsed once per version of the file (its size and
    modification time), since the API reads the catalogue on every call (parsing it all took
    ~95 ms, more than the answer: docs/decisions/0022)."""
    stat = path.stat()
    return _parsed_query(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _parsed_query(path: Path, _mtime_ns: int, _size: int) -> SavedQuery:
    text = iris.rebased(path.read_text(encoding="utf-8"))  # written with the default base
    header = parse_header(text, path)
    parameters = []
    for item in header.get("parameters") or []:
        if item.get("name") in RESERVED_NAMES or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*",
                                                                  str(item.get("name"))):
            raise KgError(f"{path}: parameter name {item.get('name')!r} is reserved or not a "
                          f"SPARQL variable name (reserved: {', '.join(RESERVED_NAMES)})")
        if item.get("type") not in PARAMETER_TYPES:
            raise KgError(f"{path}: parameter {item.get('name')!r} has type {item.get('type')!r};"
                          f" expected one of {', '.join(PARAMETER_TYPES)}")
        parameters.append(Parameter(
            name=item["name"], type=item["type"],
            default=None if item.get("default") is None else str(item["default"]),
            allowed=tuple(str(value) for value in item.get("allowed", ())),
            description=item.get("description", ""),
            description_bg=item.get("description_bg", "")))
    lookup = header.get("lookup")
    if lookup is not None:
        if lookup not in {parameter.name for parameter in parameters}:
            raise KgError(f"{path}: lookup: {lookup!r} is not one of its parameters")
        try:
            check_lookup(text, lookup)
        except NotALookupError as error:
            raise KgError(f"{path}: declared a lookup on ?{lookup}, but {error}") from None
    saved = SavedQuery(name=path.stem, title=header["title"], title_bg=header["title_bg"],
                       description=header["description"],
                       description_bg=header.get("description_bg", ""), text=text, path=path,
                       parameters=tuple(parameters), lookup=lookup)
    if lookup is not None and lookup in saved.writing[1]:  # the lane needs its key written in
        raise KgError(f"{path}: declared a lookup on ?{lookup}, but its key cannot be "
                      f"written in: {saved.writing[1][lookup]}")
    return saved


#: How long a listing of the default folder is trusted before it is read again (seconds): the
#: API asks for the catalogue on every call, and finding the folder and statting every file took
#: more than half of a lookup's time in the server (bench/RESULTS.md, decision 0024). An edited
#: query is still seen within this time.
RESCAN_SECONDS = 1.0
_RECENT: dict[tuple[str | None, str], tuple[float, tuple[tuple[str, SavedQuery], ...]]] = {}


def catalogue(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name, in name order (the default folder re-read at most once per
    :data:`RESCAN_SECONDS`; a folder given is read every time)."""
    if directory is None:
        context = (os.environ.get("KG_HOME"), os.getcwd())  # what decides the default folder
        recent = _RECENT.get(context)
        now = time.monotonic()
        if recent is not None and now - recent[0] < RESCAN_SECONDS:
            return dict(recent[1])
    folder = directory or paths.queries_dir()
    versions = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".rq") and entry.is_file():
                stat = entry.stat()
                versions.append((entry.name, stat.st_mtime_ns, stat.st_size))
    found = _catalogue(folder, tuple(sorted(versions)))
    if directory is None:
        _RECENT[context] = (now, found)
    return dict(found)  # a copy: the caller's to change


@functools.lru_cache(maxsize=16)
def _catalogue(folder: Path, versions: tuple[tuple[str, int, int], ...]
               ) -> tuple[tuple[str, SavedQuery], ...]:
    """The catalogue of ``folder`` as it is when its files are ``versions`` (name, mtime, size)."""
    return tuple((Path(name).stem, _parsed_query(folder / name, mtime, size))
                 for name, mtime, size in versions)
