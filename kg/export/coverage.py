"""What the data covers, computed from the data: the period and the municipalities.

Temporal coverage is the span from the earliest start to the latest end among the dates of
the projects (start, end, end after an amendment) and of the action plans and their items
(period, deadlines), a plan being a document the data details priority by priority. Documents
the data only mentions (a national strategy 2012-2020) do not
count: their periods are what those documents cover, not what this dataset describes. Each
bound keeps the precision the document gives (a year stays an ``xsd:gYear``).

Spatial coverage is Bulgaria and every municipality territory (``bgi:MunicipalityTerritory``)
in the data, with their labels.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.records.iris import BGI

COUNTRY_BULGARIA = URIRef("http://publications.europa.eu/resource/authority/country/BGR")
SUBJECT_CLASSES = (BGI.Project, BGI.ActionPlan, BGI.PlanItem, BGI.Measure, BGI.Action)
START_PROPERTIES = (BGI.startDate, BGI.periodStart, BGI.deadlineStart)
END_PROPERTIES = (BGI.endDate, BGI.newEndDate, BGI.periodEnd, BGI.deadlineEnd)


@dataclass(frozen=True)
class Coverage:
    start: Literal | None
    end: Literal | None
    municipalities: tuple[tuple[URIRef, tuple[Literal, ...]], ...]


def _bounds(value: Literal) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """The first and last day a date, year-month or year literal stands for."""
    text = str(value)
    try:
        if value.datatype == XSD.date:
            year, month, day = (int(part) for part in text[:10].split("-"))
            return (year, month, day), (year, month, day)
        if value.datatype == XSD.gYearMonth:
            year, month = (int(part) for part in text[:7].split("-"))
            return (year, month, 1), (year, month, calendar.monthrange(year, month)[1])
        if value.datatype == XSD.gYear:
            year = int(text[:4])
            return (year, 1, 1), (year, 12, 31)
    except ValueError:
        return None
    return None


def _subjects(graph: Graph) -> set:
    """Projects, plan items, and the plans the data details (those with priorities of their own)."""
    detailed_plans = set(graph.objects(None, BGI.priorityOf))
    return {subject for cls in SUBJECT_CLASSES for subject in graph.subjects(RDF.type, cls)} | detailed_plans


def temporal_bounds(graph: Graph) -> tuple[Literal | None, Literal | None]:
    """The earliest start and the latest end literal among the projects' and plans' dates."""
    subjects = _subjects(graph)
    starts = [(bounds[0], str(value.datatype), value) for prop in START_PROPERTIES
              for subject in subjects for value in graph.objects(subject, prop)
              if isinstance(value, Literal) and (bounds := _bounds(value))]
    ends = [(bounds[1], str(value.datatype), value) for prop in END_PROPERTIES
            for subject in subjects for value in graph.objects(subject, prop)
            if isinstance(value, Literal) and (bounds := _bounds(value))]
    start = min(starts, key=lambda item: (item[0], item[1]))[2] if starts else None
    end = max(ends, key=lambda item: (item[0], item[1]))[2] if ends else None
    return start, end


def municipalities(graph: Graph) -> tuple[tuple[URIRef, tuple[Literal, ...]], ...]:
    places = sorted(subject for subject in graph.subjects(RDF.type, BGI.MunicipalityTerritory)
                    if isinstance(subject, URIRef))
    return tuple((place, tuple(sorted((label for label in graph.objects(place, RDFS.label)
                                       if isinstance(label, Literal)),
                                      key=lambda label: (label.language or "", str(label)))))
                 for place in dict.fromkeys(places))


def coverage(graph: Graph) -> Coverage:
    start, end = temporal_bounds(graph)
    return Coverage(start, end, municipalities(graph))
