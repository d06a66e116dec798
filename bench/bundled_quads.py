"""The bundled graph as N-Quads split into terms: what bench/validate_scale.py clones at every scale.

The cloning edits terms as they are written (IRIs, blank node labels, literals with their escapes)
rather than going through an rdflib graph, so a copy of a statement is a text edit of the original
line and writing 100× the graph costs no parsing or serialising. Hence a regular expression for
the N-Quads that ``kg`` itself writes, not a general parser: anything else is refused loudly.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: One statement's four terms as written: subject, predicate, object, graph ("" for the default graph).
Quad = tuple[str, str, str, str]

# One N-Quads statement: subject, predicate, object (IRI, blank node or literal), graph.
TERM = r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?'
QUAD = re.compile(rf"^({TERM}) ({TERM}) ({TERM})(?: ({TERM}))? \.$")


def bundled_nquads(nq_file: Path | None = None) -> list[str]:
    """The bundled graph as N-Quads lines: the given build's kg.nq, or assembled from data/ now.

    Assembling (records, mapping, OWL-RL) is what ``kg build`` writes, without the store and the
    SHACL check, so the benchmark does not depend on an up-to-date ./build.
    """
    if nq_file is not None:
        text = Path(nq_file).read_text(encoding="utf-8")
    else:
        from kg.common import paths
        from kg.reason.owlrl_reference import reference_graphs
        from kg.release.files import nquads_text

        graphs, _records = reference_graphs(paths.data_dir(), reason=True)
        text = nquads_text(graphs)
    return [line for line in text.splitlines() if line.strip()]


def parse_quads(lines: list[str]) -> list[Quad]:
    """Each line split into its four terms (as written; the graph is "" for the default graph)."""
    quads = []
    for line in lines:
        match = QUAD.match(line.strip())
        if not match:
            raise ValueError(f"not an N-Quads statement this benchmark understands: {line[:200]}")
        subject, predicate, obj, graph = match.groups()
        quads.append((subject, predicate, obj, graph or ""))
    return quads
