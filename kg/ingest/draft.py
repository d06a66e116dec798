"""An :class:`~kg.ingest.extract.Extraction` -> draft records in the project's records format.

Every record is marked ``curation: draft`` (:mod:`kg.records.drafts`): ``kg build`` leaves it out
until a curator has reviewed it. Every verbatim value is ``{raw: <as written>, line: N}``
exactly as the fact gives it, so ``kg check`` finds it at its line; a fact's review flags become
the value's ``review:`` reason, and what concerns a whole record (a doubtful match with both
candidates, a kind the text does not state) its ``to_review`` list, so nothing uncertain is
silent. Ids follow docs/records-format.md (canonical ИСУН numbers, slugs of
:func:`kg.records.normalize.slugify`), and organisations, programmes, procedures and places the
graph already knows keep their ids (:mod:`kg.ingest.match`). A document that says nothing of a
kind yields no record of that kind.

:func:`draft` returns a :class:`Draft`: the records (plain mappings, ready for YAML), the draft
source entry and the text the citations refer to; :meth:`Draft.yaml` is the records file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.ingest.extract import KNOWN_PROGRAMME_CODES, Extraction, Fact
from kg.ingest.match import GraphIndex, Match, organisation_id
from kg.records import normalize
from kg.records.codelists import BUDGET_COMPONENTS
from kg.records.field_values import canonical_identifier, read_value
from kg.records.model import LineSpan, Source
from kg.records.normalize import slugify
from kg.records.schema import TYPES

_FUNDS = {
    "ESF": ("fund/esf", "Fund"),
    "ESF+": ("fund/esf-plus", "Fund"),
    "ESIF": ("fund/esif", "Fund"),
    "EEA FM": ("fund/eea-fm-2014-2021", "FinancialMechanism"),
}
_COMPONENTS = {"cost item": "cost-item", "self finance": "self-financing"}
_STRANDS = {"transnational": "transnational", "donor-country partner": "donor-state",
            "donor-state": "donor-state"}
#: Budget components that are per programme (the shapes ask for the programme).
PER_PROGRAMME = ("programme-total", "programme-direct", "eu-share", "national-share")
_ROLES = {"beneficiary", "partner", "associated-partner", "participant"}


def _programme_kind(code: str) -> str:
    if code == "BGLD":
        return "eea-programme"
    if code.startswith("2014"):
        return "operational-programme"
    return "eu-programme"


@dataclass
class Draft:
    """The draft of one document: its records, its source entry and the text they cite."""

    source: dict[str, Any]
    records: list[dict[str, Any]]
    text: str
    notes: list[str] = field(default_factory=list)
    #: True when the text is already a source of data/ (same SHA-256): no new entry is needed.
    known_source: bool = False
    #: The input's name as given (a path, or - for standard input).
    input_name: str = "-"

    @property
    def source_id(self) -> str:
        return self.source["id"]

    def yaml(self) -> str:
        header = [f"# Draft records written by kg ingest from {self.input_name}.",
                  "# Review each record (kg check lists what to look at), then set its",
                  "# `curation: draft` to `curation: reviewed`."]
        header += [f"# NOTE: {note}" for note in self.notes]
        body = yaml.safe_dump({"source": self.source_id, "records": self.records},
                              allow_unicode=True, sort_keys=False, width=100)
        return "\n".join(header) + "\n" + body

    def source_yaml(self) -> str:
        return yaml.safe_dump({"sources": [self.source]}, allow_unicode=True, sort_keys=False,
                              width=100)

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "known_source": self.known_source, "records": self.records,
                "notes": self.notes, "yaml": self.yaml(), "source_yaml": self.source_yaml()}


def _cited(fact: Fact, raw: str | None = None, *, review: list[str] | None = None) -> dict[str, Any]:
    """``{raw, line}`` of a fact (``raw`` a substring of its line), with its flags as ``review``."""
    value: dict[str, Any] = {"raw": raw if raw is not None else fact.as_written, "line": fact.line}
    reasons = list(fact.flags) + list(review or [])
    if fact.inferred and fact.basis:
        reasons.append(f"inferred: {fact.basis}")
    if reasons:
        value["review"] = "; ".join(dict.fromkeys(reasons))
    return value


class _Builder:
    def __init__(self, extraction: Extraction, source_id: str, index: GraphIndex) -> None:
        self.extraction = extraction
        self.lines = extraction.document.lines
        self.source_id = source_id
        self.index = index
        self.records: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []

    # ------------------------------------------------------------------ helpers
    def line_has(self, fact: Fact, text: str | None) -> bool:
        if not text or not 1 <= fact.line <= len(self.lines):
            return False
        return text in self.lines[fact.line - 1]

    def record(self, record_id: str, type_name: str, line: int, **fields: Any) -> dict[str, Any]:
        if record_id in self.records:
            existing = self.records[record_id]
            for key, value in fields.items():
                if value is not None:
                    existing.setdefault(key, value)
            return existing
        record = {"id": record_id, "type": type_name, "line": line, "curation": "draft"}
        record.update({key: value for key, value in fields.items() if value is not None})
        self.records[record_id] = record
        return record

    @staticmethod
    def review(record: dict[str, Any], reason: str | None) -> None:
        if reason and reason not in record.setdefault("to_review", []):
            record["to_review"].append(reason)

    @staticmethod
    def append(record: dict[str, Any], key: str, value: Any) -> None:
        items = record.setdefault(key, [])
        if value not in items:
            items.append(value)

    def unique(self, base: str) -> str:
        if base not in self.records:
            return base
        number = 2
        while f"{base}-{number}" in self.records:
            number += 1
        return f"{base}-{number}"

    # ------------------------------------------------------------------ parts
    def ident(self, fact: Fact) -> dict[str, Any]:
        value = _cited(fact)
        try:
            readable = canonical_identifier(fact.as_written)
        except (ValueError, normalize.NormalisationError):
            readable = None
        if fact.value and readable != fact.value:
            try:
                canonical_identifier(str(fact.value))
                value["normalised"] = fact.value
            except (ValueError, normalize.NormalisationError):
                pass
            value.setdefault("review", f"corrected identifier: read as {fact.value}; check it")
        return value

    def programme(self, fact: Fact) -> str:
        code = str(fact.value)
        record_id = self.index.match("Programme", code, f"programme/{code}").id
        kind = self.index.entries[record_id].kind if self.index.has(record_id) else None
        record = self.record(record_id, "Programme", fact.line, kind=kind or _programme_kind(code))
        if re.fullmatch(r"\s*(?:\d{4})?BG\s?\w{4,12}\s*", fact.as_written):
            record.setdefault("code", _cited(fact))
        else:
            if kind is None and "name" not in record:  # new to the graph: named as the text names it
                record["name"] = _cited(fact)
            else:
                self.append(record, "names_as_written", _cited(fact))
        return record_id

    def procedure_of_contract(self, fact: Fact, programme_ids: list[str],
                              procedure_ids: list[str]) -> None:
        """The procedure a contract number begins with, cited as that prefix of the number as
        written (a derived value: the text does not write the procedure on its own)."""
        written = re.match(r".*?\d\s*\.\s*\d{3}", fact.as_written)
        canonical = re.match(r"(.*?-\d\.\d{3})", str(fact.value or ""))
        if written is None or canonical is None:
            return
        code = canonical.group(1)
        if any(pid.endswith("/" + code) for pid in procedure_ids):
            return
        record_id = self.index.match("Procedure", code, f"procedure/{code}").id
        programme = KNOWN_PROGRAMME_CODES.get(fact.attrs.get("programme_code") or "")
        programmes = [f"programme/{programme}"] if f"programme/{programme}" in programme_ids \
            else programme_ids[:1]
        if not programmes:
            return
        value = {"raw": written.group(0), "line": fact.line,
                 "review": "procedure read from the contract number"}
        self.record(record_id, "Procedure", fact.line, code=value, programmes=programmes)
        procedure_ids.append(record_id)

    def organisation(self, fact: Fact) -> tuple[str, Match]:
        name = str(fact.value or fact.as_written)
        kind = fact.attrs.get("org_kind")
        new_id = organisation_id(name, kind)
        registry = fact.attrs.get("registry_id")
        match = self.index.match("Organisation", name, new_id, registry_id=registry, kind=kind)
        known_kind = self.index.entries[match.id].kind if match.existing else None
        raw = name if self.line_has(fact, name) else fact.as_written
        record = self.record(match.id, "Organisation", fact.line, name={"raw": raw, "line": fact.line},
                             kind=known_kind or kind or "public-body")
        if not (known_kind or kind):
            self.review(record, "kind not stated: 'public-body' is a placeholder, choose the kind")
        if match.existing:
            self.review(record, None)
        self.review(record, match.reason(name))
        return match.id, match

    def place(self, fact: Fact) -> str | None:
        kind = fact.attrs.get("place_kind")
        name = str(fact.value or fact.as_written)
        if kind not in ("country", "district", "municipality-territory", "town", "village",
                        "quarter", "city-district"):
            return None
        if kind == "municipality-territory":
            new_id = "place/obshtina-" + slugify(re.sub(r"^(?i:община)\s+", "", name))
        elif kind == "district":
            new_id = "place/oblast-" + slugify(re.sub(r"^(?i:област)\s+", "", name))
        else:
            new_id = "place/" + slugify(name)
        match = self.index.match("Place", name, new_id, kind=kind)
        raw = name if self.line_has(fact, name) else fact.as_written
        record = self.record(match.id, "Place", fact.line, name={"raw": raw, "line": fact.line},
                             kind=kind)
        self.review(record, match.reason(name))
        return match.id

    # ------------------------------------------------------------------ the document
    def build(self) -> None:
        facts = self.extraction.facts
        of = self.extraction.of_kind
        identifiers = of("identifier")
        contracts = [fact for fact in identifiers if fact.attrs.get("id_kind") == "contract"]
        procedures = [fact for fact in identifiers if fact.attrs.get("id_kind") == "procedure"]
        project_ids = [fact for fact in identifiers if fact.attrs.get("id_kind") == "project"]
        others = [fact for fact in identifiers if fact.attrs.get("id_kind") == "other"]

        # programmes: named (or derived from a code) in the text; else known to the graph
        programme_ids: list[str] = []
        unnamed: list[Fact] = []
        for fact in of("programme"):
            if fact.attrs.get("approach") or fact.label == "funding approach":
                continue
            if fact.value:
                record_id = self.programme(fact)
                if record_id not in programme_ids:
                    programme_ids.append(record_id)
            else:
                unnamed.append(fact)
        for fact in identifiers:
            code = KNOWN_PROGRAMME_CODES.get(fact.attrs.get("programme_code") or "")
            if code and f"programme/{code}" not in programme_ids and self.index.has(f"programme/{code}"):
                programme_ids.append(f"programme/{code}")
        funds = []
        for fact in of("fund"):
            fund = _FUNDS.get(str(fact.value))
            if fund is None:
                continue
            record = self.record(fund[0], fund[1], fact.line, name=_cited(fact))
            funds.append(record["id"])

        # procedures
        procedure_ids = []
        for fact in procedures:
            record_id = self.index.match("Procedure", str(fact.value), f"procedure/{fact.value}").id
            code = KNOWN_PROGRAMME_CODES.get(fact.attrs.get("programme_code") or "")
            programme = f"programme/{code}" if code else None
            known = programme in programme_ids
            self.record(record_id, "Procedure", fact.line, code=self.ident(fact),
                        programmes=[programme] if known else programme_ids[:1] or None)
            if "programmes" not in self.records[record_id]:
                del self.records[record_id]
                self.notes.append(f"procedure {fact.as_written!r} (line {fact.line}): no programme")
                continue
            procedure_ids.append(record_id)
        for fact in contracts:  # a procedure the text writes only inside a contract number
            self.procedure_of_contract(fact, programme_ids, procedure_ids)

        # projects: one per project number; the first takes the document's project facts
        numbers: list[tuple[str, Fact | None, list[Fact]]] = []
        for fact in contracts:
            number = normalize.project_number_of(str(fact.value)) if fact.value else None
            found = next((entry for entry in numbers if entry[0] == number), None)
            if number and found is None:
                numbers.append((number, None, [fact]))
            elif found is not None:
                found[2].append(fact)
        for fact in project_ids:
            found = next((entry for entry in numbers if entry[0] == fact.value), None)
            if found is None:
                numbers.append((str(fact.value), fact, []))
        has_project = bool(numbers or of("title") or of("beneficiary") or of("amount")
                           or of("partner"))
        main: dict[str, Any] | None = None
        for number, number_fact, contract_facts in numbers:
            line = (number_fact or contract_facts[0]).line
            project = self.record(f"project/{number}", "Project", line)
            if number_fact is not None:
                project["number"] = self.ident(number_fact)
            if main is None:
                main = project
            for contract in contract_facts:
                record_id = f"contract/{contract.value}"
                code = KNOWN_PROGRAMME_CODES.get(contract.attrs.get("programme_code") or "")
                cci = re.search(r"-(\d{4}BG\d\d[A-Z0-9]{4}\d{3})-C", str(contract.value))
                leg = f"programme/{cci.group(1)}" if cci else (f"programme/{code}" if code else "")
                procedure = next((pid for pid in procedure_ids
                                  if str(contract.value).startswith(pid.split("/", 1)[1])), None)
                self.record(record_id, "Contract", contract.line, number=self.ident(contract),
                            project=project["id"],
                            programme=leg if leg in programme_ids else None,
                            procedure=procedure)
        if main is None and has_project:
            main = self.record(f"project/{self.source_id}", "Project",
                               (of("title") or facts)[0].line)
        if main is not None:
            self.project(main, programme_ids, procedure_ids, funds, unnamed)
        else:
            for fact in of("title") + unnamed:
                self.notes.append(f"{fact.kind} {fact.as_written!r} (line {fact.line}) not used")
        self.decision(others)

    def project(self, project: dict[str, Any], programme_ids: list[str], procedure_ids: list[str],
                funds: list[str], unnamed: list[Fact]) -> None:
        of = self.extraction.of_kind
        key = project["id"].split("/", 1)[1]
        titles = of("title")
        if titles:
            project["title"] = _cited(titles[0])
            for other in titles[1:]:
                self.review(project, f"another title is written at line {other.line}: "
                            f"{other.as_written!r}")
        elif not self.index.has(project["id"]):
            self.review(project, "the text gives no title: give the project a title or label_en")
        if procedure_ids:
            project["procedures"] = procedure_ids
        if programme_ids:
            project["programmes"] = programme_ids
        for fact in unnamed:
            self.append(project, "programmes_as_written", _cited(fact))
        if funds:
            project["co_financed_by"] = funds
        contracts = [rid for rid, rec in self.records.items()
                     if rec["type"] == "Contract" and rec["project"] == project["id"]]
        # parties
        for fact in of("beneficiary") + of("partner"):
            agent, _match = self.organisation(fact)
            role = fact.attrs.get("role") or fact.kind
            role = role if role in _ROLES else "partner"
            basis = None
            if fact.inferred:
                basis = "inferred-from-title" if "title" in (fact.basis or "") else "inferred-from-context"
            elif fact.kind == "beneficiary" or role in ("partner", "associated-partner"):
                basis = "stated"
            name = str(fact.value or fact.as_written)
            raw = name if self.line_has(fact, name) else fact.as_written
            participation = self.record(
                f"project/{key}/participation/{role}/{agent.split('/', 1)[1]}", "Participation",
                fact.line, project=project["id"], agent=agent, role=role, basis=basis,
                strand=_STRANDS.get(fact.attrs.get("strand") or ""),
                name_as_written=_cited(fact, raw))
            del participation
        # amounts
        readings: dict[tuple, str] = {}
        for fact in of("amount"):
            component = fact.attrs.get("component")
            component = _COMPONENTS.get(component or "", component)
            review = []
            if component is None:
                component = "cost-item"
                review.append("the text does not say what this amount is: 'cost-item' is a "
                              "placeholder")
            elif component not in BUDGET_COMPONENTS:
                review.append(f"read as {component!r}, which is no budget component: "
                              "'cost-item' is a placeholder")
                component = "cost-item"
            value = _cited(fact, review=review)
            try:
                normalize.parse_money(fact.as_written)
            except (ValueError, normalize.NormalisationError) as error:
                value.setdefault("review", f"not read as money: {error}")
            record_id = self.unique(f"project/{key}/amount/{slugify(component)}")
            record = self.record(record_id, "Amount", fact.line, of=project["id"],
                                 component=component, value=value)
            if fact.label and self.line_has(fact, fact.label):
                record["label"] = {"raw": fact.label, "line": fact.line}
            if component in PER_PROGRAMME:
                if len(programme_ids) == 1:
                    record["programme"] = programme_ids[0]
                    review.append("the programme is the project's only one: check it")
                else:
                    review.append(f"a {component} amount is per programme: name its programme")
            reading = (component, (record.get("label") or {}).get("raw"), record.get("programme"))
            first = readings.setdefault(reading, record_id)
            if first != record_id:
                record["current"] = False
                review.append(f"another {component} amount with the same label is {first}: the "
                              "draft takes that one as current; check which is")
            for reason in review:
                self.review(record, reason)
        # dates and duration
        events = 0
        for fact in of("date"):
            value = _cited(fact)
            if fact.label == "start":
                project.setdefault("start", value)
            elif fact.label == "end":
                project.setdefault("end", value)
            elif fact.label == "signed" and contracts:
                self.records[contracts[0]].setdefault("signed", value)
            elif fact.label == "publication":
                continue  # the page's own date: not a fact of the project
            else:
                events += 1
                line = self.lines[fact.line - 1].strip()
                sentence = next((part.strip() for part in re.split(r"(?<=[.!?])\s+", line)
                                 if fact.as_written in part), line)
                record = self.record(f"event/{self.source_id}/{events}", "Event", fact.line,
                                     name={"raw": sentence[:400] if fact.as_written in sentence[:400]
                                           else fact.as_written, "line": fact.line},
                                     project=project["id"], date=value)
                self.review(record, "the event's name is the sentence around its date: shorten it"
                            if fact.label == "event" else
                            f"the text does not say what the date {fact.as_written!r} is: an "
                            "event, or a date of the project (start, end)?")
        for fact in of("duration"):
            project.setdefault("duration", _cited(fact))
        # places, target groups, activities, amendments
        for fact in of("place"):
            place = self.place(fact)
            if place:
                self.append(project, "places", place)
        for fact in of("target-group"):
            label = str(fact.value or fact.as_written)
            record_id = "target-group/" + slugify(label)[:120].rstrip("-")
            raw = label if self.line_has(fact, label) else fact.as_written
            self.record(record_id, "TargetGroup", fact.line, label=_cited(fact, raw))
            self.append(project, "target_groups", record_id)
        for fact in of("activity"):
            number = fact.attrs.get("number")
            label = str(fact.value or fact.as_written)
            raw = label if self.line_has(fact, label) else fact.as_written
            suffix = str(number) if isinstance(number, int) else str(len(self.records))
            self.record(self.unique(f"project/{key}/activity/{suffix}"), "Activity", fact.line,
                        project=project["id"], label=_cited(fact, raw),
                        position=number if isinstance(number, int) else None)
        for position, fact in enumerate(of("amendment"), start=1):
            ordinal = fact.attrs.get("ordinal")
            record = self.record(f"project/{key}/amendment/{int(ordinal or position):02d}",
                                 "Amendment", fact.line, amends=contracts or [project["id"]],
                                 kind_as_written=_cited(fact))
            self.review(record, "check what the amendment changes (dates, amounts) and its number")

    def decision(self, others: list[Fact]) -> None:
        of = self.extraction.of_kind
        decisions = [fact for fact in others if fact.attrs.get("subkind") == "решение"]
        protocols = [fact for fact in others if fact.attrs.get("subkind") == "протокол"]
        if not decisions:
            return
        council = None
        for number, line in enumerate(self.lines, start=1):
            found = re.search(r"(?:Общински съвет|ОБЩИНСКИ СЪВЕТ)(?:\s*[-–—]\s*|\s+)"
                              r"(?:(?:гр\.|град)\s*)?([А-Я][А-Яа-я]+(?:\s[А-Я][а-я]+)?)", line)
            if found:
                town = found.group(1)
                council = self.record(f"org/obshtinski-savet-{slugify(town)}", "Organisation",
                                      number, name={"raw": found.group(0), "line": number},
                                      kind="municipal-council")
                break
        if council is None:
            self.notes.append("a decision without the council that took it: no Decision record")
            return
        first = decisions[0]
        number_text = re.sub(r"\D", "", str(first.value))
        digits = re.search(r"\d+", first.as_written)
        if digits is None:
            return
        record = self.record(f"decision/{council['id'].split('/', 1)[1]}/{number_text}", "Decision",
                             first.line, number={"raw": digits.group(0), "line": first.line},
                             body=council["id"])
        if protocols:
            protocol = re.search(r"\d+", protocols[0].as_written)
            if protocol is not None:
                record["protocol"] = {"raw": protocol.group(0), "line": protocols[0].line}
        dates = [fact for fact in of("date") if fact.label in ("date", "start")]
        if dates:
            record["date"] = _cited(dates[0])
            self.review(record, "check that the date is the decision's (not the session's)")
        for fact in of("legal-basis")[:1]:
            record["legal_basis"] = _cited(fact)
        for fact in of("vote"):
            field_name = {"for": "votes_for", "against": "votes_against",
                          "abstained": "votes_abstained"}.get(fact.label or "")
            digits = re.search(r"\d+", fact.as_written)
            if field_name and digits:
                record.setdefault(field_name, {"raw": digits.group(0), "line": fact.line})
        for fact in of("chair")[:1]:
            person = self.record("person/" + slugify(str(fact.value)), "Person", fact.line,
                                 name=_cited(fact))
            record["chair"] = person["id"]
        for fact in of("adopted-document"):
            title = fact.as_written
            first_word = title.split()[0].lower() if title.split() else ""
            kind = {"план": "action-plan" if "действие" in title.lower() else "plan",
                    "стратегия": "strategy", "доклад": "report", "отчет": "report",
                    "програма": "programme"}.get(first_word, "plan")
            document = self.record("document/" + slugify(title)[:100].rstrip("-"),
                                   "StrategicDocument", fact.line, title=_cited(fact),
                                   level="municipal", kind=kind, adopted_by=[council["id"]])
            self.review(document, "level and kind are guessed from the title: check them")
            self.append(record, "adopts", document["id"])


def _ensure_readable(record: dict[str, Any]) -> None:
    """A verbatim value the records loader would refuse (a date it cannot read, an identifier
    of an unknown pattern) is kept as written with a review reason saying why."""
    record_type = TYPES[record["type"]]
    span = LineSpan(record["line"], record["line"])
    for name, value in record.items():
        spec = record_type.field_named(name)
        if spec is None or spec.kind not in ("ident", "money", "date", "duration", "quantity",
                                             "span", "registry-id"):
            continue
        try:
            read_value(spec, value, span)
        except (ValueError, normalize.NormalisationError) as error:
            reason = f"not read as a {spec.kind}: {error}"
            value["review"] = f"{value['review']}; {reason}" if value.get("review") else reason


def _language(text: str) -> str:
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum(1 for char in letters if "\u0400" <= char <= "\u04ff")
    return "bg" if letters and cyrillic * 2 >= len(letters) else "en"


def _kind(extraction: Extraction) -> str:
    if extraction.of_kind("adopted-document") or extraction.of_kind("legal-basis"):
        return "council-decision"
    return "news-item" if extraction.facts else "web-page"


def source_entry(extraction: Extraction, known: dict[str, Source] | None = None,
                 name: str | None = None) -> tuple[dict[str, Any], bool]:
    """The draft source entry of a document, or the entry data/ already has for the same text
    (same SHA-256). The text is stored as UTF-8 beside the records (``file``, corpus
    ``records``), with the SHA-256 of that stored file."""
    document = extraction.document
    stored = document.text.encode("utf-8")
    for source in (known or {}).values():
        if source.sha256 in (document.sha256, hashlib.sha256(stored).hexdigest()):
            return {key: value for key, value in source.__dict__.items() if value is not None}, True
    titles = extraction.of_kind("title")
    first_line = next((line.strip() for line in document.lines if line.strip()), "")
    title = titles[0].as_written if titles else first_line[:200] or "(empty text)"
    stem = slugify(title)[:60].rstrip("-") or "text"
    source_id = f"{stem}-{document.sha256[:8]}"
    entry: dict[str, Any] = {
        "id": source_id, "file": f"{source_id}.txt", "corpus": "records", "title": title,
        "kind": _kind(extraction), "language": _language(document.text),
        "sha256": hashlib.sha256(stored).hexdigest(),
        "review": "give the English title (title_en); check the title, kind and language, and "
                  "add url, publisher and date where known",
    }
    note = f"Drafted by kg ingest from {name or document.name}"
    if document.encoding not in ("utf-8", "utf-8-sig") or stored != b"":
        note += f" (input SHA-256 {document.sha256}, {document.encoding})"
    entry["note"] = note + "."
    return entry, False


def draft(extraction: Extraction, index: GraphIndex | None = None,
          known_sources: dict[str, Source] | None = None) -> Draft:
    """The draft records of one extraction (``index``: what the graph knows, for matching)."""
    entry, known = source_entry(extraction, known_sources)
    builder = _Builder(extraction, entry["id"], index or GraphIndex())
    if extraction.facts:
        builder.build()
    records = list(builder.records.values())
    for record in records:
        _ensure_readable(record)
    notes = builder.notes
    if not records:
        notes.append("no announcement facts found: the text may not be a grant announcement")
    return Draft(entry, records, extraction.document.text, notes, known,
                 Path(extraction.document.name).name)
