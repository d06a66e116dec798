"""The ``--format`` names of ``kg query`` and what each writes for each kind of answer.

Read off the format table (:mod:`kg.common.formats`, which imports nothing heavy, so ``kg``'s
argument parser can offer the names without loading an RDF engine). The names are the keys of
the formats ``/sparql`` serves, with its ``format=`` meaning: ``json`` and ``xml`` are SPARQL
JSON and XML results for a table or a boolean and JSON-LD and RDF/XML for a graph, so the same
name asks both for the same thing. ``table`` is for people: aligned columns of plain values
(``true``/``false`` for ASK), and Turtle for a graph.
"""

from __future__ import annotations

from kg.common import formats

DEFAULT_FORMAT = "table"
_OVERRIDES = formats.override_table()
#: --format -> (key for a table or a boolean, key for a graph); None where the format cannot
#: carry that kind of answer. "table" is written by kg.query.run; the rest are format keys.
OUTPUT_FORMATS: dict[str, tuple[str | None, str | None]] = {
    DEFAULT_FORMAT: ("table", "turtle"),
    **{fmt.key: _OVERRIDES[fmt.key] for fmt in formats.FORMATS if fmt.served},
}
