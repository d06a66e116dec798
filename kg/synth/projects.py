"""Synthetic projects: contracts per programme leg, partners, budgets that add up, amendments.

Each project is a handful of records in the format of data/records (see
docs/records-format.md): the Project, one Contract per programme of its procedure (integrated
projects under a two-programme procedure get two legs, as BG05M9OP001-2.056-0025 has), the
beneficiary's and partners' Participations, Amounts (a total; for 40 % of projects its breakdown:
total = direct + indirect for one leg; total = sum of the programme totals, each = EU share +
national share, for two legs),
Activities, and for about one project in ten an Amendment that extends the end date.
Verbatim values are written the way the documents write them ("1 589 270,65 лв.",
"05.07.2022г.", sometimes a Cyrillic М or О inside an ИСУН number).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from kg.synth.actors import Actors, municipality_place
from kg.synth.reference import Reference, plain_text
from kg.synth.vocabulary import PROJECT_THEMES, TOWNS

Record = dict[str, Any]
PROJECTS_PER_PROCEDURE = 9999  # ИСУН project numbers have four digits
LOOKALIKES = str.maketrans({"M": "М", "O": "О"})  # Latin -> Cyrillic, as some documents write them
BREAKDOWN_SHARE = 0.4  # projects whose budget is broken down (the rest state only a total)
PROGRAMME_ABBREVIATIONS = {"programme/2014BG05M9OP001": "oprchr", "programme/2014BG05M2OP001": "opnoir"}


@dataclass(frozen=True)
class ProcedureSlot:
    """A procedure projects are numbered under, with its programmes and their funds."""

    id: str
    code: str
    programmes: tuple[str, ...]
    funds: tuple[str, ...]
    synthetic: bool = False


def procedure_slots(reference: Reference, projects: int) -> tuple[list[ProcedureSlot], list[Record]]:
    """The real procedures, plus synthetic ones (and their records) once four digits run out."""
    funded_by = {record["id"]: tuple(record.get("funded_by") or ())
                 for record in reference.of_type("Programme")}
    slots = []
    for record in reference.of_type("Procedure"):
        written = plain_text(record["code"])
        if written is None:
            raise ValueError(f"the bundled procedure {record['id']} has no code")
        code = written.translate(str.maketrans("МОР", "MOP")).replace("M90P", "M9OP")
        programmes = tuple(record["programmes"])
        funds = tuple(dict.fromkeys(fund for programme in programmes for fund in funded_by[programme]))
        slots.append(ProcedureSlot(record["id"], code, programmes, funds))
    extra: list[Record] = []
    real = list(slots)
    while len(slots) * PROJECTS_PER_PROCEDURE < projects:
        model = real[len(extra) % len(real)]
        stem = model.code.rsplit("-", 1)[0]
        code = f"{stem}-9.{len(extra) + 1:03d}"
        slots.append(ProcedureSlot(f"procedure/{code}", code, model.programmes, model.funds, True))
        extra.append({"id": f"procedure/{code}", "type": "Procedure", "line": 1, "code": code,
                      "programmes": list(model.programmes),
                      "label_en": f"Synthetic procedure {code} (kg synth; modelled on {model.code})"})
    return slots, extra


def project_count(slots: list[ProcedureSlot], contracts: int) -> int:
    """How many projects, assigned round-robin to ``slots``, carry ``contracts`` contracts."""
    legs_per_round = sum(len(slot.programmes) for slot in slots)
    rounds, remainder = divmod(contracts, legs_per_round)
    projects = rounds * len(slots)
    for slot in slots:
        if remainder <= 0:
            break
        remainder -= len(slot.programmes)
        projects += 1
    return projects


def money(stotinki: int) -> str:
    """``158927065`` -> ``'1 589 270,65 лв.'`` (the documents' grouping and decimal comma)."""
    leva, cents = divmod(stotinki, 100)
    return f"{leva:,}".replace(",", " ") + f",{cents:02d} лв."


def date_text(day: datetime.date, rng: random.Random) -> str:
    return day.strftime("%d.%m.%Y") + rng.choice(("г.", " г."))


def make_project(slot: ProcedureSlot, number: int, contracts_left: int,
                 rng: random.Random, actors: Actors, reference: Reference, line: int) -> list[Record]:
    """All records of one project; ``line`` and ``line + 1`` are the lines they cite."""
    town = TOWNS[rng.randrange(len(TOWNS))]
    key = f"{slot.code}-{number:04d}"
    project = f"project/{key}"
    programmes = slot.programmes[:max(1, min(len(slot.programmes), contracts_left))]
    start = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(2700))
    months = rng.choice((12, 18, 24, 30, 36))
    end = _add_months(start, months) - datetime.timedelta(days=1)
    raw_key = key.translate(LOOKALIKES) if rng.random() < 0.1 else key
    title = f"{PROJECT_THEMES[rng.randrange(len(PROJECT_THEMES))]} в община {town.name}"
    target_groups = sorted(rng.sample(reference.ids_of_type("TargetGroup"), rng.randint(1, 3)))
    records: list[Record] = [{
        "id": project, "type": "Project", "line": line, "title": title, "number": raw_key,
        "procedures": [slot.id], "programmes": list(programmes), "start": date_text(start, rng),
        "end": date_text(end, rng), "places": [municipality_place(town)],
        "target_groups": target_groups}]
    if slot.funds:
        records[0]["co_financed_by"] = list(slot.funds)
    contract_ids = []
    for leg, programme in enumerate(programmes):
        suffix = "C01" if leg == 0 else f"{programme.removeprefix('programme/')}-C01"
        number_text = f"{raw_key}-{suffix}"
        contract_ids.append(f"contract/{key}-{suffix}")
        records.append({"id": contract_ids[-1], "type": "Contract", "line": line,
                        "number": number_text, "programme": programme, "procedure": slot.id,
                        "project": project})
    records.extend(_participations(project, town.slug, rng, actors, line))
    records.extend(_amounts(project, programmes, slot.funds, rng, line + 1))
    records.extend(_activities(project, rng, reference, line + 1))
    if rng.random() < 0.1:
        records.append({"id": f"{project}/amendment/01", "type": "Amendment", "line": line,
                        "number": "01", "amends": contract_ids,
                        "new_end_date": date_text(_add_months(end, 6), rng),
                        "kind_as_written": "споразумение"})
    return records


def _participations(project: str, town: str, rng: random.Random, actors: Actors, line: int
                    ) -> list[Record]:
    pool = actors.pool[town]
    beneficiary = actors.municipality[town] if rng.random() < 0.7 else pool[rng.randrange(len(pool))]
    partners = [agent for agent in rng.sample(pool, min(len(pool), rng.randint(0, 2)))
                if agent != beneficiary]
    records = []
    for role, agent in [("beneficiary", beneficiary)] + [("partner", agent) for agent in partners]:
        records.append({"id": f"{project}/participation/{role}/{agent.removeprefix('org/')}",
                        "type": "Participation", "line": line, "project": project, "agent": agent,
                        "role": role, "name_as_written": actors.names[agent]})
    return records


def _amounts(project: str, programmes: tuple[str, ...], funds: tuple[str, ...],
             rng: random.Random, line: int) -> list[Record]:
    total = rng.randrange(10_000_000, 300_000_000)

    def amount(slug: str, component: str, value: int, **extra: Any) -> Record:
        return {"id": f"{project}/amount/{slug}", "type": "Amount", "line": line, "of": project,
                "component": component, "value": money(value), **extra}

    records = [amount("total", "total", total)]
    if rng.random() >= BREAKDOWN_SHARE:  # the register gives only the total
        return records
    if len(programmes) == 1:
        direct = round(total / 1.15)
        return [*records, amount("direct", "direct", direct),
                amount("indirect", "indirect", total - direct)]
    first = round(total * rng.uniform(0.6, 0.8))
    for programme, leg_total in zip(programmes, (first, total - first), strict=True):
        prefix = PROGRAMME_ABBREVIATIONS.get(programme, programme.rsplit("/", 1)[-1].lower())
        eu_share = round(leg_total * 0.85)
        records.append(amount(f"{prefix}-total", "programme-total", leg_total, programme=programme))
        eu_extra = {"programme": programme, **({"fund": funds[0]} if funds else {})}
        records.append(amount(f"{prefix}-esf", "eu-share", eu_share, **eu_extra))
        records.append(amount(f"{prefix}-national", "national-share", leg_total - eu_share,
                              programme=programme))
    return records


def _activities(project: str, rng: random.Random, reference: Reference, line: int) -> list[Record]:
    labels = rng.sample(reference.activity_labels, rng.randint(1, 2))
    return [{"id": f"{project}/activity/{position}", "type": "Activity", "line": line,
             "project": project, "position": position, "label": label}
            for position, label in enumerate(labels, start=1)]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
