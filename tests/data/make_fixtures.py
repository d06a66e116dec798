"""Regenerate the valid SHACL fixtures (valid/) from a build.

    python tests/data/make_fixtures.py [path/to/kg.nq]      (default: build/kg.nq)

valid/NAME.trig: a few resources of the real build (the seeds below) with everything they link
to, transitively (organisations, places, programmes, documents, source locations...), taken
quad by quad from one or two source graphs (GRAPHS below), so each fixture is a small but
complete graph. The ontology, the code lists and the OWL-RL graph are left out: ``kg validate``
adds the bundled ontology and code lists, and the shapes do not rely on inferred triples.

The invalid fixtures are not files here: tests/mutation_suite.py writes them at test time from
these valid fixtures and its table of edits.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from kg.records import iris  # noqa: E402
from kg.release.files import trig_text  # noqa: E402

#: Resources of the code lists (added by kg validate), never copied into a fixture.
VOCABULARY_PREFIXES = ("concept/programme-kinds/", "concept/award-modes/", "concept/objective-kinds/",
                       "concept/roles/", "concept/organisation-kinds/", "concept/legal-forms/",
                       "concept/service-kinds/", "concept/place-kinds/", "concept/governance-levels/",
                       "concept/document-kinds/", "concept/budget-components/", "concept/units/",
                       "concept/approximations/", "concept/source-kinds/", "scheme/")

P2018 = "project/BG05M9OP001-2.018-0031"
P2056 = "project/BG05M9OP001-2.056-0025"
PLAN = "plan/kyustendil-roma-2022-2024"

#: The source graphs each fixture takes its quads from (fewer graphs, smaller fixtures).
GRAPHS: dict[str, list[str]] = {
    "grants-kyustendil": ["kyustendil-equal-opportunities", "curation"],
    "grants-vidin": ["vidin-integrated-approach"],
    "plan-housing": ["kyustendil-roma-action-plan-2022-2024"],
    "plan-projects": ["kyustendil-roma-action-plan-2022-2024", "kyustendil-independent-living"],
    "reference-nuts": ["nuts-2021-bg"],
}

#: Seeds of each valid fixture (ids under id/); a seed ending in "/" takes every resource below it.
SEEDS: dict[str, list[str]] = {
    "grants-kyustendil": [
        P2018, f"{P2018}/amendment/01", f"{P2018}/amount/", f"{P2018}/activity/1", f"{P2018}/objective/1",
        f"{P2018}/participation/beneficiary/obshtina-kyustendil",
        f"{P2018}/participation/partner/ou-prof-marin-drinov-kyustendil/",
        "contract/BG05M9OP001-2.018-0031-C01", "contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01",
        "disagreement/bg05m9op001-2-018-0031-total-value", "disagreement/bg05m9op001-2-018-0031-total-value/",
    ],
    "grants-vidin": [
        P2056, f"{P2056}/amount/", f"{P2056}/activity/1", f"{P2056}/activity/8",
        f"{P2056}/participation/beneficiary/obshtina-vidin",
        f"{P2056}/participation/associated-partner/agentsia-po-zaetostta",
        "contract/BG05M9OP001-2.056-0025-C01", "contract/BG05M9OP001-2.056-0025-2014BG05M2OP001-C01",
    ],
    "plan-housing": [
        PLAN, f"{PLAN}/housing", f"{PLAN}/housing/operational-objective", f"{PLAN}/housing/sub-goal/1",
        f"{PLAN}/housing/goal/1", f"{PLAN}/housing/m1", f"{PLAN}/housing/m1/", f"{PLAN}/housing/m5",
        f"{PLAN}/housing/m5/", "decision/obshtinski-savet-kyustendil/865",
        "dataset/kyustendil-roma-action-plan-2022-2024-statistics",
        "statistic/kyustendil-roma-2022-2024/illegal-buildings-share-kvartal-iztok",
        "statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok",
        "legal-act/naredba-1-19-07-2020-zdravni-mediatori",
    ],
    "plan-projects": [
        "project/BG05M9OP001-2.029-0004", "contract/BG05M9OP001-2.029-0004",
        "project/BGLD-2.003-0004", "contract/BGLD-2.003-0004-C01",
        "project/BG05M9OP001-2.002-0131", "project/BG05M9OP001-2.002-0131/",
        "contract/BG05M9OP001-2.002-0131-C01", "service/tsentar-za-rabota-s-detsa-na-ulitsata-kyustendil",
        "service/tsentar-za-uslugi-hab-1-kyustendil", "service/hab-2-kyustendil",
        "org/dg-mechta-kyustendil-filial-kvartal-iztok", "fund/esif",
    ],
    "reference-nuts": ["place/obshtina-kyustendil", "place/obshtina-chelopech"],
}


#: Fixtures cut from the build of a fixture data directory rather than of data/ (kinds no seed
#: document has: events, amendments with budget changes, decisions with votes).
FIXTURE_DATA: dict[str, tuple[str, list[str], list[str]]] = {
    "issue20-lifecycle": ("issue20", ["primerovo-zaedno-napred"], [
        "project/BG05M9OP001-2.018-0077", "project/BG05M9OP001-2.018-0077/",
        "event/primerovo-zaedno-napred/1", "decision/obshtinski-savet-primerovo/123",
        "statistic/primerovo/pupils-2022-2023",
    ]),
}


def load_build(path: Path) -> Dataset:
    dataset = Dataset()
    dataset.parse(path, format="nquads")
    return dataset


def is_copied(node) -> bool:
    if not isinstance(node, URIRef) or not str(node).startswith(str(iris.ID)):
        return False
    local = str(node).removeprefix(str(iris.ID))
    return not local.startswith(VOCABULARY_PREFIXES)


def extract(dataset: Dataset, seeds: list[str], sources: list[str]) -> dict[URIRef, Graph]:
    """The quads of the seeds and of everything they link to (transitively), per source graph."""
    graphs = [dataset.graph(iris.graph(source)) for source in sources]
    subjects = {subject for graph in graphs for subject in graph.subjects() if isinstance(subject, URIRef)}
    todo: set[URIRef] = set()
    for seed in seeds:
        if seed.endswith("/"):
            todo |= {subject for subject in subjects if str(subject).startswith(str(iris.ID) + seed)}
        else:
            todo.add(URIRef(str(iris.ID) + seed))
    done: set[URIRef] = set()
    result: dict[URIRef, Graph] = {}
    while todo:
        resource = todo.pop()
        done.add(resource)
        for graph in graphs:
            for triple in graph.triples((resource, None, None)):
                target = result.setdefault(graph.identifier, Graph(identifier=graph.identifier))
                target.add(triple)
                if is_copied(triple[2]) and triple[2] not in done:
                    todo.add(triple[2])
    for identifier in list(result):  # each graph describes itself (bgi:SourceGraph) and its document
        source = dataset.graph(identifier)
        for triple in source.triples((identifier, None, None)):
            result[identifier].add(triple)
        for document in source.objects(identifier, URIRef("http://purl.org/dc/terms/source")):
            for triple in source.triples((document, None, None)):
                result[identifier].add(triple)
            for _, _, checksum in source.triples((document, iris.SPDX.checksum, None)):
                for triple in source.triples((checksum, None, None)):
                    result[identifier].add(triple)
    return result


def main(build: Path) -> None:
    dataset = load_build(build)
    (HERE / "valid").mkdir(exist_ok=True)
    for name, seeds in SEEDS.items():
        graphs = extract(dataset, seeds, GRAPHS[name])
        (HERE / "valid" / f"{name}.trig").write_text(trig_text(graphs), encoding="utf-8")
        print(f"valid/{name}.trig: {sum(len(graph) for graph in graphs.values())} triples")
    for name, (directory, sources, seeds) in FIXTURE_DATA.items():
        graphs = extract(load_build(build_fixture_data(HERE / directory)), seeds, sources)
        (HERE / "valid" / f"{name}.trig").write_text(trig_text(graphs), encoding="utf-8")
        print(f"valid/{name}.trig: {sum(len(graph) for graph in graphs.values())} triples")


def build_fixture_data(data_dir: Path) -> Path:
    """Build a fixture data directory into a temporary directory; its kg.nq."""
    import tempfile

    from kg.release.build import build

    out = Path(tempfile.mkdtemp(prefix="kg-fixture-")) / "build"
    build(data_dir, out, reason=False, progress=False)
    return out / "kg.nq"


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/kg.nq"))
