"""The mutation suite: every faulty SHACL fixture as one row of a table, written at test time.

Each invalid fixture is a valid fixture (``base``, a file of tests/data/valid/) with a small
edit: Turtle triples to ``remove`` and to ``add`` (with the project's prefixes and
``@base <https://w3id.org/bg-inclusion/>``, so ``<id/...>`` names a resource) and resources to
``remove_subject``. The row also names the result the edit must trigger: the shape, the focus
node and the severity. ``also`` lists the other Violations the same edit necessarily causes (a
Cyrillic С in a contract number breaks both the canonical pattern and the look-alike rule); the
fixture must cause no other. tests/test_shapes.py checks every row.

The 79 TriG files used to be committed (5 MB, each only a restatement of its row and its
base); ``write_fixture_tree`` now writes them into a temporary directory (the ``shacl_fixtures``
fixture of conftest.py), so a row is the one thing to edit and a file cannot drift from its row
(docs/decisions/0017-test-fixtures.md).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.records import iris
from kg.release.files import trig_text

#: The committed, conforming fixtures the mutations start from (cut out of a build; README there).
VALID_DIR = Path(__file__).resolve().parent / "data" / "valid"
VIOLATION, WARNING = "Violation", "Warning"

#: The partner participation of the Kyustendil project, too long an IRI to write out in the table.
DRINOV = "<id/project/BG05M9OP001-2.018-0031/participation/partner/ou-prof-marin-drinov-kyustendil"
#: The beneficiary participation of the independent-living project (plan-projects fixture).
INDEPENDENT_LIVING = "<id/project/BG05M9OP001-2.002-0131/participation/beneficiary/obshtina-kyustendil"
#: Resources of the issue-20 rows, named once to keep the rows short.
TOTAL_AFTER = "<id/project/BG05M9OP001-2.018-0031/amount/total-after-amendment-01"
AMENDMENT = "<id/project/BG05M9OP001-2.018-0031/amendment/01>"
ROMA_POPULATION = "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok>"
PLAN = "<id/plan/kyustendil-roma-2022-2024>"
#: An amount and a count observation of the aggregates fixture (decision 0021).
AGGREGATE_AMOUNT = "<id/aggregate/all/amount-257a61be87f6e7d5>"
AGGREGATE_COUNT = "<id/aggregate/year/count-e575dccc71140754>"

TURTLE_HEADER = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in iris.PREFIXES.items())
TURTLE_HEADER += f"@prefix bgis: <{iris.SHAPES}> .\n@base <{iris.BASE}> .\n"


@dataclass(frozen=True)
class Mutation:
    """One faulty fixture: the valid fixture it edits, the edit, and the result it must trigger."""

    name: str
    base: str  # the valid fixture edited: tests/data/valid/BASE.trig
    description: str
    severity: str  # of the expected result
    shape: str  # bgis:Name of the shape the edit must trigger
    focus: str  # <id/...>: the focus node of that result
    also: Sequence[tuple[str, str]] = ()  # (shape, focus) of the other Violations the edit causes
    remove_subject: Sequence[str] = ()
    remove: Sequence[str] = ()
    add: Sequence[str] = ()
    graph: str | None = None  # source graph of the added triples; default: the graph describing their subject

    @property
    def file(self) -> str:
        return f"{self.name}.trig"


def turtle_triples(lines: Sequence[str]) -> Graph:
    """Turtle triples written one per entry (``<id/...> bgi:p "o"``), with the project's prefixes."""
    graph = Graph()
    graph.parse(data=TURTLE_HEADER + "".join(f"{line} .\n" for line in lines), format="turtle")
    return graph


def read_graphs(path: Path) -> dict[URIRef, Graph]:
    """The non-empty named graphs of a TriG file, by name."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    return {URIRef(str(graph.identifier)): graph for graph in dataset.graphs() if len(graph)}


def mutated(base: dict[URIRef, Graph], mutation: Mutation) -> dict[URIRef, Graph]:
    """A copy of the base graphs with the mutation's edit applied (the base is left as it was)."""
    graphs: dict[URIRef, Graph] = {}
    for identifier, graph in base.items():
        graphs[identifier] = Graph(identifier=identifier)
        for triple in graph:
            graphs[identifier].add(triple)
    for name in mutation.remove_subject:
        subject = URIRef(str(iris.BASE) + name.strip("<>"))
        for graph in graphs.values():
            graph.remove((subject, None, None))
    for triple in turtle_triples(mutation.remove):
        holding = [graph for graph in graphs.values() if triple in graph]
        if not holding:
            raise ValueError(f"{mutation.file}: not in {mutation.base}: {triple}")
        for graph in holding:
            graph.remove(triple)
    for triple in turtle_triples(mutation.add):
        if mutation.graph:
            named = iris.graph(mutation.graph)
            target = graphs.setdefault(named, Graph(identifier=named))
        else:
            target = _graph_describing(graphs, triple[0], mutation)
        target.add(triple)
    return {identifier: graph for identifier, graph in graphs.items() if len(graph)}


def _graph_describing(graphs: dict[URIRef, Graph], subject, mutation: Mutation) -> Graph:
    for identifier in sorted(graphs):
        if (subject, None, None) in graphs[identifier]:
            return graphs[identifier]
    raise ValueError(f"{mutation.file}: no graph of {mutation.base} describes {subject}; "
                     "give the row a graph")


def write_fixture_tree(root: Path) -> Path:
    """root/valid/ (a copy of the committed fixtures) and root/invalid/ (one file per row); root."""
    shutil.copytree(VALID_DIR, root / "valid", dirs_exist_ok=True)
    (root / "invalid").mkdir(parents=True, exist_ok=True)
    bases: dict[str, dict[URIRef, Graph]] = {}
    for mutation in MUTATIONS:
        if mutation.base not in bases:
            bases[mutation.base] = read_graphs(VALID_DIR / f"{mutation.base}.trig")
        text = trig_text(mutated(bases[mutation.base], mutation))
        (root / "invalid" / mutation.file).write_text(text, encoding="utf-8")
    return root


MUTATIONS: list[Mutation] = [
    # ------------------------------------------------------------------ identifiers
    Mutation(
        "01-contract-number-cyrillic-es", "grants-kyustendil",
        "A Cyrillic С (U+0421) instead of the Latin C in a canonical contract number.",
        VIOLATION, "bgis:Identifier-cyrillicLetter", "<id/contract/BG05M9OP001-2.018-0031-C01>",
        also=[("bgis:ContractNumber", "<id/contract/BG05M9OP001-2.018-0031-C01>")],
        remove=['<id/contract/BG05M9OP001-2.018-0031-C01> dcterms:identifier "BG05M9OP001-2.018-0031-C01"'],
        add=['<id/contract/BG05M9OP001-2.018-0031-C01> dcterms:identifier "BG05M9OP001-2.018-0031-С01"'],
    ),
    Mutation(
        "02-procedure-code-zero-for-o", "grants-kyustendil",
        "The digit 0 for the letter O in a procedure code (BG05M90P001 for BG05M9OP001).",
        VIOLATION, "bgis:Identifier-zeroForO", "<id/procedure/BG05M9OP001-2.018>",
        remove=['<id/procedure/BG05M9OP001-2.018> dcterms:identifier "BG05M9OP001-2.018"'],
        add=['<id/procedure/BG05M9OP001-2.018> dcterms:identifier "BG05M90P001-2.018"'],
    ),
    Mutation(
        "03-project-number-cyrillic-o", "grants-kyustendil",
        "A Cyrillic О (U+041E) in a canonical project number.",
        VIOLATION, "bgis:Identifier-cyrillicLetter", "<id/project/BG05M9OP001-2.018-0031>",
        also=[("bgis:ProjectNumber", "<id/project/BG05M9OP001-2.018-0031>")],
        remove=['<id/project/BG05M9OP001-2.018-0031> dcterms:identifier "BG05M9OP001-2.018-0031"'],
        add=['<id/project/BG05M9OP001-2.018-0031> dcterms:identifier "BG05M9ОP001-2.018-0031"'],
    ),
    Mutation(
        "04-programme-code-not-cci", "grants-kyustendil",
        "An operational programme's code without the year, so not a CCI code.",
        VIOLATION, "bgis:ProgrammeCode-cci", "<id/programme/2014BG05M2OP001>",
        remove=['<id/programme/2014BG05M2OP001> dcterms:identifier "2014BG05M2OP001"'],
        add=['<id/programme/2014BG05M2OP001> dcterms:identifier "BG05M2OP001"'],
    ),
    Mutation(
        "05-contract-number-stray-space", "grants-kyustendil",
        "A stray space and an en dash left in a canonical contract number.",
        VIOLATION, "bgis:ContractNumber", "<id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01>",
        remove=[
            "<id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01> dcterms:identifier "
            '"BG05M9OP001-2.018-0031-2014BG05M2OP001-C01"',
        ],
        add=[
            "<id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01> dcterms:identifier "
            '"BG05M9OP001-2.018-0031 –2014BG05M2OP001-C01"',
        ],
    ),
    Mutation(
        "06-contract-two-numbers", "grants-kyustendil",
        "A grant contract with two ИСУН numbers (a contract a text reports without one has none).",
        VIOLATION, "bgis:ContractNumber", "<id/contract/BG05M9OP001-2.018-0031-C01>",
        add=['<id/contract/BG05M9OP001-2.018-0031-C01> dcterms:identifier "BG05M9OP001-2.018-0031-C02"'],
    ),
    Mutation(
        "07-operational-programme-without-cci", "grants-kyustendil",
        "An operational programme with no CCI code (a warning; the documents may not state it).",
        WARNING, "bgis:OperationalProgramme-cciStated", "<id/programme/2014BG05M2OP001>",
        remove=['<id/programme/2014BG05M2OP001> dcterms:identifier "2014BG05M2OP001"'],
    ),
    # ------------------------------------------------------------------ money
    Mutation(
        "10-total-not-direct-plus-indirect", "grants-kyustendil",
        "The first-announced total (and its EUR value) one stotinka less than direct + indirect costs "
        "(compared within the superseded reading).",
        VIOLATION, "bgis:Amount-totalIsDirectPlusIndirect",
        "<id/project/BG05M9OP001-2.018-0031/amount/total>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/amount/total> schema:value 882659.05",
            "<id/project/BG05M9OP001-2.018-0031/amount/total/eur> schema:value 451296.41",
        ],
        add=[
            "<id/project/BG05M9OP001-2.018-0031/amount/total> schema:value 882659.04",
            "<id/project/BG05M9OP001-2.018-0031/amount/total/eur> schema:value 451296.4",
        ],
    ),
    Mutation(
        "11-superseded-total-marked-current", "grants-kyustendil",
        "The total superseded by amendment 01 marked current, so two totals are current.",
        VIOLATION, "bgis:Amount-oneCurrentReading", "<id/project/BG05M9OP001-2.018-0031/amount/total>",
        also=[
            ("bgis:Amount-oneCurrentReading",
             "<id/project/BG05M9OP001-2.018-0031/amount/total-after-amendment-01>"),
        ],
        remove=["<id/project/BG05M9OP001-2.018-0031/amount/total> bgi:isCurrent false"],
        add=["<id/project/BG05M9OP001-2.018-0031/amount/total> bgi:isCurrent true"],
    ),
    Mutation(
        "12-indirect-rate-mismatch", "grants-kyustendil",
        "The stated indirect rate (6%) does not give the indirect costs (7% of the direct costs).",
        VIOLATION, "bgis:Amount-indirectRate", "<id/project/BG05M9OP001-2.018-0031/amount/indirect>",
        remove=["<id/project/BG05M9OP001-2.018-0031/amount/indirect> bgi:rateOfDirectCosts 7.0"],
        add=["<id/project/BG05M9OP001-2.018-0031/amount/indirect> bgi:rateOfDirectCosts 6.0"],
    ),
    Mutation(
        "13-programme-totals-not-total", "grants-vidin",
        "The project total (and its EUR value) 0.10 лв. more than the sum of the per-programme amounts.",
        VIOLATION, "bgis:Amount-programmeTotalsSumToTotal",
        "<id/project/BG05M9OP001-2.056-0025/amount/total>",
        remove=[
            "<id/project/BG05M9OP001-2.056-0025/amount/total> schema:value 1589270.65",
            "<id/project/BG05M9OP001-2.056-0025/amount/total/eur> schema:value 812581.18",
        ],
        add=[
            "<id/project/BG05M9OP001-2.056-0025/amount/total> schema:value 1589270.75",
            "<id/project/BG05M9OP001-2.056-0025/amount/total/eur> schema:value 812581.23",
        ],
    ),
    Mutation(
        "14-eu-plus-national-not-programme-amount", "grants-vidin",
        "The national share under OP SESG (and its EUR value) 0.10 лв. too high, so EU + national ≠ the "
        "programme's amount.",
        VIOLATION, "bgis:Amount-sharesSumToProgrammeTotal",
        "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-total>",
        remove=[
            "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-national> schema:value 58486.16",
            "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-national/eur> schema:value 29903.5",
        ],
        add=[
            "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-national> schema:value 58486.26",
            "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-national/eur> schema:value 29903.55",
        ],
    ),
    Mutation(
        "15-amount-typed-double", "grants-kyustendil",
        "A money value typed xsd:double instead of xsd:decimal.",
        VIOLATION, "bgis:Amount-valueDatatype", "<id/project/BG05M9OP001-2.018-0031/amount/direct>",
        remove=["<id/project/BG05M9OP001-2.018-0031/amount/direct> schema:value 824915.0"],
        add=['<id/project/BG05M9OP001-2.018-0031/amount/direct> schema:value "824915.0"^^xsd:double'],
    ),
    Mutation(
        "16-negative-amount", "plan-projects",
        "A negative project total (its EUR equivalent dropped, which is only a warning).",
        VIOLATION, "bgis:Amount-notNegative", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        remove_subject=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur>"],
        remove=[
            "<id/project/BG05M9OP001-2.002-0131/amount/total> schema:value 499339.97",
            "<id/project/BG05M9OP001-2.002-0131/amount/total> bgi:eurEquivalent "
            "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        ],
        add=["<id/project/BG05M9OP001-2.002-0131/amount/total> schema:value -499339.97"],
    ),
    Mutation(
        "17-currency-missing", "plan-projects",
        "An amount converted to EUR at the fixed rate that does not say it is in BGN (an amount "
        "written with no currency has none, and no EUR equivalent).",
        VIOLATION, "bgis:Amount-eurFromBgn", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        remove=['<id/project/BG05M9OP001-2.002-0131/amount/total> schema:currency "BGN"'],
    ),
    Mutation(
        "18-eur-value-off-by-a-cent", "plan-projects",
        "The EUR equivalent one cent away from BGN ÷ 1.95583.",
        VIOLATION, "bgis:DerivedAmount-fixedRate", "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        remove=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur> schema:value 255308.47"],
        add=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur> schema:value 255308.48"],
    ),
    Mutation(
        "19-conversion-rate-not-fixed", "plan-projects",
        "A conversion rate other than the fixed 1.95583.",
        VIOLATION, "bgis:DerivedAmount-rate", "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        remove=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur> bgi:conversionRate 1.95583"],
        add=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur> bgi:conversionRate 1.9558"],
    ),
    Mutation(
        "20-per-programme-amount-without-programme", "grants-vidin",
        "An EU share that does not name its programme.",
        VIOLATION, "bgis:Amount-programmeNamed", "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-esf>",
        remove=[
            "<id/project/BG05M9OP001-2.056-0025/amount/opnoir-esf> bgi:underProgramme "
            "<id/programme/2014BG05M2OP001>",
        ],
    ),
    Mutation(
        "21-budget-component-outside-code-list", "grants-kyustendil",
        "A budget component that is not in the budget-components code list.",
        VIOLATION, "bgis:Amount-component", "<id/project/BG05M9OP001-2.018-0031/amount/direct>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/amount/direct> bgi:budgetComponent "
            "<id/concept/budget-components/direct>",
        ],
        add=[
            "<id/project/BG05M9OP001-2.018-0031/amount/direct> bgi:budgetComponent "
            "<id/concept/budget-components/direct-costs>",
        ],
    ),
    Mutation(
        "22-amount-of-nothing", "plan-projects",
        "An amount that belongs to no project or contract budget.",
        VIOLATION, "bgis:Amount-of", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        remove=[
            "<id/project/BG05M9OP001-2.002-0131/amount/total> bgi:amountOf "
            "<id/project/BG05M9OP001-2.002-0131>",
        ],
    ),
    Mutation(
        "23-amount-stated-after-a-project", "grants-kyustendil",
        'An amount "stated after" something that is not an amendment.',
        VIOLATION, "bgis:Amount-statedAfter",
        "<id/project/BG05M9OP001-2.018-0031/amount/total-after-amendment-01>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/amount/total-after-amendment-01> bgi:statedAfter "
            "<id/project/BG05M9OP001-2.018-0031/amendment/01>",
        ],
        add=[
            "<id/project/BG05M9OP001-2.018-0031/amount/total-after-amendment-01> bgi:statedAfter "
            "<id/project/BG05M9OP001-2.018-0031>",
        ],
    ),
    Mutation(
        "24-programme-direct-not-direct", "grants-kyustendil",
        "An OP HRD direct-cost amount (and its EUR value) 1 лв. short, so the per-programme direct costs "
        "do not add up.",
        VIOLATION, "bgis:Amount-programmeDirectSumToDirect",
        "<id/project/BG05M9OP001-2.018-0031/amount/direct>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/amount/oprchr-direct> schema:value 467289.0",
            "<id/project/BG05M9OP001-2.018-0031/amount/oprchr-direct/eur> schema:value 238921.07",
        ],
        add=[
            "<id/project/BG05M9OP001-2.018-0031/amount/oprchr-direct> schema:value 467288.0",
            "<id/project/BG05M9OP001-2.018-0031/amount/oprchr-direct/eur> schema:value 238920.56",
        ],
    ),
    Mutation(
        "25-eu-share-from-a-programme", "grants-vidin",
        "An EU share said to come from a programme instead of a fund.",
        VIOLATION, "bgis:Amount-fund", "<id/project/BG05M9OP001-2.056-0025/amount/oprchr-esf>",
        remove=["<id/project/BG05M9OP001-2.056-0025/amount/oprchr-esf> bgi:fromFund <id/fund/esf>"],
        add=[
            "<id/project/BG05M9OP001-2.056-0025/amount/oprchr-esf> bgi:fromFund "
            "<id/programme/2014BG05M9OP001>",
        ],
    ),
    Mutation(
        "26-derived-amount-not-in-eur", "plan-projects",
        "A derived amount whose currency is not EUR.",
        VIOLATION, "bgis:DerivedAmount-currency", "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        remove=['<id/project/BG05M9OP001-2.002-0131/amount/total/eur> schema:currency "EUR"'],
        add=['<id/project/BG05M9OP001-2.002-0131/amount/total/eur> schema:currency "USD"'],
    ),
    Mutation(
        "27-bgn-amount-without-eur", "plan-projects",
        "An amount in leva without its EUR equivalent (a warning).",
        WARNING, "bgis:Amount-eurEquivalent", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        remove_subject=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur>"],
        remove=[
            "<id/project/BG05M9OP001-2.002-0131/amount/total> bgi:eurEquivalent "
            "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        ],
    ),
    # ------------------------------------------------------------------ time
    Mutation(
        "30-project-start-after-end", "grants-vidin",
        "The project starts a year later, after its end date.",
        VIOLATION, "bgis:Project-startNotAfterEnd", "<id/project/BG05M9OP001-2.056-0025>",
        remove=['<id/project/BG05M9OP001-2.056-0025> bgi:startDate "2022-07-05"^^xsd:date'],
        add=['<id/project/BG05M9OP001-2.056-0025> bgi:startDate "2023-07-05"^^xsd:date'],
    ),
    Mutation(
        "31-amendment-shortens-end-date", "grants-kyustendil",
        "Amendment 01's new end date before the project's end date.",
        VIOLATION, "bgis:Amendment-extendsEndDate", "<id/project/BG05M9OP001-2.018-0031/amendment/01>",
        remove=['<id/project/BG05M9OP001-2.018-0031/amendment/01> bgi:newEndDate "2021-06-30"^^xsd:date'],
        add=['<id/project/BG05M9OP001-2.018-0031/amendment/01> bgi:newEndDate "2021-05-31"^^xsd:date'],
    ),
    Mutation(
        "32-amendment-end-not-after-start", "grants-kyustendil",
        "The project said to start on the day amendment 01 sets as its new end.",
        VIOLATION, "bgis:Amendment-endsAfterStart", "<id/project/BG05M9OP001-2.018-0031/amendment/01>",
        add=['<id/project/BG05M9OP001-2.018-0031> bgi:startDate "2021-06-30"^^xsd:date'],
    ),
    Mutation(
        "33-action-deadline-after-plan-period", "plan-housing",
        "An action's deadline (2026) after the end of its plan's period (2024).",
        VIOLATION, "bgis:PlanStep-withinPlanPeriod", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        remove=['<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineEnd "2024"^^xsd:gYear'],
        add=['<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineEnd "2026"^^xsd:gYear'],
    ),
    Mutation(
        "34-action-deadline-starts-after-end", "plan-housing",
        "An action's deadline starting (2025) after it ends (2024).",
        VIOLATION, "bgis:PlanStep-deadlineOrder", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        remove=['<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineStart "2022"^^xsd:gYear'],
        add=['<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineStart "2025"^^xsd:gYear'],
    ),
    Mutation(
        "35-strategy-period-reversed", "plan-housing",
        "A strategy's period ending (2020) before it starts (2022).",
        VIOLATION, "bgis:StrategicDocument-periodOrder",
        "<id/document/oblastna-strategia-kyustendil-romi-2022-2030>",
        remove=['<id/document/oblastna-strategia-kyustendil-romi-2022-2030> bgi:periodEnd "2030"^^xsd:gYear'],
        add=['<id/document/oblastna-strategia-kyustendil-romi-2022-2030> bgi:periodEnd "2020"^^xsd:gYear'],
    ),
    Mutation(
        "36-project-end-date-a-string", "grants-vidin",
        "A project end date typed as a plain string.",
        VIOLATION, "bgis:Project-endDate", "<id/project/BG05M9OP001-2.056-0025>",
        remove=['<id/project/BG05M9OP001-2.056-0025> bgi:endDate "2023-06-30"^^xsd:date'],
        add=['<id/project/BG05M9OP001-2.056-0025> bgi:endDate "2023-06-30"'],
    ),
    Mutation(
        "37-project-two-end-dates", "grants-vidin",
        "A project with two end dates.",
        VIOLATION, "bgis:Project-endDate", "<id/project/BG05M9OP001-2.056-0025>",
        add=['<id/project/BG05M9OP001-2.056-0025> bgi:endDate "2024-01-31"^^xsd:date'],
    ),
    # ------------------------------------------------------------------ grant structure
    Mutation(
        "40-contract-under-an-organisation-as-procedure", "grants-kyustendil",
        "A grant contract whose procedure is an organisation (a contract may name no procedure).",
        VIOLATION, "bgis:GrantContract-procedure", "<id/contract/BG05M9OP001-2.018-0031-C01>",
        remove=[
            "<id/contract/BG05M9OP001-2.018-0031-C01> bgi:underProcedure <id/procedure/BG05M9OP001-2.018>",
        ],
        add=["<id/contract/BG05M9OP001-2.018-0031-C01> bgi:underProcedure <id/org/obshtina-kyustendil>"],
    ),
    Mutation(
        "41-contract-under-two-programmes", "grants-kyustendil",
        "A grant contract under two programmes (a contract may name none, never two).",
        VIOLATION, "bgis:GrantContract-programme", "<id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01>",
        add=[
            "<id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01> bgi:underProgramme "
            "<id/programme/2014BG05M9OP001>",
        ],
    ),
    Mutation(
        "42-contract-programme-not-of-its-procedure", "plan-projects",
        "A contract under the EEA programme although its procedure is under OP HRD only.",
        VIOLATION, "bgis:GrantContract-programmeOfProcedure", "<id/contract/BG05M9OP001-2.029-0004>",
        remove=["<id/contract/BG05M9OP001-2.029-0004> bgi:underProgramme <id/programme/2014BG05M9OP001>"],
        add=["<id/contract/BG05M9OP001-2.029-0004> bgi:underProgramme <id/programme/BGLD>"],
    ),
    Mutation(
        "43-two-beneficiaries", "grants-kyustendil",
        "A partner participation turned into a second beneficiary.",
        VIOLATION, "bgis:Project-oneBeneficiary", "<id/project/BG05M9OP001-2.018-0031>",
        remove=[f"{DRINOV}/opnoir> bgi:role <id/concept/roles/partner>"],
        add=[f"{DRINOV}/opnoir> bgi:role <id/concept/roles/beneficiary>"],
    ),
    Mutation(
        "44-no-beneficiary", "grants-vidin",
        "The beneficiary's participation left out (a warning; the documents may not name one).",
        WARNING, "bgis:Project-beneficiaryNamed", "<id/project/BG05M9OP001-2.056-0025>",
        remove_subject=["<id/project/BG05M9OP001-2.056-0025/participation/beneficiary/obshtina-vidin>"],
    ),
    Mutation(
        "45-partner-scoped-to-unfunding-programme", "plan-projects",
        "A partner scoped to the EEA programme, which does not fund the project "
        "(its contract is under OP HRD).",
        VIOLATION, "bgis:Participation-programmeFundsProject",
        "<id/project/BG05M9OP001-2.002-0131/participation/beneficiary/obshtina-kyustendil>",
        remove=[
            "<id/project/BG05M9OP001-2.002-0131/participation/beneficiary/obshtina-kyustendil> bgi:role "
            "<id/concept/roles/beneficiary>",
        ],
        add=[
            "<id/project/BG05M9OP001-2.002-0131/participation/beneficiary/obshtina-kyustendil> bgi:role "
            "<id/concept/roles/partner>",
            "<id/project/BG05M9OP001-2.002-0131/participation/beneficiary/obshtina-kyustendil> "
            "bgi:underProgramme <id/programme/BGLD>",
        ],
    ),
    Mutation(
        "46-activity-under-unfunding-programme", "plan-projects",
        "An activity under a programme that does not fund its project.",
        VIOLATION, "bgis:ProjectPart-programmeFundsProject", "<id/project/BG05M9OP001-2.002-0131/activity/1>",
        add=["<id/project/BG05M9OP001-2.002-0131/activity/1> bgi:underProgramme <id/programme/BGLD>"],
    ),
    Mutation(
        "47-participant-not-an-organisation", "grants-kyustendil",
        "A participation whose participant is a place.",
        VIOLATION, "bgis:Participation-agent",
        f"{DRINOV}/oprchr>",
        remove=[f"{DRINOV}/oprchr> bgi:participant <id/org/ou-prof-marin-drinov-kyustendil>"],
        add=[f"{DRINOV}/oprchr> bgi:participant <id/place/kyustendil>"],
    ),
    Mutation(
        "48-participation-in-no-project", "grants-kyustendil",
        "A participation in no project.",
        VIOLATION, "bgis:Participation-project",
        f"{DRINOV}/opnoir>",
        remove=[f"{DRINOV}/opnoir> bgi:participationIn <id/project/BG05M9OP001-2.018-0031>"],
    ),
    Mutation(
        "49-role-outside-code-list", "grants-kyustendil",
        "A role that is not in the roles code list (the project then has no named beneficiary, a warning).",
        VIOLATION, "bgis:Participation-role",
        "<id/project/BG05M9OP001-2.018-0031/participation/beneficiary/obshtina-kyustendil>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/participation/beneficiary/obshtina-kyustendil> bgi:role "
            "<id/concept/roles/beneficiary>",
        ],
        add=[
            "<id/project/BG05M9OP001-2.018-0031/participation/beneficiary/obshtina-kyustendil> bgi:role "
            "<id/concept/roles/leader>",
        ],
    ),
    Mutation(
        "50-amendment-amends-an-organisation", "grants-kyustendil",
        "An amendment said to amend an organisation instead of a contract or project.",
        VIOLATION, "bgis:Amendment-amends", "<id/project/BG05M9OP001-2.018-0031/amendment/01>",
        add=[
            "<id/project/BG05M9OP001-2.018-0031/amendment/01> bgi:amends <id/org/obshtina-kyustendil>",
        ],
    ),
    Mutation(
        "51-priority-axis-of-no-programme", "grants-vidin",
        "A priority axis that belongs to no programme.",
        VIOLATION, "bgis:PriorityAxis-programme", "<id/programme/2014BG05M9OP001/axis/2>",
        remove=["<id/programme/2014BG05M9OP001/axis/2> bgi:priorityAxisOf <id/programme/2014BG05M9OP001>"],
    ),
    Mutation(
        "52-award-mode-outside-code-list", "grants-kyustendil",
        "A procedure's award mode that is not in the award-modes code list.",
        VIOLATION, "bgis:Procedure-awardMode", "<id/procedure/BG05M9OP001-2.018>",
        remove=["<id/procedure/BG05M9OP001-2.018> bgi:awardMode <id/concept/award-modes/direct-award>"],
        add=["<id/procedure/BG05M9OP001-2.018> bgi:awardMode <id/concept/award-modes/lottery>"],
    ),
    Mutation(
        "53-target-group-outside-its-scheme", "grants-kyustendil",
        "A target group put in the roles scheme instead of the target-groups scheme.",
        VIOLATION, "bgis:TargetGroup-scheme", "<id/target-group/predstaviteli-na-romskata-obshtnost>",
        remove=[
            "<id/target-group/predstaviteli-na-romskata-obshtnost> skos:inScheme <id/scheme/target-groups>",
        ],
        add=["<id/target-group/predstaviteli-na-romskata-obshtnost> skos:inScheme <id/scheme/roles>"],
    ),
    # ------------------------------------------------------------------ plan structure
    Mutation(
        "60-action-without-indicator", "plan-housing",
        "A plan action without an indicator (the indicator removed with it).",
        VIOLATION, "bgis:Action-indicator", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        remove_subject=["<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1/indicator/1>"],
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:indicator "
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1/indicator/1>",
        ],
    ),
    Mutation(
        "61-action-without-responsible", "plan-housing",
        "A plan action without a responsible institution.",
        VIOLATION, "bgis:Action-responsible", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:responsibleParty "
            "<id/org/obshtina-kyustendil>",
        ],
    ),
    Mutation(
        "62-action-without-deadline", "plan-housing",
        "A plan action without a deadline.",
        VIOLATION, "bgis:Action-deadline", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        remove=[
            '<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineStart "2022"^^xsd:gYear',
            '<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:deadlineEnd "2024"^^xsd:gYear',
        ],
    ),
    Mutation(
        "63-action-of-no-measure", "plan-housing",
        "A plan action that belongs to no measure (its measure is then left with no action and no row of "
        "its own).",
        VIOLATION, "bgis:Action-measure", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        also=[("bgis:Measure-withoutActionCarriesRow", "<id/plan/kyustendil-roma-2022-2024/housing/m1>")],
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:actionOf "
            "<id/plan/kyustendil-roma-2022-2024/housing/m1>",
        ],
    ),
    Mutation(
        "64-measure-without-action-or-indicator", "plan-housing",
        "Housing measure 5, which has no action, without the indicator of its row.",
        VIOLATION, "bgis:Measure-withoutActionCarriesRow", "<id/plan/kyustendil-roma-2022-2024/housing/m5>",
        remove_subject=["<id/plan/kyustendil-roma-2022-2024/housing/m5/indicator/1>"],
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m5> bgi:indicator "
            "<id/plan/kyustendil-roma-2022-2024/housing/m5/indicator/1>",
        ],
    ),
    Mutation(
        "65-indicator-of-nothing", "plan-housing",
        "An indicator that belongs to no measure or action.",
        VIOLATION, "bgis:Indicator-of", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1/indicator/2>",
        add=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1/indicator/2> a bgi:Indicator",
            '<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1/indicator/2> rdfs:label "Брой '
            'проекти"@bg, "Number of projects"@en',
        ],
        graph="kyustendil-roma-action-plan-2022-2024",
    ),
    Mutation(
        "66-priority-of-no-plan", "plan-housing",
        "A plan priority that belongs to no document.",
        VIOLATION, "bgis:Priority-plan", "<id/plan/kyustendil-roma-2022-2024/housing>",
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing> bgi:priorityOf <id/plan/kyustendil-roma-2022-2024>",
        ],
    ),
    Mutation(
        "67-measure-of-the-plan-itself", "plan-housing",
        "A measure attached to the plan instead of one of its priorities.",
        VIOLATION, "bgis:Measure-priority", "<id/plan/kyustendil-roma-2022-2024/housing/m1>",
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1> bgi:measureOf "
            "<id/plan/kyustendil-roma-2022-2024/housing>",
        ],
        add=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1> bgi:measureOf "
            "<id/plan/kyustendil-roma-2022-2024>",
        ],
    ),
    Mutation(
        "68-responsible-party-a-place", "plan-housing",
        "An action whose responsible party is a place, not an organisation.",
        VIOLATION, "bgis:PlanStep-responsible", "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1>",
        add=[
            "<id/plan/kyustendil-roma-2022-2024/housing/m1/a1.1> bgi:responsibleParty <id/place/kyustendil>",
        ],
    ),
    Mutation(
        "69-general-goal-without-position", "plan-housing",
        "A general goal without its position.",
        VIOLATION, "bgis:GeneralGoal-position", "<id/plan/kyustendil-roma-2022-2024/housing/goal/1>",
        remove=["<id/plan/kyustendil-roma-2022-2024/housing/goal/1> bgi:position 1"],
    ),
    Mutation(
        "70-sub-goal-of-the-plan-itself", "plan-housing",
        "A sub-goal attached to the plan instead of a priority.",
        VIOLATION, "bgis:SubGoal-priority", "<id/plan/kyustendil-roma-2022-2024/housing/sub-goal/1>",
        remove=[
            "<id/plan/kyustendil-roma-2022-2024/housing/sub-goal/1> bgi:subGoalOfPriority "
            "<id/plan/kyustendil-roma-2022-2024/housing>",
        ],
        add=[
            "<id/plan/kyustendil-roma-2022-2024/housing/sub-goal/1> bgi:subGoalOfPriority "
            "<id/plan/kyustendil-roma-2022-2024>",
        ],
    ),
    Mutation(
        "71-document-kind-outside-code-list", "plan-housing",
        "A document kind that is not in the document-kinds code list.",
        VIOLATION, "bgis:StrategicDocument-kind", "<id/plan/kyustendil-roma-2022-2024>",
        remove=[
            "<id/plan/kyustendil-roma-2022-2024> bgi:documentKind <id/concept/document-kinds/action-plan>",
        ],
        add=["<id/plan/kyustendil-roma-2022-2024> bgi:documentKind <id/concept/document-kinds/leaflet>"],
    ),
    Mutation(
        "72-decision-by-no-body", "plan-housing",
        "A council decision without the body that took it.",
        VIOLATION, "bgis:Decision-body", "<id/decision/obshtinski-savet-kyustendil/865>",
        remove=[
            "<id/decision/obshtinski-savet-kyustendil/865> bgi:decidedBy "
            "<id/org/obshtinski-savet-kyustendil>",
        ],
    ),
    # ------------------------------------------------------------------ organisations, places, statistics
    Mutation(
        "75-kind-does-not-give-class", "grants-kyustendil",
        "A municipality (class bgi:Municipality) whose kind says company.",
        VIOLATION, "bgis:KindGivesClass", "<id/org/obshtina-kyustendil>",
        remove=[
            "<id/org/obshtina-kyustendil> bgi:organisationKind <id/concept/organisation-kinds/municipality>",
        ],
        add=["<id/org/obshtina-kyustendil> bgi:organisationKind <id/concept/organisation-kinds/company>"],
    ),
    Mutation(
        "76-organisation-without-kind", "grants-kyustendil",
        "An organisation without its kind.",
        VIOLATION, "bgis:Organisation-kind", "<id/org/ou-prof-marin-drinov-kyustendil>",
        remove=[
            "<id/org/ou-prof-marin-drinov-kyustendil> bgi:organisationKind "
            "<id/concept/organisation-kinds/school-primary>",
        ],
    ),
    Mutation(
        "77-place-within-itself", "grants-kyustendil",
        "A town said to lie within itself.",
        VIOLATION, "bgis:Place-notWithinItself", "<id/place/kyustendil>",
        remove=["<id/place/kyustendil> bgi:within <id/place/obshtina-kyustendil>"],
        add=["<id/place/kyustendil> bgi:within <id/place/kyustendil>"],
    ),
    # ------------------------------------------------------------------ registry ids, NUTS regions (issue 20)
    Mutation(
        "120-registry-id-bad-check-digit", "grants-kyustendil",
        "An ЕИК/БУЛСТАТ whose ninth digit is not the check digit of the first eight.",
        VIOLATION, "bgis:RegistryIdCheckDigits", "<id/org/obshtina-kyustendil>",
        add=['<id/org/obshtina-kyustendil> bgi:registryId "000696328"'],
    ),
    Mutation(
        "121-registry-id-13-digits-bad-check-digit", "grants-kyustendil",
        "A 13-digit БУЛСТАТ whose last digit is not the check digit of digits 9-12.",
        VIOLATION, "bgis:RegistryIdCheckDigits", "<id/org/obshtina-kyustendil>",
        add=['<id/org/obshtina-kyustendil> bgi:registryId "0006963270015"'],
    ),
    Mutation(
        "122-registry-id-not-9-or-13-digits", "grants-kyustendil",
        "A registry id of 8 digits.",
        VIOLATION, "bgis:Organisation-registryId", "<id/org/obshtina-kyustendil>",
        add=['<id/org/obshtina-kyustendil> bgi:registryId "00069632"'],
    ),
    Mutation(
        "123-official-name-not-bulgarian", "grants-kyustendil",
        "An official name in English (the official name is the Bulgarian form).",
        VIOLATION, "bgis:Organisation-officialName", "<id/org/obshtina-kyustendil>",
        add=['<id/org/obshtina-kyustendil> bgi:officialName "Kyustendil Municipality"@en'],
    ),
    Mutation(
        "124-nuts-code-does-not-fit-level", "reference-nuts",
        "A NUTS-3 region (code of 5 characters) said to be of level 2.",
        VIOLATION, "bgis:NutsRegion", "<id/nuts/BG415>",
        remove=["<id/nuts/BG415> bgi:nutsLevel 3"],
        add=["<id/nuts/BG415> bgi:nutsLevel 2"],
    ),
    Mutation(
        "125-nuts-broader-not-a-prefix", "reference-nuts",
        "A NUTS-3 region whose broader region's code is not a prefix of its own.",
        VIOLATION, "bgis:NutsRegion", "<id/nuts/BG412>",
        add=["<id/nuts/BG412> skos:broader <id/nuts/BG4>"],
        remove=["<id/nuts/BG412> skos:broader <id/nuts/BG41>"],
    ),
    Mutation(
        "126-nuts-region-outside-its-scheme", "reference-nuts",
        "A NUTS region that is not in the nuts-2021 scheme.",
        VIOLATION, "bgis:NutsRegion-scheme", "<id/nuts/BG415>",
        also=[("bgis:Concept-scheme", "<id/nuts/BG415>")],
        remove=["<id/nuts/BG415> skos:inScheme <id/scheme/nuts-2021>"],
    ),
    Mutation(
        "127-place-nuts-region-not-a-region", "reference-nuts",
        "A district whose NUTS region is a place, not a NUTS region (and so no NUTS-3 region: a warning).",
        VIOLATION, "bgis:Place-nutsRegion", "<id/place/oblast-kyustendil>",
        remove=["<id/place/oblast-kyustendil> bgi:nutsRegion <id/nuts/BG415>"],
        add=["<id/place/oblast-kyustendil> bgi:nutsRegion <id/place/bulgaria>"],
    ),
    Mutation(
        "128-iso-code-malformed", "reference-nuts",
        "A district's ISO 3166-2 code without its hyphen.",
        VIOLATION, "bgis:Place-isoCode", "<id/place/oblast-kyustendil>",
        remove=['<id/place/oblast-kyustendil> bgi:iso31662Code "BG-10"'],
        add=['<id/place/oblast-kyustendil> bgi:iso31662Code "BG10"'],
    ),
    Mutation(
        "129-municipality-in-no-district", "reference-nuts",
        "A municipality's territory within no district (a warning).",
        WARNING, "bgis:MunicipalityTerritory-district", "<id/place/obshtina-kyustendil>",
        remove=["<id/place/obshtina-kyustendil> bgi:within <id/place/oblast-kyustendil>"],
    ),
    Mutation(
        "130-district-without-nuts-region", "reference-nuts",
        "A district without its NUTS-3 region (a warning).",
        WARNING, "bgis:District-nutsRegion", "<id/place/oblast-sofia>",
        remove=["<id/place/oblast-sofia> bgi:nutsRegion <id/nuts/BG412>"],
    ),
    Mutation(
        "131-kindergarten-branch-as-participant", "plan-projects",
        "A kindergarten branch as a project's participant (the partner is its kindergarten).",
        VIOLATION, "bgis:KindergartenBranch-notAParticipant",
        "<id/org/dg-mechta-kyustendil-filial-kvartal-iztok>",
        remove=[f"{INDEPENDENT_LIVING}> bgi:participant <id/org/obshtina-kyustendil>"],
        add=[f"{INDEPENDENT_LIVING}> bgi:participant <id/org/dg-mechta-kyustendil-filial-kvartal-iztok>"],
    ),
    Mutation(
        "78-kindergarten-branch-of-nothing", "plan-projects",
        "A kindergarten branch that does not name its kindergarten (a warning).",
        WARNING, "bgis:KindergartenBranch-branchOf", "<id/org/dg-mechta-kyustendil-filial-kvartal-iztok>",
        remove=[
            "<id/org/dg-mechta-kyustendil-filial-kvartal-iztok> bgi:branchOf <id/org/dg-mechta-kyustendil>",
        ],
    ),
    Mutation(
        "79-service-capacity-negative", "plan-projects",
        "A centre with a negative capacity.",
        VIOLATION, "bgis:ServiceCentre-capacity",
        "<id/service/tsentar-za-rabota-s-detsa-na-ulitsata-kyustendil>",
        remove=["<id/service/tsentar-za-rabota-s-detsa-na-ulitsata-kyustendil> bgi:capacity 20.0"],
        add=["<id/service/tsentar-za-rabota-s-detsa-na-ulitsata-kyustendil> bgi:capacity -20.0"],
    ),
    Mutation(
        "80-percentage-over-100", "plan-housing",
        "A share in percent above 100.",
        VIOLATION, "bgis:Observation-percentRange",
        "<id/statistic/kyustendil-roma-2022-2024/illegal-buildings-share-kvartal-iztok>",
        remove=[
            "<id/statistic/kyustendil-roma-2022-2024/illegal-buildings-share-kvartal-iztok> "
            "bgi:observedValue 70.0",
        ],
        add=[
            "<id/statistic/kyustendil-roma-2022-2024/illegal-buildings-share-kvartal-iztok> "
            "bgi:observedValue 170.0",
        ],
    ),
    Mutation(
        "81-unit-outside-code-list", "plan-housing",
        "An observation whose unit is not in the units code list.",
        VIOLATION, "bgis:Observation-unit",
        "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok>",
        remove=[
            "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok> bgi:unit "
            "<id/concept/units/persons>",
        ],
        add=[
            "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok> bgi:unit "
            "<id/concept/units/people>",
        ],
    ),
    Mutation(
        "82-observation-in-no-dataset", "plan-housing",
        "An observation in no dataset.",
        VIOLATION, "bgis:Observation-dataset",
        "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok>",
        remove=[
            "<id/statistic/kyustendil-roma-2022-2024/roma-population-kvartal-iztok> qb:dataSet "
            "<id/dataset/kyustendil-roma-action-plan-2022-2024-statistics>",
        ],
    ),
    # ------------------------------------------------------------------ labels
    Mutation(
        "85-missing-label", "grants-vidin",
        "An activity without a label in Bulgarian or English.",
        VIOLATION, "bgis:Label-any", "<id/project/BG05M9OP001-2.056-0025/activity/1>",
        remove=[
            '<id/project/BG05M9OP001-2.056-0025/activity/1> rdfs:label "Активиране на неактивни лица и '
            'трудова медиация"@bg',
            '<id/project/BG05M9OP001-2.056-0025/activity/1> rdfs:label '
            '"Activation of inactive persons and job mediation"@en',
        ],
    ),
    Mutation(
        "86-missing-en-label", "grants-vidin",
        "An activity without its English label (a warning).",
        WARNING, "bgis:Label-en", "<id/project/BG05M9OP001-2.056-0025/activity/8>",
        remove=[
            '<id/project/BG05M9OP001-2.056-0025/activity/8> rdfs:label "Additional Bulgarian-language '
            'tuition for children and pupils from vulnerable groups"@en',
        ],
    ),
    Mutation(
        "87-label-without-language-tag", "grants-vidin",
        "A label without a language tag.",
        VIOLATION, "bgis:Label-languageTagged", "<id/project/BG05M9OP001-2.056-0025/activity/1>",
        add=['<id/project/BG05M9OP001-2.056-0025/activity/1> rdfs:label "Activation of inactive persons"'],
    ),
    # ------------------------------------------------------------------ provenance
    Mutation(
        "90-record-without-source", "grants-vidin",
        "A record that does not name its source document.",
        VIOLATION, "bgis:Record-source", "<id/project/BG05M9OP001-2.056-0025/activity/1>",
        remove=[
            "<id/project/BG05M9OP001-2.056-0025/activity/1> dcterms:source "
            "<id/source/vidin-integrated-approach>",
        ],
    ),
    Mutation(
        "91-record-without-lines", "grants-vidin",
        "A record that does not cite its lines.",
        VIOLATION, "bgis:Record-statedAt", "<id/project/BG05M9OP001-2.056-0025/activity/1>",
        remove=[
            "<id/project/BG05M9OP001-2.056-0025/activity/1> bgi:statedAt "
            "<id/source/vidin-integrated-approach#line=20,21>",
        ],
    ),
    Mutation(
        "92-resource-only-in-inferred-graph", "grants-vidin",
        "A resource stated only in the inferred graph, in no source graph.",
        VIOLATION, "bgis:StatedInSourceGraph", "<id/project/BG05M9OP001-2.056-0025/activity/99>",
        add=[
            "<id/project/BG05M9OP001-2.056-0025/activity/99> bgi:activityOf "
            "<id/project/BG05M9OP001-2.056-0025>",
        ],
        graph="inferred",
    ),
    Mutation(
        "93-record-in-another-source-graph", "grants-kyustendil",
        "A record that names as its source a document whose graph does not describe it.",
        VIOLATION, "bgis:Record-inItsSourceGraph", "<id/project/BG05M9OP001-2.018-0031/activity/1>",
        remove=[
            "<id/project/BG05M9OP001-2.018-0031/activity/1> dcterms:source "
            "<id/source/kyustendil-equal-opportunities>",
        ],
        add=["<id/project/BG05M9OP001-2.018-0031/activity/1> dcterms:source <id/source/curation>"],
    ),
    Mutation(
        "94-location-lines-disagree-with-fragment", "grants-vidin",
        "A source location whose last line disagrees with its",
        VIOLATION, "bgis:SourceLocation-fragment", "<id/source/vidin-integrated-approach#line=20,21>",
        remove=["<id/source/vidin-integrated-approach#line=20,21> bgi:lineEnd 21"],
        add=["<id/source/vidin-integrated-approach#line=20,21> bgi:lineEnd 25"],
    ),
    Mutation(
        "95-two-current-readings", "grants-kyustendil",
        "Both readings of a disagreement marked current.",
        VIOLATION, "bgis:Disagreement-oneCurrentReading",
        "<id/disagreement/bg05m9op001-2-018-0031-total-value>",
        remove=["<id/disagreement/bg05m9op001-2-018-0031-total-value/reading/1> bgi:isCurrent false"],
        add=["<id/disagreement/bg05m9op001-2-018-0031-total-value/reading/1> bgi:isCurrent true"],
    ),
    Mutation(
        "96-reading-without-document", "grants-kyustendil",
        "A reading that does not name the document that states it.",
        VIOLATION, "bgis:Reading-statedIn", "<id/disagreement/bg05m9op001-2-018-0031-total-value/reading/2>",
        remove=[
            "<id/disagreement/bg05m9op001-2-018-0031-total-value/reading/2> bgi:statedIn "
            "<id/source/kyustendil-equal-opportunities>",
        ],
    ),
    Mutation(
        "97-sha256-upper-case", "grants-vidin",
        "A source checksum in upper-case hexadecimal.",
        VIOLATION, "bgis:SourceDocument-sha256", "<id/source/vidin-integrated-approach>",
        remove=[
            "<id/source/vidin-integrated-approach> bgi:sha256 "
            '"db665fb0313e4d52abe7485b962a96ef21badb37ab3ecf72802bce23f170c2f2"',
        ],
        add=[
            "<id/source/vidin-integrated-approach> bgi:sha256 "
            '"DB665FB0313E4D52ABE7485B962A96EF21BADB37AB3ECF72802BCE23F170C2F2"',
        ],
    ),
    Mutation(
        "98-review-flag-not-english", "plan-projects",
        "A review flag in Bulgarian (flags are English notes \"field: reason\").",
        VIOLATION, "bgis:ReviewFlag", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        add=['<id/project/BG05M9OP001-2.002-0131/amount/total> bgi:reviewFlag "value: неясна сума"@bg'],
    ),
    Mutation(
        "99-amount-without-value-or-review", "plan-projects",
        "An amount with no value and no review flag saying why (its EUR equivalent dropped).",
        VIOLATION, "bgis:Amount-valueOrReview", "<id/project/BG05M9OP001-2.002-0131/amount/total>",
        remove_subject=["<id/project/BG05M9OP001-2.002-0131/amount/total/eur>"],
        remove=[
            "<id/project/BG05M9OP001-2.002-0131/amount/total> schema:value 499339.97",
            "<id/project/BG05M9OP001-2.002-0131/amount/total> bgi:eurEquivalent "
            "<id/project/BG05M9OP001-2.002-0131/amount/total/eur>",
        ],
    ),
    Mutation(
        "100-year-inferred-not-boolean", "plan-projects",
        "An inferred-year mark that is not a boolean.",
        VIOLATION, "bgis:YearInferred", "<id/project/BG05M9OP001-2.002-0131>",
        add=['<id/project/BG05M9OP001-2.002-0131> bgi:yearInferred "yes"'],
    ),
    Mutation(
        "101-corrected-identifier-not-kept-as-written", "plan-projects",
        "An identifier marked as corrected by the curator whose written form is not kept.",
        VIOLATION, "bgis:IdentifierCorrectedByCurator-asWritten", "<id/contract/BG05M9OP001-2.002-0131-C01>",
        remove=['<id/contract/BG05M9OP001-2.002-0131-C01> bgi:identifierAsWritten '
                '"BG05M9OP001-2.002-0131-С001"'],
        add=["<id/contract/BG05M9OP001-2.002-0131-C01> bgi:identifierCorrectedByCurator true"],
    ),
    Mutation(
        "102-start-date-day-without-year-typed-as-string", "plan-projects",
        "A day without a year written as a plain string instead of an xsd:gMonthDay.",
        VIOLATION, "bgis:Project-startDate", "<id/project/BG05M9OP001-2.002-0131>",
        remove=["<id/project/BG05M9OP001-2.002-0131> bgi:startDate \"2016-02\"^^xsd:gYearMonth"],
        add=['<id/project/BG05M9OP001-2.002-0131> bgi:startDate "--09-15"'],
    ),
    # Amendments, lifecycle, roles, decisions, events, statistics (issue 20).
    Mutation(
        "c01-amount-without-is-current", "grants-kyustendil",
        "An amount that does not say whether it is current.",
        VIOLATION, "bgis:Amount-isCurrent", TOTAL_AFTER + ">",
        remove=[TOTAL_AFTER + "> bgi:isCurrent true"],
    ),
    Mutation(
        "c02-direction-on-a-total", "grants-kyustendil",
        "A direction (increase) on an amount that is not a budget change.",
        VIOLATION, "bgis:Amount-changeHasDirection", TOTAL_AFTER + ">",
        add=[TOTAL_AFTER + "> bgi:changeDirection <id/concept/change-directions/increase>"],
    ),
    Mutation(
        "c03-change-without-direction", "grants-kyustendil",
        "A budget change (component change) that gives no direction.",
        VIOLATION, "bgis:Amount-changeHasDirection", TOTAL_AFTER + ">",
        remove=[TOTAL_AFTER + "> bgi:budgetComponent <id/concept/budget-components/total>"],
        add=[TOTAL_AFTER + "> bgi:budgetComponent <id/concept/budget-components/change>"],
    ),
    Mutation(
        "c04-unknown-change-direction", "grants-kyustendil",
        "A budget change whose direction is not in the change-directions code list.",
        VIOLATION, "bgis:Amount-direction", TOTAL_AFTER + ">",
        remove=[TOTAL_AFTER + "> bgi:budgetComponent <id/concept/budget-components/total>"],
        add=[TOTAL_AFTER + "> bgi:budgetComponent <id/concept/budget-components/change>",
             TOTAL_AFTER + "> bgi:changeDirection <id/concept/change-directions/sideways>"],
    ),
    Mutation(
        "c05-amendment-without-amends", "grants-kyustendil",
        "An amendment that amends nothing.",
        VIOLATION, "bgis:Amendment-amends", AMENDMENT,
        remove=[AMENDMENT + " bgi:amends <id/contract/BG05M9OP001-2.018-0031-C01>",
                AMENDMENT + " bgi:amends <id/contract/BG05M9OP001-2.018-0031-2014BG05M2OP001-C01>"],
    ),
    Mutation(
        "c06-amendment-signed-twice", "grants-kyustendil",
        "An amendment with two signing dates.",
        VIOLATION, "bgis:Amendment-signingDate", AMENDMENT,
        add=['<id/project/BG05M9OP001-2.018-0031/amendment/01> bgi:signingDate "2020-01-10"^^xsd:date',
             '<id/project/BG05M9OP001-2.018-0031/amendment/01> bgi:signingDate "2020-02-10"^^xsd:date'],
    ),
    Mutation(
        "c07-component-change-to-the-same-component", "grants-kyustendil",
        "An amendment that moves the project from a component to the same component.",
        VIOLATION, "bgis:Amendment-componentChange", AMENDMENT,
        also=[("bgis:Amendment-componentBefore", AMENDMENT),
              ("bgis:Amendment-componentAfter", AMENDMENT)],
        add=[AMENDMENT + " bgi:componentBefore <id/procedure/BG05M9OP001-2.018>",
             AMENDMENT + " bgi:componentAfter <id/procedure/BG05M9OP001-2.018>"],
    ),
    Mutation(
        "c08-contract-signing-date-not-a-date", "grants-kyustendil",
        "A contract signing date that is a string, not a date.",
        VIOLATION, "bgis:GrantContract-signingDate", "<id/contract/BG05M9OP001-2.018-0031-C01>",
        add=['<id/contract/BG05M9OP001-2.018-0031-C01> bgi:signingDate "10 януари"'],
    ),
    Mutation(
        "c09-unknown-project-status", "grants-kyustendil",
        "A project status that is not in the project-statuses code list.",
        VIOLATION, "bgis:Project-status", "<id/project/BG05M9OP001-2.018-0031>",
        add=["<id/project/BG05M9OP001-2.018-0031> bgi:projectStatus <id/concept/project-statuses/dreaming>"],
    ),
    Mutation(
        "c10-status-date-without-status", "grants-kyustendil",
        "A project status date without the status it dates.",
        VIOLATION, "bgis:Project-statusDateNeedsStatus", "<id/project/BG05M9OP001-2.018-0031>",
        add=['<id/project/BG05M9OP001-2.018-0031> bgi:statusDate "2019-09-01"^^xsd:date'],
    ),
    Mutation(
        "c11-inferred-associated-partner", "grants-kyustendil",
        "A participation whose role is inferred but is neither beneficiary, partner nor participant.",
        VIOLATION, "bgis:Participation-inferredRole", DRINOV + "/opnoir>",
        remove=[DRINOV + "/opnoir> bgi:role <id/concept/roles/partner>"],
        add=[DRINOV + "/opnoir> bgi:role <id/concept/roles/associated-partner>",
             DRINOV + "/opnoir> bgi:roleBasis <id/concept/role-bases/inferred-from-title>"],
    ),
    Mutation(
        "c12-unknown-partnership-strand", "grants-kyustendil",
        "A participation whose strand is not in the partnership-strands code list.",
        VIOLATION, "bgis:Participation-strand", DRINOV + "/opnoir>",
        add=[DRINOV + "/opnoir> bgi:partnershipStrand <id/concept/partnership-strands/intergalactic>"],
    ),
    Mutation(
        "c13-negative-votes", "plan-housing",
        "A decision with a negative number of votes for.",
        VIOLATION, "bgis:Decision-votesFor", "<id/decision/obshtinski-savet-kyustendil/865>",
        add=["<id/decision/obshtinski-savet-kyustendil/865> bgi:votesFor -3.0"],
    ),
    Mutation(
        "c14-decision-signed-by-an-organisation", "plan-housing",
        "A decision signed by an organisation instead of a person.",
        VIOLATION, "bgis:Decision-signedBy", "<id/decision/obshtinski-savet-kyustendil/865>",
        add=["<id/decision/obshtinski-savet-kyustendil/865> bgi:signedBy <id/org/obshtina-kyustendil>"],
    ),
    Mutation(
        "c15-event-without-name", "grants-kyustendil",
        "An event of the project that has no name.",
        VIOLATION, "bgis:Event-name", "<id/event/kyustendil-equal-opportunities/1>",
        add=["<id/event/kyustendil-equal-opportunities/1> a bgi:Event",
             "<id/event/kyustendil-equal-opportunities/1> bgi:eventOf <id/project/BG05M9OP001-2.018-0031>"],
        graph="kyustendil-equal-opportunities",
    ),
    Mutation(
        "c16-school-year-not-a-school-year", "plan-housing",
        "An observation whose school year is not written YYYY/YYYY.",
        VIOLATION, "bgis:Observation-schoolYear",
        ROMA_POPULATION,
        add=[ROMA_POPULATION + ' bgi:schoolYear "2022-2023"'],
    ),
    Mutation(
        "c17-measure-outside-its-scheme", "plan-housing",
        "An observation whose measured quantity is not a concept of the measured-quantities scheme.",
        VIOLATION, "bgis:Observation-measure",
        ROMA_POPULATION,
        add=[ROMA_POPULATION + " bgi:measuredQuantity "
             "<id/concept/units/persons>"],
    ),
    Mutation(
        "c18-unknown-governance-level", "plan-housing",
        "A strategic document whose governance level is not in the code list.",
        VIOLATION, "bgis:StrategicDocument-level", "<id/plan/kyustendil-roma-2022-2024>",
        remove=[PLAN + " bgi:governanceLevel <id/concept/governance-levels/municipal>"],
        add=[PLAN + " bgi:governanceLevel <id/concept/governance-levels/galactic>"],
    ),
    Mutation(
        "c19-aggregate-both-sum-and-count", "aggregates",
        "An aggregate observation that is both a sum and a count.",
        VIOLATION, "bgis:AggregateObservation", AGGREGATE_AMOUNT,
        add=[AGGREGATE_AMOUNT + " bgi:projectCount 3"],
    ),
    Mutation(
        "c20-aggregate-year-not-a-year", "aggregates",
        "An aggregate observation whose year is a plain string, not an xsd:gYear.",
        VIOLATION, "bgis:AggregateObservation-ofYear", AGGREGATE_COUNT,
        remove=[AGGREGATE_COUNT + ' bgi:ofYear "2022"^^xsd:gYear'],
        add=[AGGREGATE_COUNT + ' bgi:ofYear "2022"'],
    ),
]
