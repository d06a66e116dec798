"""Cut the export fixture (small.trig) out of a real build: ``python make_fixture.py BUILD_DIR``.

Takes, quad by quad and in their own named graphs (the inferred graph included), everything
the release states about a few seed resources: one project with its contract, beneficiary
participation, total amount and its EUR equivalent, two activities, the organisation, its
municipality, and one action of the Kyustendil action plan with its measure and the plan.
Editorial notes and line citations are left out to keep the golden files short.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import SKOS

from kg.records import iris
from kg.release.files import trig_text

ID = str(iris.ID)
PROJECT = ID + "project/BG05M9OP001-2.002-0131"
SEEDS = [PROJECT, ID + "contract/BG05M9OP001-2.002-0131-C01",
         PROJECT + "/participation/beneficiary/obshtina-kyustendil",
         PROJECT + "/amount/total", PROJECT + "/amount/total/eur",
         PROJECT + "/activity/1", PROJECT + "/activity/2",
         ID + "org/obshtina-kyustendil", ID + "place/obshtina-kyustendil",
         ID + "concept/roles/beneficiary", ID + "concept/budget-components/total",
         ID + "plan/kyustendil-roma-2022-2024", ID + "plan/kyustendil-roma-2022-2024/culture/m1",
         ID + "plan/kyustendil-roma-2022-2024/culture/m1/a1.1"]
LEFT_OUT = {SKOS.editorialNote, iris.BGI.statedAt}


def main(build_dir: Path) -> None:
    release = Dataset()
    release.parse(build_dir / "kg.nq", format="nquads")
    seeds = {URIRef(seed) for seed in SEEDS}
    graphs = {}
    for subject, predicate, obj, graph in release.quads((None, None, None, None)):
        if subject in seeds and predicate not in LEFT_OUT:
            graphs.setdefault(graph, Dataset().graph(graph)).add((subject, predicate, obj))
    target = Path(__file__).with_name("small.trig")
    target.write_text(trig_text(graphs), encoding="utf-8")
    print(f"wrote {target}: {sum(len(graph) for graph in graphs.values())} quads in {len(graphs)} graphs")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build"))
