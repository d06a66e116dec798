"""The ``--format`` names of ``kg query`` and what each writes for each kind of answer.

Kept free of imports so that ``kg``'s argument parser can offer the names without loading an RDF
engine. The names follow ``/sparql``'s ``format=`` override (server/formats.py): ``json`` and
``xml`` are SPARQL JSON and XML results for a table or a boolean and JSON-LD and RDF/XML for a
graph, so the same name asks both for the same thing. ``table`` is for people: aligned columns
of plain values (``true``/``false`` for ASK), and Turtle for a graph.
"""

from __future__ import annotations

#: --format -> (key for a table or a boolean, key for a graph); None where the format cannot
#: carry that kind of answer. The keys are those of kg.store.results.RESULT_FORMATS and
#: GRAPH_FORMATS, plus "table" (written by kg.query.run).
OUTPUT_FORMATS: dict[str, tuple[str | None, str | None]] = {
    "table": ("table", "turtle"),
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"),
    "trig": (None, "trig"),
    "nquads": (None, "nquads"),
}
DEFAULT_FORMAT = "table"
