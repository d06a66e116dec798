"""Synthetic places and organisations: every town with its municipality, district and a pool
of schools, kindergartens, associations and chitalishta that projects share as partners.

The pool grows with the number of projects (about one organisation per eight projects), so
partners recur across projects at every size, as they do in the real registers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.records.normalize import slugify
from kg.synth.vocabulary import (
    ASSOCIATION_NAMES,
    KINDERGARTEN_NAMES,
    ORGANISATION_PATTERNS,
    PATRONS,
    TOWNS,
    Town,
)

Record = dict[str, Any]
COUNTRY = "place/bulgaria"


@dataclass
class Actors:
    """Place and organisation records, and per town the ids of its municipality and pool."""

    records: list[Record] = field(default_factory=list)
    municipality: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    pool: dict[str, list[str]] = field(default_factory=dict)


def municipality_place(town: Town) -> str:
    return f"place/obshtina-{town.slug}"


def make_actors(projects: int, district_codes: dict[str, dict[str, str]] | None = None) -> Actors:
    """Places for every town and an organisation pool of about ``projects / 8`` members; a
    district takes its NUTS-3 region and ISO code from ``district_codes`` (the bundled ones)."""
    actors = Actors()
    actors.records.append({"id": COUNTRY, "type": "Place", "line": 1, "name": "България",
                           "kind": "country", "label_en": "Bulgaria"})
    districts: set[str] = set()
    for town in TOWNS:
        district_id = f"place/oblast-{town.district_slug}"
        if district_id not in districts:
            districts.add(district_id)
            actors.records.append({"id": district_id, "type": "Place", "line": 1,
                                   "name": f"област {town.district}", "kind": "district",
                                   "within": COUNTRY, **(district_codes or {}).get(district_id, {})})
        actors.records.append({"id": municipality_place(town), "type": "Place", "line": 1,
                               "name": f"община {town.name}", "kind": "municipality-territory",
                               "within": district_id})
        actors.records.append({"id": f"place/{town.slug}", "type": "Place", "line": 1,
                               "name": town.name, "kind": "town", "within": municipality_place(town)})
        municipality = f"org/obshtina-{town.slug}"
        actors.municipality[town.slug] = municipality
        actors.names[municipality] = f"Община {town.name}"
        actors.records.append({"id": municipality, "type": "Organisation", "line": 1,
                               "name": f"Община {town.name}", "kind": "municipality",
                               "place": municipality_place(town)})
        actors.pool[town.slug] = []
    per_town = max(5, -(-projects // (8 * len(TOWNS))))
    for position in range(per_town):
        for town in TOWNS:
            record = _organisation(town, position)
            actors.records.append(record)
            actors.names[record["id"]] = record["name"]
            actors.pool[town.slug].append(record["id"])
    return actors


def _organisation(town: Town, position: int) -> Record:
    kind, pattern, _prefix = ORGANISATION_PATTERNS[position % len(ORGANISATION_PATTERNS)]
    variant = position // len(ORGANISATION_PATTERNS)
    names = {"school-primary": PATRONS, "school-secondary": PATRONS, "chitalishte": PATRONS,
             "kindergarten": KINDERGARTEN_NAMES, "association": ASSOCIATION_NAMES}[kind]
    ordinal = variant // len(names)
    number = "" if not ordinal else (f" {ordinal + 1}" if "{n}“" in pattern else f"{ordinal + 1} ")
    name = pattern.format(n=number, town=town.name,
                          patron=names[variant % len(names)],
                          kindergarten=names[variant % len(names)],
                          association=names[variant % len(names)])
    return {"id": f"org/{slugify(name)}", "type": "Organisation", "line": 1, "name": name,
            "kind": kind, "place": f"place/{town.slug}"}
