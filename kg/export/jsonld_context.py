"""The published JSON-LD ``@context`` (``context.jsonld``) and the loader that never fetches.

The context is derived from the release itself, so it covers every term the data uses:

* every ``bgi:`` class and property (used in the data or declared in the ontology) gets its
  local name as key (``Project``, ``hasAmount``); a term of another vocabulary gets its local
  name when no ``bgi:`` term (or an earlier vocabulary in :data:`kg.records.iris.PREFIXES`) has taken
  it, otherwise it compacts to a CURIE (``schema:startDate``) through the prefixes;
* values are coerced from what the data holds: IRIs (``"@type": "@id"``), one datatype such
  as ``xsd:decimal`` or ``xsd:date`` (values stay exact strings: a JSON number would turn a
  decimal into a double), and text in Bulgarian and English as a language map
  (``"label": {"bg": …, "en": …}``, untagged text under ``@none``); integers and booleans
  are native JSON; a property some resource has twice or more is always an array (``@set``);
* a few reverse keys (``participations``, ``contracts``, ``amounts``, ``activities``,
  ``objectives``) let a project document nest what points at the project.

The context is computed from the whole release (asserted and inferred), whatever an export
includes, so ``/context.jsonld`` on the server and ``context.jsonld`` in every export of one
release are the same file. JSON-LD processing here never touches the network:
:func:`local_document_loader` serves our own context and refuses every other URL.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from pyld.jsonld import JsonLdError

from kg.common.formats import by_key
from kg.export.void import SparqlStore
from kg.records import iris
from kg.store.results import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NATIVE_JSON_TYPES = {XSD + "integer", XSD + "boolean"}
CONTEXT_FILENAME = "context.jsonld"
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_KEYS = {"id", "type", "graph"}  # aliases of @id and @type, and the graphs' key

#: Reverse keys for framing a project: key -> the property that points at the project.
REVERSE_TERMS = {
    "participations": "bgi:participationIn",
    "contracts": "bgi:fundsProject",
    "amounts": "bgi:amountOf",
    "activities": "bgi:activityOf",
    "objectives": "bgi:objectiveOf",
}


def context_url() -> str:
    """Where the context is published: ``<base>context.jsonld`` (the base is $KG_BASE)."""
    return iris.BASE + CONTEXT_FILENAME


def _compact(iri: str) -> tuple[str, str] | None:
    for prefix, namespace in iris.PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix, iri[len(namespace):]
    return None


def _bound_rows(result: QueryResult) -> list[tuple[str, ...]]:
    """The rows with every variable bound (the queries below bind all of theirs)."""
    return [tuple(cell for cell in row if cell is not None) for row in result.rows() if None not in row]


def _usage(store: SparqlStore) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """Per predicate the kinds of object it has, the multi-valued predicates, and the classes."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for predicate, kind in _bound_rows(store.query(
            'SELECT DISTINCT ?p ?kind WHERE { ?s ?p ?o BIND(IF(isLiteral(?o), IF(LANG(?o) != "", '
            '"@lang", STR(DATATYPE(?o))), "@id") AS ?kind) }')):
        kinds[predicate[1:-1]].add(json.loads(kind) if kind.startswith('"') else kind)
    multi = {row[0][1:-1] for row in _bound_rows(store.query(
        "SELECT DISTINCT ?p WHERE { ?s ?p ?o1 . ?s ?p ?o2 FILTER(?o1 != ?o2) }"))}
    classes = {row[0][1:-1] for row in _bound_rows(store.query(
        "SELECT DISTINCT ?c WHERE { { ?s a ?c } UNION { ?c a ?kind "
        "VALUES ?kind { <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2000/01/rdf-schema#Class> "
        "<http://www.w3.org/2002/07/owl#ObjectProperty> <http://www.w3.org/2002/07/owl#DatatypeProperty> "
        "<http://www.w3.org/2002/07/owl#AnnotationProperty> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> } "
        "FILTER STRSTARTS(STR(?c), STR(<" + str(iris.BGI) + ">)) } FILTER isIRI(?c) }"))}
    return kinds, multi, classes


def _definition(curie: str, kinds: set[str], multi: bool) -> str | dict[str, Any]:
    """The term definition for a predicate with these object kinds."""
    definition: dict[str, Any] = {"@id": curie}
    literal_kinds = kinds - {"@id"}
    if kinds == {"@id"}:
        definition["@type"] = "@id"
    elif "@lang" in kinds and literal_kinds <= {"@lang", XSD + "string"} and "@id" not in kinds:
        definition["@container"] = "@language"
        return definition
    elif len(kinds) == 1 and not literal_kinds & (NATIVE_JSON_TYPES | {XSD + "string"}):
        datatype = next(iter(kinds))
        compact = _compact(datatype)
        definition["@type"] = f"{compact[0]}:{compact[1]}" if compact else datatype
    if multi:
        definition["@container"] = "@set"
    return definition if len(definition) > 1 else curie


def build_context(store: SparqlStore) -> dict[str, Any]:
    """The ``@context`` object for the data in ``store`` (default graph = union of its graphs)."""
    kinds, multi, declared = _usage(store)
    terms = sorted((set(kinds) | declared) - {RDF_TYPE})
    candidates = [(iri, parts) for iri in terms if (parts := _compact(iri))]
    order = list(iris.PREFIXES)
    candidates.sort(key=lambda item: (order.index(item[1][0]), item[1][1]))
    context: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type"}
    for prefix, namespace in iris.PREFIXES.items():
        if prefix not in ("id", "graph"):  # things and graphs keep their full, citable IRIs
            context[prefix] = namespace
    for iri, (prefix, local) in candidates:
        if not _KEY.match(local) or local in context or local in RESERVED_KEYS or local in REVERSE_TERMS:
            continue
        curie = f"{prefix}:{local}"
        context[local] = _definition(curie, kinds[iri], iri in multi) if iri in kinds else curie
    for key, forward in REVERSE_TERMS.items():
        context[key] = {"@reverse": forward, "@container": "@set"}
    return {"@context": context}


def context_text(context: dict[str, Any]) -> str:
    """The context as the file is published: sorted keys, two-space indent, UTF-8."""
    return json.dumps(context, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def local_document_loader(documents: dict[str, Any]):
    """A pyld document loader that serves ``documents`` (URL -> JSON) and refuses anything else.

    pyld's default loader would fetch a remote ``@context`` over HTTP; ours never opens a
    connection, so a document naming a context we do not ship fails instead of phoning out.
    """

    def load(url: str, options: dict | None = None) -> dict[str, Any]:
        if url in documents:
            return {"contextUrl": None, "documentUrl": url, "document": documents[url],
                    "contentType": by_key("jsonld").media_type}
        raise JsonLdError(f"refusing to fetch {url!r}: only the project's own context is loaded, "
                          "never a remote document", "jsonld.LoadDocumentError",
                          {"url": url}, code="loading document failed")

    return load
