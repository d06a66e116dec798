"""Materialised aggregates: the totals researchers ask for, computed once at build time.

The graph ``graph/aggregates`` is a Data Cube (decision 0023; docs/model.md, "Aggregates"): one
``qb:DataSet`` per breakdown (all projects, per project, programme, procedure, beneficiary kind,
municipality, district, NUTS region, start year), all of the structure
``bgi:aggregateStructure``. A breakdown has two kinds of observation:

* *amounts*: the breakdown's value, ``bgi:ofBudgetComponent`` and ``bgi:inCurrency`` (left out
  for amounts stated without a currency: they are never added to BGN or EUR) ->
  ``bgi:amountSum`` (the sum of the current amounts, ``bgi:isCurrent true``) and
  ``bgi:amountCount`` (how many amounts were added);
* *counts*: the breakdown's value -> ``bgi:projectCount``, ``bgi:partnerCount`` (partner
  participations: distinct project and partner organisation pairs) and ``bgi:activityCount``.

The streaming build (kg/release/build_stream.py) collects, in its map workers, the few triples
the aggregates need (:func:`collect`, a tee on each record's triples: a project's amounts,
participations and places may come from other files than the project) and the parent computes
the observations in one pass over them (:func:`aggregate_lines`), written as one more sorted
part: so they go through the same merge, store, union and validation as every other graph.
Nothing is entailed from them. The rdflib reference (kg/reason/owlrl_reference.py) computes
them the same way from its mapped graphs. Each aggregate equals a plain SPARQL query over the union graph
(tests/test_aggregates.py, on the bundled graph and on a synthetic one).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS, XSD

from kg.records import iris

BGI, QB, SCHEMA = iris.BGI, iris.QB, iris.SCHEMA
AGGREGATES_GRAPH = iris.AGGREGATES_GRAPH
STRUCTURE = BGI.aggregateStructure
ROLE_BENEFICIARY = str(iris.concept("roles", "beneficiary"))
ROLE_PARTNER = str(iris.concept("roles", "partner"))

#: The predicates the aggregates read, each with its short key in the facts.
PREDICATES = {
    str(BGI.amountOf): "amountOf", str(BGI.isCurrent): "current", str(BGI.budgetComponent): "component",
    str(SCHEMA.value): "value", str(SCHEMA.currency): "currency", str(BGI.underProgramme): "programme",
    str(BGI.underProcedure): "procedure", str(BGI.participationIn): "participationIn",
    str(BGI.participant): "participant", str(BGI.role): "role", str(BGI.organisationKind): "kind",
    str(BGI.place): "place", str(BGI.within): "within", str(BGI.nutsRegion): "nuts",
    str(SKOS.broader): "broader", str(BGI.activityOf): "activityOf", str(BGI.startDate): "start",
}
#: The classes the aggregates need to know (``rdf:type`` triples of other classes are not kept).
CLASSES = {str(BGI.Project): "Project", str(BGI.MunicipalityTerritory): "MunicipalityTerritory",
           str(BGI.District): "District"}
_TYPE = str(RDF.type)

#: Breakdown slug -> (dimension property, bg label, en label). ``all`` has no dimension.
BREAKDOWNS: dict[str, tuple[URIRef | None, str, str]] = {
    "all": (None, "всички проекти", "all projects"),
    "project": (BGI.ofProject, "по проекти", "by project"),
    "programme": (BGI.ofProgramme, "по програми", "by programme"),
    "procedure": (BGI.ofProcedure, "по процедури", "by procedure"),
    "beneficiary-kind": (BGI.ofBeneficiaryKind, "по вид на бенефициента", "by kind of beneficiary"),
    "municipality": (BGI.ofMunicipality, "по общини", "by municipality"),
    "district": (BGI.ofDistrict, "по области", "by district"),
    "nuts-region": (BGI.ofNutsRegion, "по региони по NUTS (всички нива)", "by NUTS region (every level)"),
    "year": (BGI.ofYear, "по година на начало на проекта", "by the year the project starts"),
}
#: Breakdowns with amount observations only (a per-project count would repeat the project).
AMOUNTS_ONLY = frozenset({"project"})

Facts = dict[str, dict[str, set[str]]]


def collect(triples: Iterable[tuple], facts: Facts) -> Iterator[tuple]:
    """Yield ``triples`` unchanged, keeping in ``facts`` (subject -> key -> objects) the ones the
    aggregates read. Objects are kept as text: an IRI, or a literal's lexical form."""
    predicates, classes = PREDICATES, CLASSES
    for triple in triples:
        predicate = str(triple[1])
        if predicate == _TYPE:
            key = classes.get(str(triple[2]))
            if key is not None:
                facts.setdefault(str(triple[0]), {}).setdefault("type", set()).add(key)
        else:
            key = predicates.get(predicate)
            if key is not None:
                facts.setdefault(str(triple[0]), {}).setdefault(key, set()).add(str(triple[2]))
        yield triple


def merge(into: Facts, facts: Facts) -> None:
    """Add one file's facts to those of every file (the same subject may be in several)."""
    for subject, values in facts.items():
        known = into.get(subject)
        if known is None:
            into[subject] = values
            continue
        for key, objects in values.items():
            known.setdefault(key, set()).update(objects)


def _closure(start: set[str], facts: Facts, key: str) -> set[str]:
    """``start`` and everything reached from it by ``key`` (zero or more steps)."""
    seen = set(start)
    todo = list(start)
    while todo:
        for reached in facts.get(todo.pop(), {}).get(key, ()):
            if reached not in seen:
                seen.add(reached)
                todo.append(reached)
    return seen


def _project_dimensions(project: str, values: dict[str, set[str]], facts: Facts,
                        beneficiary_kinds: dict[str, set[str]]) -> dict[str, set[str]]:
    """The values each breakdown gives one project (a set: a project may have several)."""
    places = _closure(values.get("place", set()), facts, "within")
    typed = {place: facts.get(place, {}).get("type", set()) for place in places}
    districts = {place for place, types in typed.items() if "District" in types}
    regions: set[str] = set()
    for district in districts:
        regions |= _closure(facts[district].get("nuts", set()), facts, "broader")
    return {
        "all": {""},
        "project": {project},
        "programme": values.get("programme", set()),
        "procedure": values.get("procedure", set()),
        "beneficiary-kind": beneficiary_kinds.get(project, set()),
        "municipality": {place for place, types in typed.items() if "MunicipalityTerritory" in types},
        "district": districts,
        "nuts-region": regions,
        "year": {start[:4] for start in values.get("start", ())},
    }


def compute(facts: Facts) -> tuple[dict, dict]:
    """(amounts, counts): ``amounts[(breakdown, value, component, currency)] = [sum, n]`` and
    ``counts[(breakdown, value)] = [projects, partner participations, activities]``."""
    projects = {subject for subject, values in facts.items() if "Project" in values.get("type", ())}
    beneficiary_kinds: dict[str, set[str]] = defaultdict(set)
    partners: dict[str, set[str]] = defaultdict(set)
    activities: dict[str, set[str]] = defaultdict(set)
    amounts_of: dict[str, list[str]] = defaultdict(list)
    for subject, values in facts.items():
        for project in values.get("participationIn", ()):
            roles = values.get("role", set())
            if ROLE_PARTNER in roles:
                partners[project] |= values.get("participant", set())
            if ROLE_BENEFICIARY in roles:
                for agent in values.get("participant", ()):
                    beneficiary_kinds[project] |= facts.get(agent, {}).get("kind", set())
        for project in values.get("activityOf", ()):
            activities[project].add(subject)
        if "true" in values.get("current", ()):
            for project in values.get("amountOf", ()):
                amounts_of[project].append(subject)
    amounts: dict[tuple, list] = {}
    counts: dict[tuple, list] = {}
    for project in sorted(projects):
        values = facts[project]
        dimensions = _project_dimensions(project, values, facts, beneficiary_kinds)
        for breakdown, keys in dimensions.items():
            if breakdown in AMOUNTS_ONLY:
                continue
            for key in keys:
                tally = counts.setdefault((breakdown, key), [0, 0, 0])
                tally[0] += 1
                tally[1] += len(partners.get(project, ()))
                tally[2] += len(activities.get(project, ()))
        for amount in amounts_of.get(project, ()):
            facts_of = facts[amount]
            scoped = facts_of.get("programme")
            for component in facts_of.get("component", ()):
                for currency in facts_of.get("currency") or {""}:
                    for value in facts_of.get("value", ()):
                        number = Decimal(value)
                        for breakdown, keys in dimensions.items():
                            if breakdown == "programme" and scoped:
                                keys = scoped  # an amount the document scopes to a programme
                            for key in keys:
                                tally = amounts.setdefault((breakdown, key, component, currency),
                                                           [Decimal(0), 0])
                                tally[0] += number
                                tally[1] += 1
    return amounts, counts


def _decimal(number: Decimal) -> Literal:
    """The canonical form with a decimal point ("1101870.0", "385593.6"): Turtle writers abbreviate
    a decimal to its bare lexical form, which without a point would read back as an integer."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0")
    else:
        text += "."
    return Literal(text + ("0" if text.endswith(".") else ""), datatype=XSD.decimal)


def _integer(number: int) -> Literal:
    return Literal(str(number), datatype=XSD.integer)


def _dimension_value(breakdown: str, key: str) -> URIRef | Literal:
    return Literal(key, datatype=XSD.gYear) if breakdown == "year" else URIRef(key)


def _observation(breakdown: str, kind: str, key: tuple) -> URIRef:
    digest = hashlib.sha1("\x1f".join(key).encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{iris.ID}aggregate/{breakdown}/{kind}-{digest}")


def dataset(breakdown: str) -> URIRef:
    return URIRef(f"{iris.ID}aggregate/{breakdown}")


def aggregate_triples(facts: Facts) -> Iterator[tuple]:
    """The triples of the aggregates graph: the data sets and their observations."""
    amounts, counts = compute(facts)
    for breakdown, (_dimension, bg, en) in BREAKDOWNS.items():
        node = dataset(breakdown)
        yield node, RDF.type, BGI.AggregateDataset  # a qb:DataSet (the ontology; not entailed here)
        yield node, QB.structure, STRUCTURE
        yield node, RDFS.label, Literal(f"Суми и брой {bg}", lang="bg")
        yield node, RDFS.label, Literal(f"Totals and counts {en}", lang="en")
    for (breakdown, key, component, currency), (total, number) in amounts.items():
        node = _observation(breakdown, "amount", (key, component, currency))
        yield from _observation_head(node, breakdown, key)
        yield node, BGI.ofBudgetComponent, URIRef(component)
        if currency:
            yield node, BGI.inCurrency, Literal(currency)
        yield node, BGI.amountSum, _decimal(total)
        yield node, BGI.amountCount, _integer(number)
    for (breakdown, key), (projects, partners, activities) in counts.items():
        node = _observation(breakdown, "count", (key,))
        yield from _observation_head(node, breakdown, key)
        yield node, BGI.projectCount, _integer(projects)
        yield node, BGI.partnerCount, _integer(partners)
        yield node, BGI.activityCount, _integer(activities)


def _observation_head(node: URIRef, breakdown: str, key: str) -> Iterator[tuple]:
    yield node, RDF.type, BGI.AggregateObservation  # a qb:Observation, as bgi:Observation is
    yield node, QB.dataSet, dataset(breakdown)
    dimension = BREAKDOWNS[breakdown][0]
    if dimension is not None:
        yield node, dimension, _dimension_value(breakdown, key)


def aggregate_lines(facts: Facts, quad: Callable[[tuple, str], str]) -> list[str]:
    """The aggregates graph as N-Quads lines, ``quad(triple, graph_text)`` making each."""
    graph = AGGREGATES_GRAPH.n3()
    return [quad(triple, graph) for triple in aggregate_triples(facts)]
