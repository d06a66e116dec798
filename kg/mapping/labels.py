"""Labels for resources whose records have no name of their own (contracts, participations…).

Researchers and the Linked Data pages need a bg and an en label on everything; where the
document gives no name, the label is built from what the record does say (an identifier, a
role, an amount), never invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.records import normalize
from kg.records.corpus import Corpus
from kg.records.field_values import canonical_identifier
from kg.records.model import Record, Verbatim

ROLE_NAMES = {"beneficiary": ("бенефициент", "beneficiary"),
              "partner": ("партньор", "partner"),
              "associated-partner": ("асоцииран партньор", "associated partner"),
              "participant": ("участник", "participant")}
COMPONENT_NAMES = {
    "total": ("обща стойност", "total value"),
    "direct": ("преки разходи", "direct costs"),
    "indirect": ("непреки разходи", "indirect costs"),
    "programme-total": ("стойност по програма", "amount under a programme"),
    "programme-direct": ("преки разходи по програма", "direct costs under a programme"),
    "eu-share": ("европейско финансиране", "EU share"),
    "national-share": ("национално финансиране", "national share"),
    "grant": ("безвъзмездна финансова помощ", "grant"),
    "self-financing": ("собствен принос", "self-financing"),
    "paid": ("изплатена сума", "amount paid"),
    "cost-item": ("разходно перо", "cost item"),
    "change": ("промяна на бюджета", "budget change"),
}
DIRECTION_NAMES = {"increase": ("увеличение", "increase"), "decrease": ("намаление", "decrease")}


@dataclass
class LabelIndex:
    """The first bg and en label of every record id, for labels that mention other things."""

    bg: dict[str, str]
    en: dict[str, str]

    @classmethod
    def of(cls, corpus: Corpus) -> LabelIndex:
        bg: dict[str, str] = {}
        en: dict[str, str] = {}
        for record in corpus.records:
            label_field = record.type.label_field
            value = record.values.get(label_field) if label_field else None
            if isinstance(value, Verbatim):
                bg.setdefault(record.id, value.text)
            if "label_en" in record.values:
                en.setdefault(record.id, record.values["label_en"])
        return cls(bg, en)

    def pair(self, record_id: str) -> tuple[str, str]:
        bg = self.bg.get(record_id, record_id)
        return bg, self.en.get(record_id, bg)


def generated_labels(record: Record, labels: LabelIndex) -> tuple[str, str] | None:
    """(bg, en) for a record type without a name field; None where the record names itself."""
    values = record.values
    kind = record.type.name
    if kind == "Contract":
        if "number" not in values:
            project_bg, project_en = labels.pair(values["project"])
            return f"Договор по „{project_bg}“", f"Grant contract of “{project_en}”"
        number = values["number"].normalised or canonical_identifier(values["number"].text)
        return f"Договор {number}", f"Grant contract {number}"
    if kind == "Programme" and "code" in values:  # a programme the text gives only by its code
        code = values["code"].normalised or canonical_identifier(values["code"].text)
        return f"Програма {code}", f"Programme {code}"
    if kind == "Procedure":
        code = values["code"].normalised or canonical_identifier(values["code"].text)
        return f"Процедура {code}", f"Procedure {code}"
    if kind == "Amendment":
        if "number" not in values:
            amended_bg, amended_en = labels.pair(values["amends"][0])
            return f"Споразумение към {amended_bg}", f"Amendment to {amended_en}"
        number = values["number"].text
        return f"Споразумение {number}", f"Amendment {number.replace('№', 'No')}"
    if kind == "Participation":
        role_bg, role_en = ROLE_NAMES[values["role"]]
        agent_bg, agent_en = labels.pair(values["agent"])
        project_bg, project_en = labels.pair(values["project"])
        return (f"{agent_bg} – {role_bg} по „{project_bg}“",
                f"{agent_en} – {role_en} in “{project_en}”")
    if kind == "Amount":
        component_bg, component_en = COMPONENT_NAMES[values["component"]]
        if "direction" in values:
            component_bg, component_en = DIRECTION_NAMES[values["direction"]]
        if "label" in values:
            component_bg = component_en = values["label"].text
        try:
            money = normalize.parse_money(values["value"].text)
            figure_en = " ".join(str(part) for part in (money.value, money.currency) if part)
        except normalize.NormalisationError:  # kept as written, under review
            figure_en = values["value"].text
        return f"{component_bg}: {values['value'].text}", f"{component_en}: {figure_en}"
    if kind == "Decision":
        number = values["number"].text
        return f"Решение {number}", f"Decision {number.replace('№', 'No ')}"
    if kind == "Observation":
        statement = values["statement"].text
        return statement, statement
    if kind == "Disagreement":
        subject_bg, subject_en = labels.pair(values["subject"])
        aspect = values["property"]
        return f"Разночетене ({aspect}): {subject_bg}", f"Disagreement ({aspect}): {subject_en}"
    return None
