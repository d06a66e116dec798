"""Compare what :func:`kg.ingest.extract.extract` finds with a gold set (``gold.json`` beside
``docNN.txt``; see that directory's README, "How to score").

Recall, per kind: identifiers on ``normalised``; the beneficiary on its name (an implied one
only if the emitted fact is marked inferred); the title, programmes, the fund and partners on
the ``as_written`` span after whitespace/quote normalisation (equal, or one containing the other
with the shorter at least 70 % of the longer); money on value and currency; dates on ``iso``
(a gold date with no iso is found when a date fact with that string and no year is emitted).

Invented: an emitted fact whose ``as_written`` is not on its line, or that matches one of the
generic "must not emit" checks: a normalised id with non-Latin letters or spaces; an id (or a
-C suffix) the document's gold does not have; money where the gold has none; a currency where
the gold gives none; a partner where the gold has none; a programme, fund or title where the
gold has none (unless marked derived/inferred); a beneficiary where the gold has none; a year on
a date the gold marks as having none; a beneficiary stated as explicit where the gold says it is
only implied.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.ingest.extract import Extraction, Fact, extract
from kg.ingest.text import read_path
from kg.records.citations import source_text_path
from kg.records.corpus import Corpus, load_corpus
from kg.records.field_values import parsed_value
from kg.records.model import Verbatim

KINDS = ("identifiers", "beneficiary", "title", "programmes", "fund", "partners", "money", "dates",
         "durations", "target groups", "activities")
#: Kinds only the held-out gold (curated records) has; shown only where there are any.
RECORD_ONLY_KINDS = ("durations", "target groups", "activities")


def norm_name(text: str) -> str:
    text = re.sub(r"[„“”\"«»'’`]", " ", text)
    text = re.sub(r"[‐‑‒–—―−]", "-", text)
    return " ".join(text.lower().split()).strip(" ,.;:")


def same_name(gold: str, emitted: str) -> bool:
    a, b = norm_name(gold), norm_name(emitted)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.7 * len(long_)


@dataclass
class DocScore:
    doc: str
    found: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    flags: int = 0
    facts: int = 0
    seconds: float = 0.0


def _count(score: DocScore, kind: str, hit: bool, what: str) -> None:
    score.total[kind] = score.total.get(kind, 0) + 1
    score.found[kind] = score.found.get(kind, 0) + int(hit)
    if not hit:
        score.missed.append(f"{kind}: {what}")


def _facts(extraction: Extraction, kind: str) -> list[Fact]:
    return extraction.of_kind(kind)


def score_document(doc: str, gold: dict[str, Any], extraction: Extraction) -> DocScore:
    score = DocScore(doc, facts=len(extraction.facts), flags=len(extraction.flagged))
    ids = _facts(extraction, "identifier")
    for item in gold.get("identifiers", []):
        hit = any(f.value == item["normalised"] for f in ids)
        if item.get("stem_ok"):  # held-out: a number the text writes only as an id's stem
            hit = hit or any(str(f.value).startswith(item["normalised"] + "-") for f in ids)
        _count(score, "identifiers", hit, item["normalised"])
    beneficiary = gold.get("beneficiary")
    emitted_beneficiaries = _facts(extraction, "beneficiary")
    if beneficiary:
        implied = not beneficiary["basis"].startswith("explicit")
        hit = any(same_name(beneficiary["name"], f.as_written) and (f.inferred or not implied)
                  for f in emitted_beneficiaries)
        _count(score, "beneficiary", hit, beneficiary["name"])
    titles = _facts(extraction, "title")
    if gold.get("project_title"):
        _count(score, "title", any(same_name(gold["project_title"], f.as_written)
                                   or ("fragments" in f.attrs and same_name(gold["project_title"], f.value))
                                   for f in titles), gold["project_title"])
    programmes = _facts(extraction, "programme")
    for item in gold.get("programmes", []):
        hit = any(same_name(item["as_written"], f.as_written) for f in programmes)
        if item.get("code"):  # held-out gold: the programme the text names, however worded
            hit = hit or any(f.value == item["code"] and not f.inferred for f in programmes)
        _count(score, "programmes", hit, item["as_written"])
    funds = _facts(extraction, "fund")
    if gold.get("fund"):
        _count(score, "fund", any(same_name(gold["fund"]["as_written"], f.as_written) for f in funds),
               gold["fund"]["as_written"])
    partners = _facts(extraction, "partner")
    for item in gold.get("partners", []):
        _count(score, "partners", any(same_name(item["as_written"], f.as_written) for f in partners),
               item["as_written"])
    amounts = _facts(extraction, "amount")
    for item in gold.get("money", []):
        hit = any(f.value is not None
                  and abs(Decimal(f.value) - Decimal(str(item["value"]))) < Decimal("0.005")
                  and f.attrs.get("currency") == item["currency"] for f in amounts)
        _count(score, "money", hit, f"{item['as_written']} ({item['value']} {item['currency']})")
    dates = _facts(extraction, "date")
    for item in gold.get("dates", []):
        if item["iso"]:
            hit = any(f.value == item["iso"] for f in dates)
        else:
            hit = any(f.value is None and same_name(item["as_written"], f.as_written) for f in dates)
        _count(score, "dates", hit, f"{item['as_written']} ({item['iso']})")
    for gold_kind, kind, fact_kind in (("durations", "durations", "duration"),
                                       ("target_groups", "target groups", "target-group"),
                                       ("activities", "activities", "activity")):
        emitted = _facts(extraction, fact_kind)
        for item in gold.get(gold_kind, []):
            hit = any(same_name(item, f.as_written) or same_name(item, str(f.value)) for f in emitted)
            _count(score, kind, hit, item)
    score.invented = invented(gold, extraction)
    return score


def invented(gold: dict[str, Any], extraction: Extraction) -> list[str]:
    """The emitted facts that are invented by the module's generic must-not-emit checks."""
    lines = extraction.document.lines
    out: list[str] = []
    for fact in extraction.facts:
        if not (1 <= fact.line <= len(lines)) or fact.as_written not in lines[fact.line - 1]:
            out.append(f"{fact.kind} {fact.as_written!r}: not on line {fact.line}")
        for piece in fact.attrs.get("fragments", []):  # a value joined from wrapped lines
            if not (1 <= piece["line"] <= len(lines)) or piece["text"] not in lines[piece["line"] - 1]:
                out.append(f"{fact.kind} fragment {piece['text']!r}: not on line {piece['line']}")
    gold_ids = {item["normalised"] for item in gold.get("identifiers", [])}
    gold_ids |= set(gold.get("allowed_identifiers", []))
    for fact in _facts(extraction, "identifier"):
        value = str(fact.value)
        if fact.attrs.get("id_kind") != "other" and (re.search(r"[^\x00-\x7f]|\s", value)):
            out.append(f"identifier {value!r} keeps non-Latin letters or spaces")
        if value not in gold_ids:
            out.append(f"identifier {value!r} is not in the gold (a suffix or code the text lacks?)")
    checks = (
        ("money", "amount", "money in a document whose gold has none"),
        ("partners", "partner", "a partner in a document whose gold has none"),
        ("programmes", "programme", "a programme in a document whose gold names none"),
    )
    for gold_kind, kind, message in checks:
        if not gold.get(gold_kind):
            out += [f"{kind} {f.as_written!r}: {message}" for f in _facts(extraction, kind)
                    if not f.inferred]
    if not gold.get("fund"):
        out += [f"fund {f.as_written!r}: a fund where the gold states none"
                for f in _facts(extraction, "fund")]
    if not gold.get("project_title"):
        out += [f"title {f.as_written!r}: a title where the gold has none"
                for f in _facts(extraction, "title")]
    if not gold.get("beneficiary"):
        out += [f"beneficiary {f.as_written!r}: the gold names none"
                for f in _facts(extraction, "beneficiary")]
    elif not gold["beneficiary"]["basis"].startswith("explicit"):
        out += [f"beneficiary {f.as_written!r} stated as explicit; the gold says implied"
                for f in _facts(extraction, "beneficiary")
                if same_name(gold["beneficiary"]["name"], f.as_written) and not f.inferred]
    if gold.get("money") and all(item["currency"] is None for item in gold["money"]):
        out += [f"amount {f.as_written!r}: a currency the text does not give"
                for f in _facts(extraction, "amount") if f.attrs.get("currency")]
    no_year = [item["as_written"] for item in gold.get("dates", []) if item.get("inferred_year")]
    for fact in _facts(extraction, "date"):
        if fact.value and any(same_name(raw, fact.as_written) for raw in no_year):
            out.append(f"date {fact.as_written!r} given a year ({fact.value}) the text does not state")
    if not gold.get("dates"):
        out += [f"date {f.as_written!r}: a date where the gold has none" for f in _facts(extraction, "date")]
    return out


# --------------------------------------------------------------------------- held-out gold

#: The seed announcements whose curated records are the held-out gold: real texts of the
#: genre that the extraction rules were not written against.
HELD_OUT_SOURCES = ("kyustendil-equal-opportunities", "kyustendil-independent-living",
                    "vidin-integrated-approach", "alos-equal-opportunities")


def _verbatims(value: Any) -> list[Verbatim]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Verbatim)]


def gold_from_records(corpus: Corpus, source_id: str) -> dict[str, Any]:
    """Gold facts, in gold.json's shape, derived from the curated records of ``source_id``.

    identifiers: every Contract/Project number and Procedure code as written with its canonical
    form (a project or procedure number counts as found when an emitted identifier extends it:
    the text often writes it only as the stem of the contract number; Programme codes are
    allowed but not counted); beneficiary, partners and associated partners: each
    Participation's ``name_as_written`` and role; title: the Project's title; programmes: the
    Programme records (matched by name or by canonical code); fund: the Fund record; money:
    every Amount (value as written, canonical value and currency); dates: every field of kind
    ``date`` with its canonical value (a date without a year has none); also the Project's
    duration, TargetGroup labels and Activity labels (kinds the development gold lacks).
    Facts the curator took across several lines are kept: the extractor, which reads one line
    at a time, misses them.
    """
    records = [record for record in corpus.records if record.source == source_id]
    gold: dict[str, Any] = {"identifiers": [], "programmes": [], "partners": [], "money": [],
                            "dates": []}
    seen_ids: set[str] = set()
    for record in records:
        kind = {"Contract": "contract", "Project": "project", "Procedure": "procedure",
                "Programme": "programme"}.get(record.type.name)
        field_name = {"Contract": "number", "Project": "number", "Procedure": "code",
                      "Programme": "code"}.get(record.type.name)
        if kind and field_name and (values := _verbatims(record.values.get(field_name))):
            value = values[0]
            canonical = value.normalised or parsed_value("ident", value)
            if kind == "programme":  # not counted (a code, not a number), but not invented
                gold.setdefault("allowed_identifiers", []).append(canonical)
            elif canonical and canonical not in seen_ids:
                seen_ids.add(canonical)
                # a project or procedure number is often written only as the stem of the
                # contract number: found when an emitted identifier extends it
                gold["identifiers"].append({"kind": kind, "as_written": value.text,
                                            "normalised": canonical,
                                            "stem_ok": kind in ("project", "procedure")})
        if record.type.name == "Project" and (titles := _verbatims(record.values.get("title"))):
            gold["project_title"] = titles[0].text
        if record.type.name == "Programme":
            names = _verbatims(record.values.get("name")) or _verbatims(record.values.get("abbreviation"))
            if names:
                gold["programmes"].append({"as_written": names[0].text,
                                           "code": record.id.split("/", 1)[1]})
        if record.type.name == "Project" and (values := _verbatims(record.values.get("duration"))):
            gold.setdefault("durations", []).append(values[0].text)
        if record.type.name in ("TargetGroup", "Activity") and (
                labels := _verbatims(record.values.get("label"))):
            key = "target_groups" if record.type.name == "TargetGroup" else "activities"
            gold.setdefault(key, []).append(labels[0].text)
        if record.type.name == "Fund" and (names := _verbatims(record.values.get("name"))):
            gold["fund"] = {"as_written": names[0].text}
        if record.type.name == "Participation":
            names = _verbatims(record.values.get("name_as_written"))
            role = record.values.get("role")
            if names and role == "beneficiary":
                gold["beneficiary"] = {"name": names[0].text, "basis": "explicit"}
            elif names:
                gold["partners"].append({"as_written": names[0].text, "role": role})
        if record.type.name == "Amount" and (values := _verbatims(record.values.get("value"))):
            money = parsed_value("money", values[0])
            if money is not None:
                gold["money"].append({"as_written": values[0].text, "value": float(money.value),
                                      "currency": money.currency})
        for name, value in record.values.items():
            spec = record.type.field_named(name)
            if spec is None or spec.kind != "date":
                continue
            for item in _verbatims(value):
                parsed = parsed_value("date", item)
                if parsed is None:
                    continue
                partial = parsed.datatype == "gMonthDay"
                entry = {"as_written": item.text, "iso": None if partial else parsed.lexical}
                if partial:
                    entry["inferred_year"] = True
                if entry not in gold["dates"]:
                    gold["dates"].append(entry)
    return gold


def score_held_out(data_dir: Path | str, seeds_dir: Path | str,
                   sources: tuple[str, ...] = HELD_OUT_SOURCES) -> Report:
    """Score the extractor on the seed announcements against gold derived from their records."""
    corpus = load_corpus(Path(data_dir))
    documents = []
    for source_id in sources:
        source = corpus.sources[source_id]
        document = read_path(source_text_path(source, Path(seeds_dir), Path(data_dir)))
        start = time.perf_counter()
        extraction = extract(document)
        seconds = time.perf_counter() - start
        score = score_document(source_id, gold_from_records(corpus, source_id), extraction)
        score.seconds = seconds
        documents.append(score)
    return Report(documents)


@dataclass
class Report:
    documents: list[DocScore]

    def totals(self) -> dict[str, tuple[int, int]]:
        out = {}
        for kind in KINDS:
            out[kind] = (sum(d.found.get(kind, 0) for d in self.documents),
                         sum(d.total.get(kind, 0) for d in self.documents))
        return out

    @property
    def recall(self) -> float:
        found = sum(f for f, _ in self.totals().values())
        total = sum(t for _, t in self.totals().values())
        return found / total if total else 1.0

    @property
    def invented(self) -> int:
        return sum(len(d.invented) for d in self.documents)

    def table(self) -> str:
        rows = ["| kind | found / gold | recall |", "|---|---:|---:|"]
        for kind, (found, total) in self.totals().items():
            if kind in RECORD_ONLY_KINDS and not total:
                continue
            rows.append(f"| {kind} | {found} / {total} | {found / total:.0%} |" if total
                        else f"| {kind} | 0 / 0 | — |")
        found = sum(f for f, _ in self.totals().values())
        total = sum(t for _, t in self.totals().values())
        rows.append(f"| **all** | **{found} / {total}** | **{self.recall:.1%}** |")
        return "\n".join(rows)

    def per_document(self) -> str:
        rows = ["| doc | gold facts found | invented | facts emitted | flagged | ms |",
                "|---|---:|---:|---:|---:|---:|"]
        for d in self.documents:
            rows.append(f"| {d.doc} | {sum(d.found.values())} / {sum(d.total.values())} | {len(d.invented)} "
                        f"| {d.facts} | {d.flags} | {d.seconds * 1000:.1f} |")
        return "\n".join(rows)

    def details(self) -> str:
        lines = []
        for d in self.documents:
            name = f"doc{d.doc}" if d.doc.isdigit() else d.doc
            for item in d.missed:
                lines.append(f"- {name} missed {item}")
            for item in d.invented:
                lines.append(f"- {name} INVENTED {item}")
        return "\n".join(lines) or "- nothing missed, nothing invented"


def score_gold(gold_path: Path | str) -> Report:
    """Score every ``docNN.txt`` beside ``gold_path`` against the gold facts in it."""
    gold_path = Path(gold_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    documents = []
    for doc in sorted(gold):
        document = read_path(gold_path.parent / f"doc{doc}.txt")
        start = time.perf_counter()
        extraction = extract(document)
        seconds = time.perf_counter() - start
        score = score_document(doc, gold[doc], extraction)
        score.seconds = seconds
        documents.append(score)
    return Report(documents)


def render(report: Report) -> str:
    """The text ``kg ingest --score GOLD`` prints: per kind, per document, what was missed."""
    return "\n\n".join((report.table(), report.per_document(), report.details()))
