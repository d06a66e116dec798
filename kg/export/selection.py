"""What ``kg export --formats`` can select: each RDF syntax by its file extension, ``jsonld`` (the
JSON-LD documents) and ``csv`` (the tables).

The names are the extensions of :mod:`kg.common.formats`, so ``--formats ttl`` writes kg.ttl.
This module imports the standard library only, so that ``kg --help`` lists the names before
rdflib and pyoxigraph are installed.
"""

from __future__ import annotations

from kg.common import formats

#: The RDF syntaxes written as one file each (kg.ttl, kg.trig …), in the order they are described.
RDF_DUMP_KEYS = ("turtle", "trig", "ntriples", "nquads", "rdfxml")


def selection_name(key: str) -> str:
    """The name ``--formats`` takes for format ``key``: its extension without the dot."""
    return formats.by_key(key).extension.lstrip(".")


JSONLD = selection_name("jsonld")
CSV = selection_name("csv")
#: Every name, in the order of the default (everything).
ALL_FORMATS = (*(selection_name(key) for key in RDF_DUMP_KEYS), JSONLD, CSV)
