"""The catalogue of saved queries: queries/*.rq with a ``#+`` YAML header.

A header declares the title (en, bg), a description and the parameters (name, type, default,
allowed values, descriptions). Parameters are bound as RDF terms after type checking (never by
pasting strings into the query text), so a parameter value cannot change the query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg import paths
from kg.errors import KgError

PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "language-string")


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
        """The RDF term for a raw value, or ParameterError saying why it is refused."""
        if self.allowed and raw not in self.allowed:
            raise ParameterError(f"parameter {self.name!r}: {raw!r} is not one of "
                                 f"{', '.join(self.allowed)}")
        if self.type == "iri":
            if not raw.startswith(("http://", "https://")) or any(c in raw for c in ' <>"{}|^`\\'):
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not an absolute IRI")
            return URIRef(raw)
        if self.type == "integer":
            if not raw.lstrip("-").isdigit():
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not an integer")
            return Literal(int(raw), datatype=XSD.integer)
        if self.type == "decimal":
            try:
                float(raw)
            except ValueError:
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not a decimal") from None
            return Literal(raw, datatype=XSD.decimal)
        if self.type == "date":
            literal = Literal(raw, datatype=XSD.date)
            if not literal.value or isinstance(literal.value, str):
                raise ParameterError(f"parameter {self.name!r}: {raw!r} is not a date YYYY-MM-DD")
            return literal
        if self.type == "language-string":
            return Literal(raw, lang="bg")
        return Literal(raw)


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
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    parameters = []
    for item in header.get("parameters") or []:
        if item.get("type") not in PARAMETER_TYPES:
            raise KgError(f"{path}: parameter {item.get('name')!r} has type {item.get('type')!r};"
                          f" expected one of {', '.join(PARAMETER_TYPES)}")
        parameters.append(Parameter(
            name=item["name"], type=item["type"],
            default=None if item.get("default") is None else str(item["default"]),
            allowed=tuple(str(value) for value in item.get("allowed", ())),
            description=item.get("description", ""),
            description_bg=item.get("description_bg", "")))
    return SavedQuery(name=path.stem, title=header["title"], title_bg=header["title_bg"],
                      description=header["description"],
                      description_bg=header.get("description_bg", ""), text=text, path=path,
                      parameters=tuple(parameters))


def catalogue(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name, in name order."""
    folder = directory or paths.queries_dir()
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}
