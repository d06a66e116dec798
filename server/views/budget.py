"""The budget of a project or a programme on its Linked Data page: tables, and charts over them.

One SPARQL query per page reads the amounts (``bgi:amountOf`` the project, or
``bgi:underProgramme`` the programme), grouped by budget component, currency, programme, fund,
whether the amount is current (no ``bgi:isCurrent false``) and whether it has a value. Only the
current amounts with a value and a currency are shown; the others are counted in a note. Sums
never add different currencies: every row is one component (and source) in one currency.

* **by component**: the sum of each ``bgi:budgetComponent`` per currency;
* **by source**: the same per programme and fund (amounts stating neither are left out), each
  component apart, since a programme's total and its EU and national shares overlap.

The page shows both as tables (useful without JavaScript); server/static/budget-chart.js draws
a Chart.js chart above each from the table's data attributes when Chart.js is installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.util import from_n3

from kg.records import iris

BGI = str(iris.BGI)
SCHEMA = "http://schema.org/"
#: The components in the order a reader expects them: the whole, its parts, the rest.
COMPONENT_ORDER = ("total", "grant", "programme-total", "eu-share", "national-share",
                   "self-financing", "direct", "indirect", "programme-direct", "cost-item", "paid")
COMPONENTS = "https://w3id.org/bg-inclusion/id/concept/budget-components/"

QUERY = """PREFIX bgi: <{bgi}>
PREFIX schema: <{schema}>
SELECT ?component ?currency ?programme ?fund ?current ?valued (SUM(?value) AS ?sum)
       (COUNT(?amount) AS ?amounts)
WHERE {{
  ?amount bgi:{link} <{iri}> ;
          bgi:budgetComponent ?component .
  OPTIONAL {{ ?amount schema:value ?given }}
  OPTIONAL {{ ?amount schema:currency ?currency }}
  OPTIONAL {{ ?amount bgi:underProgramme ?programme }}
  OPTIONAL {{ ?amount bgi:fromFund ?fund }}
  BIND (NOT EXISTS {{ ?amount bgi:isCurrent false }} AS ?current)
  BIND (BOUND(?given) AS ?valued)
  BIND (COALESCE(?given, 0) AS ?value)
}}
GROUP BY ?component ?currency ?programme ?fund ?current ?valued"""


@dataclass
class BudgetRow:
    """One bar: an amount of one component (from one source) in one currency."""

    component: str  # its notation, e.g. eu-share
    component_label: str
    currency: str
    amount: Decimal
    amounts: int  # how many amounts were added up
    source: str = ""  # programme · fund, for the table by source
    source_href: str | None = None

    @property
    def shown(self) -> str:
        """The amount with a space between thousands: 1 032 658.75."""
        return f"{self.amount:,.2f}".replace(",", "\u202f")

    @property
    def value(self) -> str:
        """The amount for the chart (a plain decimal)."""
        return format(self.amount, "f")


@dataclass
class Budget:
    kind: str  # "project" or "programme"
    by_component: list[BudgetRow] = field(default_factory=list)
    by_source: list[BudgetRow] = field(default_factory=list)
    superseded: int = 0  # amounts with bgi:isCurrent false
    incomplete: int = 0  # current amounts without a value or a currency

    @property
    def currencies(self) -> list[str]:
        return sorted({row.currency for row in self.by_component})


def _term(text: str | None):
    return None if text is None else from_n3(text)


def _decimal(term) -> Decimal | None:
    try:
        return Decimal(str(term)) if isinstance(term, Literal) else None
    except InvalidOperation:
        return None


def _order(notation: str) -> tuple[int, str]:
    return (COMPONENT_ORDER.index(notation) if notation in COMPONENT_ORDER else len(COMPONENT_ORDER),
            notation)


def kind_of(store, iri: str) -> str | None:
    """"project" or "programme" when the resource is a bgi:Project or a bgi:Programme."""
    for kind, cls in (("project", "Project"), ("programme", "Programme")):
        if store.query(f"ASK {{ <{iri}> a <{BGI}{cls}> }}").rows() == [("true",)]:
            return kind
    return None


def budget_of(store, iri: str, labels) -> Budget | None:
    """The budget of a project or programme, None for other resources or when nothing has a
    current value in a currency. ``labels(iris)`` gives the Bulgarian label of each IRI."""
    kind = kind_of(store, iri)
    if kind is None:
        return None
    link = "amountOf" if kind == "project" else "underProgramme"
    rows = store.query(QUERY.format(bgi=BGI, schema=SCHEMA, link=link, iri=iri)).rows()
    budget = Budget(kind)
    # (component, currency) and (programme, fund, component, currency) -> [sum, count]
    components: dict[tuple[str, str], list] = {}
    sources: dict[tuple[str, str, str, str], list] = {}
    for component, currency, programme, fund, current, valued, total, count in rows:
        number = int(str(_term(count)))
        if str(_term(current)) != "true":
            budget.superseded += number
            continue
        amount = _decimal(_term(total))
        if currency is None or str(_term(valued)) != "true" or amount is None:
            budget.incomplete += number
            continue
        key = (str(_term(component)), str(_term(currency)))
        slot = components.setdefault(key, [Decimal(0), 0])
        slot[0] += amount
        slot[1] += number
        if programme is not None or fund is not None:
            where = (str(_term(programme)) if programme else "", str(_term(fund)) if fund else "")
            slot = sources.setdefault((*where, *key), [Decimal(0), 0])
            slot[0] += amount
            slot[1] += number
    if not components:
        return budget if budget.superseded or budget.incomplete else None
    named = labels(sorted({key[0] for key in components}
                          | {part for key in sources for part in key[:2] if part}))

    def component_label(component: str) -> str:
        return named.get(component, component.rsplit("/", 1)[-1])

    def notation(component: str) -> str:
        return component[len(COMPONENTS):] if component.startswith(COMPONENTS) else component

    for (component, currency), (amount, count) in sorted(
            components.items(), key=lambda item: (_order(notation(item[0][0])), item[0][1])):
        budget.by_component.append(BudgetRow(notation(component), component_label(component),
                                             currency, amount, count))
    for (programme, fund, component, currency), (amount, count) in sorted(
            sources.items(), key=lambda item: (item[0][0], item[0][1], _order(notation(item[0][2])),
                                               item[0][3])):
        source = " · ".join(named.get(part, part.rsplit("/", 1)[-1]) for part in (programme, fund) if part)
        href = programme or fund
        budget.by_source.append(BudgetRow(
            notation(component), component_label(component), currency, amount, count, source,
            "/id/" + href[len(str(iris.ID)):] if href.startswith(str(iris.ID)) else None))
    return budget
