"""The synthetic N× dataset: the bundled graph with every resource under ``<base>id/`` cloned N-1 times.

There is no bigger real data yet, so the N× dataset is synthetic but shaped like the real one:
every resource under ``<base>id/`` is cloned N-1 times, each copy with every quad it has in the
real graph, in the same named graph (so the provenance rules, "stated in a source graph", still
hold), with its IRI changed so that it stays a valid identifier for the shapes. Shared by all
copies: the concepts and schemes of the code lists, and the source documents with their line
locations (a named graph names exactly one source document, so a copy cites the same lines in the
same graph), and the named graphs' own descriptions. The ids:

* ISUN-keyed ids (procedures, projects, contracts: ``BG05M9OP001-2.018-0031-C01``) get a
  different 3-digit procedure number, chosen from the numbers unused under the same programme
  code and procedure group, so the canonical patterns hold and no copy collides with a real id;
* CCI-keyed programmes (``2014BG05M9OP001``) get different last three digits, in the same way;
* other ids (slugs) get ``-copyK`` after their first segment (``decision/x-copyK/424``);
  upper-case codes such as ``BGLD`` get ``XK``, which keeps ``^[0-9A-Z]+$``.

``dcterms:identifier`` and ``bgi:identifierAsWritten`` of a copy are changed the same way, the
verbatim form keeping its look-alike letters and odd dashes. The ontology and code-list graphs
are kept once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bundled_quads import Quad  # noqa: E402

from kg.records import iris  # noqa: E402

ID = str(iris.ID)
ISUN_TYPES = ("procedure", "project", "contract")
ISUN = re.compile(r"^(BG[0-9A-Z]+)-([0-9]+)\.([0-9]{3})(.*)$")
CCI = re.compile(r"^((?:19|20)[0-9]{2}[A-Z]{2}[0-9]{2}[A-Z0-9]{2}[A-Z]{2})([0-9]{3})$")
CODE = re.compile(r"^[0-9A-Z]+$")
#: Ids that every copy shares: the code lists' concepts and schemes, and the source documents with
#: their line locations, since a named graph names exactly one source document and a record must be
#: described in the graph of every source it cites (so a copy cites the same lines, in the same graph).
SHARED_KINDS = ("concept", "scheme", "source")
IDENTIFIER_PREDICATES = ("<http://purl.org/dc/terms/identifier>", f"<{iris.BGI.identifierAsWritten}>")
VOCABULARY_GRAPHS = (f"<{iris.ONTOLOGY_GRAPH}>", f"<{iris.VOCABULARIES_GRAPH}>")


@dataclass(frozen=True)
class _Parts:
    """An id IRI as kind / key / rest #fragment (``project`` / ``BG…-0031`` / ``/activity/1``)."""

    kind: str
    key: str
    rest: str
    fragment: str


def _parts(iri: str) -> _Parts | None:
    """The parts of an id IRI, or None for any other IRI (those are never rewritten)."""
    if not iri.startswith(ID):
        return None
    path, hash_sign, fragment = iri[len(ID):].partition("#")
    kind, _, tail = path.partition("/")
    key, slash, rest = tail.partition("/")
    if not key:
        return None
    return _Parts(kind, key, slash + rest, hash_sign + fragment)


class Cloner:
    """Rewrites the terms of the bundled graph for copy k, deterministically and collision-free.

    The numbers given to ISUN procedure codes and CCI codes are allocated once for all copies
    (``copies`` of them), from the numbers no real id uses, so that copies never meet each other
    or the real data whatever the scale.
    """

    def __init__(self, quads: list[Quad], copies: int) -> None:
        self.keep, procedures, ccis = _collect(quads)
        self.procedure_numbers = _allocate(procedures, copies)
        self.cci_numbers = _allocate(ccis, copies)
        self._iri_cache: dict[tuple[str, int], str] = {}

    def is_cloned(self, term: str) -> bool:
        """Whether copies of ``term`` are made: a blank node or an id IRI outside the code lists.

        Statements about anything else (a named graph's own description: its one dcterms:source,
        its checksum) are kept once; a copy of them would give a graph a second source document.
        """
        if term.startswith("_:"):
            return True
        return term.startswith("<") and _parts(term[1:-1]) is not None and term[1:-1] not in self.keep

    def term(self, term: str, k: int) -> str:
        """The term in copy k: an id IRI rewritten, a blank node renamed, anything else as is."""
        if k == 0:
            return term
        if term.startswith("<"):
            return "<" + self.iri(term[1:-1], k) + ">"
        if term.startswith("_:"):
            return f"{term}c{k}"
        return term

    def iri(self, iri: str, k: int) -> str:
        """The IRI in copy k, cached since every id recurs in many statements and in every copy."""
        cached = self._iri_cache.get((iri, k))
        if cached is not None:
            return cached
        parts = _parts(iri)
        new = iri
        if parts is not None and iri not in self.keep:
            new = f"{ID}{parts.kind}/{self.key(parts.kind, parts.key, k)}{parts.rest}{parts.fragment}"
        self._iri_cache[(iri, k)] = new
        return new

    def key(self, kind: str, key: str, k: int) -> str:
        """The key of an id in copy k (see the module docstring)."""
        match = ISUN.match(key) if kind in ISUN_TYPES else None
        if match:
            number = self.procedure_numbers[(match[1], match[2], match[3])][k - 1]
            return f"{match[1]}-{match[2]}.{number}{match[4]}"
        match = CCI.match(key) if kind == "programme" else None
        if match:
            return match[1] + self.cci_numbers[(match[1], match[2])][k - 1]
        return f"{key}X{k}" if CODE.match(key) else f"{key}-copy{k}"

    def identifier(self, subject: str, literal: str, k: int) -> str:
        """dcterms:identifier / bgi:identifierAsWritten of a cloned subject, changed like its IRI.

        The verbatim form is edited in place (only the number that changed), so its Cyrillic
        look-alikes, zero-for-O and dashes stay as written.
        """
        parts = _parts(subject[1:-1]) if subject.startswith("<") else None
        if k == 0 or parts is None or subject[1:-1] in self.keep or not literal.startswith('"'):
            return literal
        body_end = literal.rindex('"')
        body, suffix = literal[1:body_end], literal[body_end:]
        new_key = self.key(parts.kind, parts.key, k)
        match = ISUN.match(parts.key) if parts.kind in ISUN_TYPES else None
        if match:  # the procedure number: the first ".NNN" with those digits
            old, new = "." + match[3], "." + ISUN.match(new_key)[3]
            body = re.sub(r"\.(\s*)" + match[3], lambda m: "." + m[1] + new[1:], body, count=1) \
                if old not in body else body.replace(old, new, 1)
        elif parts.kind == "programme" and CCI.match(parts.key):
            body = body[:-3] + new_key[-3:] if body[-3:] == parts.key[-3:] else body
        elif body == parts.key:
            body = new_key
        else:
            body = f"{body}X{k}" if CODE.match(body) else f"{body}-copy{k}"
        return '"' + body + suffix

    def quad(self, quad: Quad, k: int) -> str:
        """The statement in copy k as an N-Quads line; identifiers follow their subject's new id."""
        subject, predicate, obj, graph = quad
        new_obj = (self.identifier(subject, obj, k) if predicate in IDENTIFIER_PREDICATES
                   else self.term(obj, k))
        graph_term = f" {graph}" if graph else ""
        return f"{self.term(subject, k)} {predicate} {new_obj}{graph_term} .\n"


def _allocate(originals: dict[tuple, str], copies: int, width: int = 3) -> dict[tuple, list[str]]:
    """For every original number of a group, ``copies`` numbers unused in that group.

    ``originals`` maps (group…, number) -> number; the i-th original of a group gets the numbers
    i, i+n, i+2n, … (n originals) of the group's free numbers, so every copy differs.
    """
    groups: dict[tuple, list[str]] = {}
    for group_and_number in sorted(originals):
        groups.setdefault(group_and_number[:-1], []).append(group_and_number[-1])
    allocated: dict[tuple, list[str]] = {}
    for group, numbers in groups.items():
        used = {int(number) for number in numbers}
        free = [f"{value:0{width}d}" for value in range(1, 10 ** width) if value not in used]
        if len(free) < copies * len(numbers):
            raise ValueError(f"{group}: only {len(free)} free numbers for {copies} copies of "
                             f"{len(numbers)} ids")
        for index, number in enumerate(numbers):
            allocated[(*group, number)] = [free[index + copy * len(numbers)] for copy in range(copies)]
    return allocated


def _collect(quads: list[Quad]) -> tuple[set[str], dict, dict]:
    """The kept vocabulary IRIs and the (group…, number) keys of ISUN procedures and CCI codes."""
    keep: set[str] = set()
    procedures: dict[tuple, str] = {}
    ccis: dict[tuple, str] = {}
    for subject, _predicate, obj, graph in quads:
        for term in (subject, obj):
            if not term.startswith("<"):
                continue
            parts = _parts(term[1:-1])
            if parts is None:
                continue
            if graph in VOCABULARY_GRAPHS or parts.kind in SHARED_KINDS:
                keep.add(term[1:-1])
                continue
            match = ISUN.match(parts.key) if parts.kind in ISUN_TYPES else None
            if match:
                procedures[(match[1], match[2], match[3])] = match[3]
            match = CCI.match(parts.key) if parts.kind == "programme" else None
            if match:
                ccis[(match[1], match[2])] = match[2]
    return keep, procedures, ccis


def scaled_lines(quads: list[Quad], scale: int, cloner: Cloner | None = None) -> Iterator[str]:
    """The N-Quads lines of the ``scale``× dataset: the vocabularies once, the rest ``scale`` times."""
    cloner = cloner or Cloner(quads, max(scale - 1, 0))
    shared = [quad for quad in quads if quad[3] in VOCABULARY_GRAPHS]
    cloned = [quad for quad in quads if quad[3] not in VOCABULARY_GRAPHS]
    for quad in shared:
        yield cloner.quad(quad, 0)
    for k in range(scale):
        for quad in cloned:
            if k == 0 or cloner.is_cloned(quad[0]):
                yield cloner.quad(quad, k)


def write_scaled(quads: list[Quad], scale: int, path: Path) -> int:
    """Write the ``scale``× dataset to ``path`` (N-Quads); the number of distinct quads."""
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8") as out:
        for line in scaled_lines(quads, scale):
            if line not in seen:
                seen.add(line)
                out.write(line)
    return len(seen)
