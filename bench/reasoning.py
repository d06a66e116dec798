"""Compiled entailments (kg.reason.compiled) against owlrl (kg.reason.owlrl_reference)
on one build's asserted graphs.

    python bench/reasoning.py BUILD_DIR [--owlrl]

Reads BUILD_DIR/kg.nq without its inferred graph, times :func:`inferred_graph_fast` and (with
--owlrl) :func:`inferred_graph`, checks that both give the same triples, and prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO)]

from rdflib import Dataset  # noqa: E402

from kg.reason.compiled import inferred_graph_fast  # noqa: E402
from kg.reason.owlrl_reference import inferred_graph  # noqa: E402
from kg.records import iris  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build", type=Path)
    parser.add_argument("--owlrl", action="store_true")
    args = parser.parse_args()
    dataset = Dataset()
    dataset.parse(args.build / "kg.nq", format="nquads")
    graphs = [graph for graph in dataset.graphs() if graph.identifier != iris.INFERRED_GRAPH and len(graph)]
    triples = sum(len(graph) for graph in graphs)
    started = time.monotonic()
    fast = set(inferred_graph_fast(graphs))
    result = {"input_triples": triples, "inferred": len(fast), "fast_s": time.monotonic() - started}
    if args.owlrl:
        started = time.monotonic()
        slow = set(inferred_graph(graphs))
        result.update(owlrl_s=time.monotonic() - started, same_answers=slow == fast)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
