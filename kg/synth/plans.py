"""Synthetic municipal action plans shaped like the Kyustendil plan: priorities by area,
measures, and actions with a deadline, responsible parties, funding kinds and indicators."""

from __future__ import annotations

import random
from typing import Any

from kg.synth.actors import Actors, municipality_place
from kg.synth.reference import Reference, plain_text
from kg.synth.vocabulary import Town

Record = dict[str, Any]
MEASURES_PER_PRIORITY = 2
ACTIONS_PER_MEASURE = 2


def make_plan(town: Town, rng: random.Random, actors: Actors, reference: Reference) -> list[Record]:
    """One plan of ``town``'s municipality with every plan-priority area of the code lists."""
    plan = f"plan/{town.slug}-action-plan-2022-2024"
    municipality = actors.municipality[town.slug]
    records: list[Record] = [{
        "id": plan, "type": "StrategicDocument", "line": 1,
        "title": f"План за действие на Община {town.name} (2022 - 2024) за равенство, "
                 "приобщаване и участие на ромите",
        "level": "municipal", "kind": "action-plan", "period": "2022 - 2024",
        "territory": municipality_place(town), "issued_by": municipality}]
    areas = [record for record in reference.of_type("Concept") if record["scheme"] == "plan-priorities"]
    funding = [record["id"] for record in reference.of_type("Concept")
               if record["scheme"] == "funding-source-kinds"]
    line = 2
    for position, area in enumerate(areas, start=1):
        priority = f"{plan}/{area['id'].rsplit('/', 1)[-1]}"
        records.append({"id": priority, "type": "Priority", "line": line, "plan": plan,
                        "position": position, "name": plain_text(area["label"]), "area": area["id"]})
        for measure_position in range(1, MEASURES_PER_PRIORITY + 1):
            measure = f"{priority}/m{measure_position}"
            line += 1
            records.append({"id": measure, "type": "Measure", "line": line, "priority": priority,
                            "notation": f"{measure_position}.", "position": measure_position,
                            "text": rng.choice(reference.measure_texts)})
            for action_position in range(1, ACTIONS_PER_MEASURE + 1):
                notation = f"{measure_position}.{action_position}."
                records.append({
                    "id": f"{measure}/a{measure_position}.{action_position}", "type": "Action",
                    "line": line, "measure": measure, "notation": notation,
                    "position": action_position, "text": rng.choice(reference.action_texts),
                    "deadline": "2022 - 2024", "responsible": [municipality],
                    "funding": sorted(rng.sample(funding, min(len(funding), 2))),
                    "indicators": [rng.choice(reference.indicators)]})
        line += 1
    return records
