"""JSON-LD documents: the whole dataset compacted, and one framed document per project.

* ``kg.jsonld`` — every named graph, compacted with the published context, which is embedded
  inline so that the dump is self-contained (any JSON-LD tool reads it offline).
* ``projects.jsonld`` and ``projects/<identifier>.jsonld`` — a project as ordinary JSON: its
  contracts, budget amounts (with their EUR equivalents), participations (with the
  organisations and roles), activities and objectives nested inside it. These refer to the
  context by its URL (``<base>context.jsonld``), as a web API would.

pyld does the JSON-LD work (fromRdf, compact, frame) with a document loader that serves only
our context (:func:`kg.export.jsonld_context.local_document_loader`). Output is
deterministic: the input N-Quads are sorted and the JSON is written with sorted keys.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from pyld import jsonld
from rdflib import Graph, IdentifiedNode, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.export.jsonld_context import REVERSE_TERMS, context_url, local_document_loader
from kg.records import iris

#: Links from a project's parts that are provenance, not content: referenced, never embedded.
NOT_EMBEDDED = {iris.BGI.statedAt, DCTERMS.source, iris.BGI.statedIn}


def json_text(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _options(context: dict[str, Any]) -> dict[str, Any]:
    return {"documentLoader": local_document_loader({context_url(): context})}


def compacted_dataset(nquads: str, context: dict[str, Any]) -> dict[str, Any]:
    """All graphs of ``nquads`` as one compacted JSON-LD document with the context inline."""
    options = _options(context)
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True,
                                        **options})
    return jsonld.compact(expanded, context, options)


def _project_neighbourhood(union: Graph, project: URIRef) -> Graph:
    """The project, what points at it (participations, contracts, …) and what those link to."""
    reverse = [iris.curie(curie) for curie in REVERSE_TERMS.values()]
    first = {project} | {subject for predicate in reverse for subject in union.subjects(predicate, project)
                         if isinstance(subject, IdentifiedNode)}
    second = {obj for node in first for predicate, obj in union.predicate_objects(node)
              if isinstance(obj, URIRef) and predicate not in NOT_EMBEDDED and predicate != RDF.type
              and str(obj).startswith(str(iris.ID))}
    neighbourhood = Graph()
    for node in sorted(first | second):
        for triple in union.triples((node, None, None)):
            neighbourhood.add(triple)
    return neighbourhood


def framed_project(union: Graph, project: URIRef, context: dict[str, Any]) -> dict[str, Any]:
    """One project as nested JSON, with ``"@context"`` the published context's URL."""
    options = _options(context)
    neighbourhood = _project_neighbourhood(union, project)
    lines = sorted(line for line in neighbourhood.serialize(format="nt").splitlines() if line.strip())
    expanded = jsonld.from_rdf("\n".join(lines) + "\n", {"format": "application/n-quads",
                                                         "useNativeTypes": True, **options})
    frame = {"@context": context["@context"], "@id": str(project), "@embed": "@always",
             **{key: {"@embed": "@always"} for key in REVERSE_TERMS}}
    framed = jsonld.frame(expanded, frame, {**options, "omitGraph": True, "pruneBlankNodeIdentifiers": True})
    framed["@context"] = context_url()
    return framed


def project_key(project: URIRef) -> str:
    """The file name stem of a project's document: the last segment of its IRI (its number)."""
    return unquote(str(project).rstrip("/").rsplit("/", 1)[1])


def framed_projects(union: Graph, context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every ``bgi:Project`` framed, by :func:`project_key`, in IRI order."""
    projects = sorted({project for project in union.subjects(RDF.type, iris.BGI.Project)
                       if isinstance(project, URIRef)})
    return {project_key(project): framed_project(union, project, context) for project in projects}


def projects_collection(framed: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """All framed projects in one document (``@graph``), for a single download."""
    nodes = []
    for key in sorted(framed):
        node = dict(framed[key])
        node.pop("@context", None)
        nodes.append(node)
    return {"@context": context_url(), "@graph": nodes}
