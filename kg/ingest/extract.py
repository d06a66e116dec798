"""Facts of a grant announcement, each with the exact string it was read from and its line.

Rules are written for the genre (Bulgarian announcements of EU/EEA-funded projects, public
register records in English, municipal council decisions), not for any one text, and name no
place or organisation (a test scans them). They run one line at a time, so every fact's
``as_written`` is a substring of its line; :func:`extract` checks that and drops a fact that is
not (it never reaches the caller). Where a wrapped text carries a title or a list item over
several lines, the fact is cited on its first line and its value is joined from the pieces,
each cited in ``attrs["fragments"]`` (line and text) and flagged for review. Nothing is invented:
an inferred fact says so (``inferred`` and ``basis``), no year is filled in, amounts are never
summed or corrected, and a number is money only with a currency or an explicit money label.
Doubtful facts carry review ``flags``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.ingest.text import Document
from kg.records.normalize import (
    CYRILLIC_LOOKALIKES,
    DASHES,
    MONTHS,
    NormalisationError,
    identifier_corrections,
    normalise_identifier,
    normalise_programme_code,
    parse_date,
    parse_duration,
    parse_money,
    parse_registry_id,
)

# --------------------------------------------------------------------------- facts


@dataclass
class Fact:
    kind: str  # identifier, beneficiary, partner, registry-id, title, programme, fund, amount,
    #            date, duration, place, target-group, activity, amendment, legal-basis,
    #            adopted-document, vote, chair
    as_written: str
    line: int
    value: Any = None
    label: str | None = None
    inferred: bool = False
    basis: str | None = None
    flags: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "as_written": self.as_written, "line": self.line,
                               "value": self.value}
        if self.label:
            out["label"] = self.label
        if self.inferred:
            out["inferred"] = True
            out["basis"] = self.basis
        if self.flags:
            out["flags"] = list(self.flags)
        out.update(self.attrs)
        return out


@dataclass
class Extraction:
    document: Document
    facts: list[Fact]
    dropped: int = 0  # facts whose as_written was not on their line (a bug; never emitted)

    def of_kind(self, kind: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.kind == kind]

    @property
    def flagged(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.flags]


# --------------------------------------------------------------------------- shared patterns

Q_OPEN = "„“\"«"
Q_CLOSE = "“”\"»"
QUOTES = "„“”\"«»"
_DASH = DASHES + "-"
SEP = rf"\s*[{_DASH}]\s*"
_MONTH_BG = "|".join(MONTHS)
_MONTH_EN = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_LOOK = "A-Z" + "".join(char for char in CYRILLIC_LOOKALIKES if char.isupper())
_PROG_CODE = rf"BG\s?\d{{2}}[{_LOOK}\d]{{4}}\d{{3}}|BGLD"

# --------------------------------------------------------------------------- identifiers

KNOWN_PROGRAMME_CODES = {
    "BG05M9OP001": "2014BG05M9OP001",  # ОП РЧР 2014-2020
    "BG05M2OP001": "2014BG05M2OP001",  # ОП НОИР 2014-2020
    "BG05SFPR002": "BG05SFPR002",  # ПРЧР 2021-2027
    "BG05SFPR003": "BG05SFPR003",  # ПХОМП 2021-2027
    "BGLD": "BGLD",  # EEA/Norway Grants: Local development, poverty reduction, Roma inclusion
}
_ID = re.compile(
    rf"(?<![A-Za-z0-9])(?P<prog>{_PROG_CODE}){SEP}(?P<proc>\d\.\d{{3}})(?![\d.])"
    rf"(?:{SEP}(?P<serial>\d{{3,4}})(?![\d.]))?"
    rf"(?:{SEP}(?:(?P<cci>\d{{4}}BG\d{{2}}[{_LOOK}\d]{{4}}\d{{3}}){SEP})?(?P<c>[CС]\d{{2,3}})(?!\d))?")
_PROG_ALONE = re.compile(rf"""(?<![A-Za-z0-9{_DASH}])
    (?:\d{{4}})?BG\d{{2}}[{_LOOK}\d]{{4}}\d{{3}}   # a programme code or CCI on its own
    (?![\w{_DASH}])""", re.VERBOSE)
_DECISION = re.compile(r"(?<![А-Яа-я])(Решение|РЕШЕНИЕ|решение)\s*(?:№\s*)?(\d{1,5})(?!\d)")
_PROTOCOL = re.compile(r"(?<![А-Яа-я])(Протокол|ПРОТОКОЛ|протокол)\s*(?:№\s*)?(\d{1,4})(?!\d)")


_CORRECTION_FLAGS = (
    ("Cyrillic look-alike", "corrected id: Cyrillic look-alike letters"),
    ("zero written for the letter O", "corrected id: digit 0 written for the letter O"),
    ("project serial padded", "corrected id: 3-digit serial padded to 4"),
    ("contract suffix written with 3 digits", "corrected id: contract suffix cut to C and 2 digits"),
)


def correction_flags(raw: str) -> list[str]:
    """The review flags for the corrections :func:`normalise_identifier` makes to ``raw``
    (dashes and spaces are layout, not corrections worth a flag)."""
    reasons = [correction.reason for correction in identifier_corrections(raw)]
    return [flag for prefix, flag in _CORRECTION_FLAGS
            if any(reason.startswith(prefix) for reason in reasons)]


def _identifiers(line: str, number: int, facts: list[Fact], spans: list[tuple[int, int]]) -> None:
    for match in _ID.finditer(line):
        try:
            value = normalise_identifier(match.group(0))
            prog = normalise_programme_code(match["prog"])
        except NormalisationError:
            continue
        kind = "contract" if match["c"] else "project" if match["serial"] else "procedure"
        facts.append(Fact("identifier", match.group(0), number, value, label=kind,
                          flags=correction_flags(match.group(0)),
                          attrs={"id_kind": kind, "programme_code": prog}))
        spans.append(match.span())
    for match in _PROG_ALONE.finditer(line):
        if any(start <= match.start() < end for start, end in spans):
            continue
        try:
            value = normalise_programme_code(match.group(0))
        except NormalisationError:
            continue
        facts.append(Fact("identifier", match.group(0), number, value, label="programme",
                          flags=correction_flags(match.group(0)), attrs={"id_kind": "programme"}))
    for pattern, word in ((_DECISION, "Решение"), (_PROTOCOL, "Протокол")):
        for match in pattern.finditer(line):
            facts.append(Fact("identifier", match.group(0), number, f"{word} № {match[2]}",
                              label="other", attrs={"id_kind": "other",
                                                    "subkind": word.lower()}))


def _reconcile_programme_codes(facts: list[Fact]) -> None:
    """A procedure code whose programme part is no known programme, while a contract of the
    same document has the same procedure number under a known one, takes that code (flagged:
    the written code is kept in as_written)."""
    ids = [fact for fact in facts if fact.kind == "identifier" and "programme_code" in fact.attrs]
    for fact in ids:
        prog = fact.attrs["programme_code"]
        if prog in KNOWN_PROGRAMME_CODES:
            continue
        procedure = fact.value[len(prog):].split("-")[1]
        for other in ids:
            other_prog = other.attrs["programme_code"]
            if (other_prog in KNOWN_PROGRAMME_CODES and other.value[len(other_prog):].split("-")[1]
                    == procedure and sum(a != b for a, b in zip(prog, other_prog, strict=False)) <= 1
                    and len(prog) == len(other_prog)):
                fact.value = other_prog + fact.value[len(prog):]
                fact.attrs["programme_code"] = other_prog
                fact.flags.append(f"corrected id: programme code {prog} is unknown; the document's "
                                  f"{other.value} has the same procedure under {other_prog}")
                break
        else:
            fact.flags.append(f"unknown programme code {prog}")


# --------------------------------------------------------------------------- programmes, funds

PROGRAMMES = {
    "2014BG05M9OP001": "ОП „Развитие на човешките ресурси“ 2014-2020",
    "2014BG05M2OP001": "ОП „Наука и образование за интелигентен растеж“ 2014-2020",
    "BG05SFPR002": "Програма „Развитие на човешките ресурси“ 2021-2027",
    "BG05SFPR003": "Програма за храни и основно материално подпомагане 2021-2027",
    "BGLD": "EEA Grants: Местно развитие, намаляване на бедността и подобрено включване на уязвими групи",
}
_YEARS = rf"(?:\s*\d{{4}}{SEP}\d{{4}}(?:\s*г\.)?)?"
_NAMED_OP = re.compile(
    rf"(?:Оперативна(?:та)? програма|ОП)\s*[{Q_OPEN}]\s*(?P<name>[^{QUOTES}]+?)\s*[{Q_CLOSE}]"
    rf"(?:\s*\((?:ОП\s?)?[А-Я]{{3,6}}\))?{_YEARS}")
_NAMED_PROGRAMME = re.compile(
    rf"(?<![А-Яа-я])[Пп]рограма(?:та)?:?\s*[{Q_OPEN}]\s*(?P<name>[^{QUOTES}]+?)\s*[{Q_CLOSE}]{_YEARS}")
_UNQUOTED_PROGRAMME = re.compile(
    r"(?<![А-Яа-я])Програма(?:та)?\s+(?:за\s+)?храни\s+и\s+основно\s+материално\s+подпомагане"
    r"|(?<![А-Яа-я])Програма(?:та)?\s+„?Развитие\s+на\s+човешките\s+ресурси“?\s+2021\s*[-–]\s*2027")
_ABBREVIATION = re.compile(rf"(?<![А-Яа-я])(?P<abbr>ОП\s?РЧР|ОП\s?НОИР|ПРЧР|ПХОМП){_YEARS}(?![А-Яа-я])")
_BARE_OP = re.compile(r"(?<![А-Яа-я])Оперативна(?:та)? програма(?!\s*[„“\"«]|\s+[А-Я„])")
_CLLD = re.compile(r"(?:[Сс]тратегия(?:та)?\s+за\s+)?(?:ВОМР|[Вв]одено\s+от\s+общностите\s+местно\s+развитие)"
                   r"(?:\s+на\s+МИГ(?:\s+[А-ЯA-Z0-9][^\s,.;„“”\"]*){1,3})?")


def programme_of_name(name: str, whole: str) -> str | None:
    low = " ".join(name.lower().split())
    if "човешките ресурси" in low:
        if re.search(r"2021\s*[-–]\s*2027", whole):
            return "BG05SFPR002"
        if "оперативна" in whole.lower() or whole.startswith("ОП") or re.search(r"2014\s*[-–]\s*2020", whole):
            return "2014BG05M9OP001"
        return None
    if "наука и образование" in low:
        return "2014BG05M2OP001"
    if "храни и основно материално" in low:
        return "BG05SFPR003"
    if "намаляване на бедността" in low and "уязвими групи" in low:
        return "BGLD"
    return None


def _programmes(line: str, number: int, facts: list[Fact]) -> None:
    spans: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        return not any(s < match.end() and match.start() < e for s, e in spans)

    for match in _NAMED_OP.finditer(line):
        value = programme_of_name(match["name"], match.group(0))
        flags = [] if value else ["programme not identified from its name"]
        facts.append(Fact("programme", match.group(0), number, value, flags=flags))
        spans.append(match.span())
    for match in _NAMED_PROGRAMME.finditer(line):
        if not free(match):
            continue
        value = programme_of_name(match["name"], match.group(0))
        if value is None and "програм" not in line[max(0, match.start() - 30):match.start() + 12].lower():
            continue
        as_written = match["name"]  # the name as quoted, without "програма „"
        flags = [] if value else ["programme not identified from its name"]
        facts.append(Fact("programme", as_written, number, value, flags=flags))
        spans.append(match.span())
    for match in _UNQUOTED_PROGRAMME.finditer(line):
        if free(match):
            facts.append(Fact("programme", match.group(0), number,
                              programme_of_name(match.group(0), match.group(0))))
            spans.append(match.span())
    for match in _ABBREVIATION.finditer(line):
        if not free(match):
            continue
        abbr = match["abbr"].replace(" ", "")
        value = {"ОПРЧР": "2014BG05M9OP001", "ОПНОИР": "2014BG05M2OP001", "ПРЧР": "BG05SFPR002",
                 "ПХОМП": "BG05SFPR003"}[abbr]
        facts.append(Fact("programme", match.group(0), number, value))
        spans.append(match.span())
    for match in _BARE_OP.finditer(line):
        if free(match):
            facts.append(Fact("programme", match.group(0), number, None,
                              flags=["programme not named (the text says only 'Оперативна програма')"]))
    for match in _CLLD.finditer(line):
        facts.append(Fact("programme", match.group(0), number, "CLLD", label="funding approach",
                          attrs={"approach": "community-led local development"}))


def _derived_programmes(facts: list[Fact]) -> list[Fact]:
    """A programme named only by an identifier's prefix: emitted as derived, never as named."""
    named = {fact.value for fact in facts if fact.kind == "programme" and fact.value}
    out, seen = [], set()
    for fact in facts:
        code = fact.attrs.get("programme_code")
        if fact.kind != "identifier" or code not in KNOWN_PROGRAMME_CODES:
            continue
        canonical = KNOWN_PROGRAMME_CODES[code]
        if canonical in named or canonical in seen:
            continue
        seen.add(canonical)
        raw = fact.as_written
        prefix = re.match(rf"(?:{_PROG_CODE})", raw)
        out.append(Fact("programme", prefix.group(0) if prefix else raw, fact.line, canonical,
                        inferred=True, basis=f"derived from the code prefix {code} of {fact.value}",
                        flags=["programme derived from a code prefix only"]))
    return out


_FUNDS = (
    (re.compile(r"Европейски(?:я|ят)?\s+социален\s+фонд\s+плюс|(?<![А-Яа-я])ЕСФ\s?\+"
                r"|European Social Fund Plus"), "ESF+"),
    (re.compile(r"Европейски(?:я|ят)?\s+социален\s+фонд(?!\s+плюс)|(?<![А-Яа-я])ЕСФ(?![А-Яа-я+]|\s\+)"
                r"|European Social Fund(?! Plus)"), "ESF"),
    (re.compile(r"Европейски(?:те)?\s+структурни\s+и\s+инвестиционни\s+фондове|(?<![А-Яа-я])ЕСИФ(?![А-Яа-я])"
                r"|European Structural and Investment Funds"), "ESIF"),
    (re.compile(r"Финансови(?:я|ят)?\s+механизъм\s+на\s+Европейското\s+икономическо\s+пространство"
                rf"(?:\s*\(ФМ на ЕИП\))?{_YEARS}|(?<![А-Яа-я])ФМ на ЕИП|EEA Financial Mechanism"), "EEA FM"),
    (re.compile(r"Норвежки(?:я|ят)?\s+финансов\s+механизъм|Norwegian Financial Mechanism"), "Norway FM"),
)


def _funds(line: str, number: int, facts: list[Fact]) -> None:
    spans: list[tuple[int, int]] = []
    for pattern, value in _FUNDS:
        for match in pattern.finditer(line):
            if any(s < match.end() and match.start() < e for s, e in spans):
                continue
            spans.append(match.span())
            facts.append(Fact("fund", match.group(0), number, value))


# --------------------------------------------------------------------------- money

_NUMBER = (r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d{1,2})?"
           r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)")
_CURRENCY_AFTER = r"\s*(?P<cur>лв\.?|лева|BGN|евро|EUR|€)(?![А-Яа-яA-Za-z])"
_MONEY = re.compile(rf"(?P<num>{_NUMBER}){_CURRENCY_AFTER}")
_MONEY_BEFORE = re.compile(rf"(?<![А-Яа-яA-Za-z])(?P<cur>BGN|EUR|€|лв\.)\s*(?P<num>{_NUMBER})(?![\d%])")
_CURRENCY = {"лв": "BGN", "лв.": "BGN", "лева": "BGN", "BGN": "BGN", "евро": "EUR", "EUR": "EUR",
             "€": "EUR"}
_MONEY_LABEL = re.compile(
    r"^\s*(?P<label>Total cost|Total eligible cost|Grant|Self[ -]?financ\w*|Total paid|Budget|"
    r"EU contribution|National contribution|Обща стойност|Стойност|Бюджет|БФП|Размер на БФП|"
    r"Общ размер на БФП|Безвъзмездна финансова помощ|Собствен принос|Изплатени средства)"
    rf"\s*[:|]\s*(?P<num>{_NUMBER})\s*(?:\||$)", re.IGNORECASE)
_COMPONENTS_BEFORE = (
    ("total", r"обща(?:та)? стойност|общ(?:ият)? бюджет|общ(?:ият)? размер|обща сума|стойност(?:та)?"
              r"|бюджет|допустими(?:те)? разходи|total cost|total"),
    ("grant", r"бфп|безвъзмездна|grant"),
    ("self-financing", r"собствен|self[ -]?financ"),
    ("paid", r"изплатен|paid"),
    ("cost item", r"за храна|(?<!допустимите )(?<!допустими )разходи|за [а-я]+ мерки"),
    ("amendment change", r"увелич|намал"),
)
_COMPONENTS_AFTER = (
    ("eu-share", r"^[\s,.]*(?:\S+\s+){0,1}(?:европейско|от европейския|ес\b)"),
    ("national-share", r"^[\s,.]*(?:\S+\s+){0,1}национално"),
    ("programme share", r"^[\s,.]*по\s+(?:ОП|Оперативна|програма|ПРЧР|ПХОМП)"),
)


def _component(line: str, start: int, end: int) -> tuple[str | None, str | None]:
    after = line[end:end + 40]
    for name, pattern in _COMPONENTS_AFTER:
        if match := re.search(pattern, after, re.IGNORECASE):
            return name, match.group(0).strip(" ,.")
    before = line[max(0, start - 70):start]
    best: tuple[int, str, str] | None = None
    for name, pattern in _COMPONENTS_BEFORE:
        for match in re.finditer(pattern, before, re.IGNORECASE):
            if best is None or match.start() > best[0]:
                best = (match.start(), name, match.group(0))
    return (best[1], best[2]) if best else (None, None)


def _money(line: str, number: int, facts: list[Fact], taken: list[tuple[int, int]]) -> None:
    found: list[tuple[int, int, str, str | None]] = []
    for match in _MONEY.finditer(line):
        found.append((match.start(), match.end(), match["num"], _CURRENCY[match["cur"]]))
    for match in _MONEY_BEFORE.finditer(line):
        if not any(s < match.end() and match.start() < e for s, e, *_ in found):
            found.append((match.start(), match.end(), match["num"], _CURRENCY[match["cur"]]))
    if (label_match := _MONEY_LABEL.match(line)) and not found:
        found.append((label_match.start("num"), label_match.end("num"), label_match["num"], None))
    for start, end, num, currency in sorted(found):
        if any(s < end and start < e for s, e in taken):
            continue
        flags: list[str] = []
        try:
            value: Decimal | None = parse_money(num).value
        except NormalisationError as error:  # ambiguous (1,234) or malformed: not guessed
            value = None
            flags.append(f"amount not read: {error}")
        component, label = _component(line, start, end)
        if label_match and currency is None:
            label = label_match["label"]
            component = _component(line, label_match.end("label"), label_match.end("label"))[0] or component
            flags.append("no currency stated")
        facts.append(Fact("amount", line[start:end].strip(), number,
                          None if value is None else str(value), label=label,
                          flags=flags, attrs={"currency": currency, "component": component}))


# --------------------------------------------------------------------------- dates

_Y = r"(?:\s*(?:година|г\.|год\.?|г(?![А-Яа-я])))?"
_DATE_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])" + _Y, re.IGNORECASE)
_DATE_ISO = re.compile(r"(?<![\d.-])(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?![\d-])")
_DATE_WORDS = re.compile(rf"(?<![\d])(\d{{1,2}})\s+({_MONTH_BG})(?:\s+(\d{{4}})(?!\d){_Y})?(?![А-Яа-я])",
                         re.IGNORECASE)
_DATE_MONTH_YEAR = re.compile(rf"(?<![А-Яа-я])({_MONTH_BG})\s*(\d{{4}})(?!\d){_Y}",
                              re.IGNORECASE)
_DATE_EN = re.compile(rf"(?<![\d])(\d{{1,2}})\s+({_MONTH_EN}),?\s+(\d{{4}})(?!\d)")
_DATE_EN_MDY = re.compile(rf"(?<![A-Za-z])({_MONTH_EN})\s+(\d{{1,2}}),\s+(\d{{4}})(?!\d)")
_DATE_RELATIVE = re.compile(
    r"(?:до\s+)?(?:средата|началото|края)\s+на\s+(?:следващата|текущата|тази|миналата|настоящата)\s+година"
    r"|(?:до\s+)?(?:края|средата|началото)\s+на\s+годината", re.IGNORECASE)
_DATE_LABELS = (
    ("signed", r"подпис|адбфп|договор|contract date|споразумение|signed"),
    ("start", r"стартира|начало|начална|започна|start date|от$|started"),
    ("end", r"приключ|край|end date|до$|удълж"),
    ("protocol", r"заседание|проведено|протокол|решение"),
    ("event", r"проведен|утре|събитие|представи|ще се проведе"),
    ("period", r"период"),
    ("publication", r"публикува|published"),
)


def _date_label(line: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    before = line[max(0, start - 45):start].lower().rstrip()
    if re.search(r"^\s*$", line[:start]) and re.search(r"^\s*$", line[end:]):
        return "publication"
    if any(e <= start and start - e <= 5 for _, e in spans) and before.endswith("от"):
        return "signed"
    s_start, s_end = _sentence_bounds(line, start)
    sentence = line[s_start:s_end].lower()
    if "проведен" in sentence and "процедура" not in line[s_start:start].lower():
        return "event"
    best: tuple[int, str] | None = None
    for name, pattern in _DATE_LABELS:
        for match in re.finditer(pattern, before):
            if best is None or match.end() >= best[0]:
                best = (match.end(), name)
    if re.search(r"\d\s*(?:г\.)?\s*[-–—]\s*$", line[max(0, start - 8):start]):
        return "end"
    if re.match(r"^\s*[-–—]\s*\d{1,2}\.\d{1,2}\.\d{4}", line[end:]) and (
            best is None or best[1] in ("end", "date")):
        return "start"
    return best[1] if best else "date"


def _dates(line: str, number: int, facts: list[Fact], id_spans: list[tuple[int, int]]) -> None:
    spans: list[tuple[int, int]] = []

    def add(match: re.Match[str], iso: str | None, flags: list[str], precision: str,
            **attrs: Any) -> None:
        if any(s < match.end() and match.start() < e for s, e in spans + id_spans):
            return
        spans.append(match.span())
        label = _date_label(line, match.start(), match.end(), id_spans)
        facts.append(Fact("date", match.group(0).strip(), number, iso, label=label, flags=flags,
                          attrs={"precision": precision, **attrs}))

    def parsed(match: re.Match[str]) -> None:
        """A date written in full: kg.records.normalize.parse_date reads it (an impossible
        calendar day is no date at all)."""
        try:
            date = parse_date(match.group(0).strip())
        except NormalisationError:
            return
        if date.datatype == "gMonthDay":
            add(match, None, ["date without a year: the year is not filled in"], "month-day",
                month_day=date.lexical)
        else:
            add(match, date.lexical, [], "day")

    for pattern in (_DATE_ISO, _DATE_DMY, _DATE_EN, _DATE_EN_MDY, _DATE_WORDS):
        for match in pattern.finditer(line):
            parsed(match)
    for match in _DATE_MONTH_YEAR.finditer(line):
        add(match, f"{int(match[2]):04d}-{MONTHS[match[1].lower()]:02d}", [], "month")
    for match in _DATE_RELATIVE.finditer(line):
        add(match, None, ["relative date: no calendar date is given"], "relative")


_DURATION = re.compile(r"""
    (?:[Пп]родължителност|[Сс]рок|в\s+рамките\s+на)[^.\d]{0,40}?
    (?P<d>\d{1,3}\s*(?:месеца|месец|месеци|години|година|дни|седмици))(?![А-Яа-я])
    | Duration\s*[:|]?\s*(?P<e>\d{1,3}\s*months?)""", re.IGNORECASE | re.VERBOSE)


def _durations(line: str, number: int, facts: list[Fact]) -> None:
    for match in _DURATION.finditer(line):
        if match["d"]:
            try:
                value = parse_duration(match["d"])
            except NormalisationError:
                continue
            facts.append(Fact("duration", match["d"], number, value))
        else:
            facts.append(Fact("duration", match["e"], number, f"P{int(match['e'].split()[0])}M"))


# --------------------------------------------------------------------------- organisations

_ORG_FORMS = (r"Община|НЧ|ДГ|ЦДГ|ОДЗ|СУ|ОУ|ПГ|НУ|(?i:Сдружение|Фондация|Асоциация|Читалище|"
              r"Целодневна\s+детска\s+градина|Детска\s+градина|Народно\s+читалище|Областна\s+администрация|"
              r"Основно\s+училище|Средно\s+училище|Начално\s+училище|Профилирана\s+гимназия|"
              r"Професионална\s+гимназия|Гимназия|Агенция|Университет(?:ът)?|Кооперация|филиал)")
_NAME_BODY = r"(?:[^„“”\".]|\.(?!\s)|(?<=\bс)\.|(?<=\bгр)\.)+?"
_PLACE_AFTER = r"(?:\s*(?:,|[-–—])?\s*(?:в\s+)?(?:с\.|гр\.)\s*[А-Я][а-я]+" \
               r"(?:\s+(?!и\b|на\b|в\b|с\b|за\b|от\b|а\b)[а-я]{3,})?)?"
_ORG = re.compile(
    rf"""(?<![А-Яа-я])(?P<form>{_ORG_FORMS})\s*[{Q_OPEN}]\s*
    (?P<name>[^{QUOTES}]{{1,150}}?(?=\s*[{Q_CLOSE}])   # closed: any text up to the quote
      |{_NAME_BODY})                                  # unclosed: up to a sentence end
    \s*(?P<close>[{Q_CLOSE}]|(?=\.(?:\s|$))(?<!\bс)(?<!\bгр)|$)
    (?P<loc>{_PLACE_AFTER})""", re.VERBOSE)
#: A company written with its name quoted first and its legal form after: „Име“ ООД.
_COMPANY = re.compile(rf"[{Q_OPEN}]\s*(?P<name>[^{QUOTES}]{{2,80}}?)\s*[{Q_CLOSE}]\s*"
                      r"(?P<form>ЕООД|ООД|ЕАД|АД|ЕТ|СД|КД)(?![А-Яа-я])")
_MUNICIPALITY = re.compile(
    rf"(?<![А-Яа-я])[Оо]бщина\s+(?:[{Q_OPEN}]\s*[А-Я][^{QUOTES}]*[{Q_CLOSE}]"
    r"|[А-Я][а-я]+(?:[ -][А-Я][а-я]+)?)")
_LEGAL_FORM = re.compile(r"\b(ЕООД|ООД|ЕАД|АД|ЕТ|СД|КД)\b")
_ORG_KINDS = (("municipality", r"^(?:[Оо]бщина|municipality)"), ("association", r"^(?:Сдружение|Асоциация)"),
              ("foundation", r"^Фондация"), ("kindergarten", r"^(?:ДГ|ЦДГ|ОДЗ|.*детска градина)"),
              ("school", r"^(?:СУ|ОУ|ПГ|НУ)"), ("community centre", r"^(?:НЧ|Читалище|Народно читалище)"))


def org_kind(name: str) -> str | None:
    for kind, pattern in _ORG_KINDS:
        if re.search(pattern, name, re.IGNORECASE):
            return kind
    if _LEGAL_FORM.search(name):
        return "company"
    return None


def _org_attrs(name: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {"org_kind": org_kind(name)}
    if legal := _LEGAL_FORM.search(name):
        attrs["legal_form"] = legal.group(1)
    return attrs


def _org_fact(kind: str, match: re.Match[str] | None, text: str, number: int, line: str,
              last_line: bool, **extra: Any) -> Fact:
    flags = list(extra.pop("flags", []))
    if match is not None and match.group("close") == "":
        if last_line and match.end("name") >= len(line.rstrip()) - 1:
            flags.append("name cut off at the truncated end of the text")
        else:
            flags.append("name with no closing quote")
    return Fact(kind, text.strip(" ,;"), number, " ".join(text.strip(" ,;").split()),
                attrs=_org_attrs(text), flags=flags, **extra)


def _orgs_in(segment: str) -> list[re.Match[str]]:
    found = list(_ORG.finditer(segment))
    for match in _COMPANY.finditer(segment):
        if not any(m.start() <= match.start() < m.end() for m in found):
            found.append(match)
    for match in _MUNICIPALITY.finditer(segment):
        if not any(m.start() <= match.start() < m.end() for m in found):
            found.append(match)
    return sorted(found, key=lambda m: m.start())


_SENTENCE_END = re.compile(r"(?<!\bс)(?<!\bгр)(?<!\bул)\.\s+(?=[А-ЯA-Z\"„])")


def _sentence_bounds(line: str, position: int) -> tuple[int, int]:
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[:match.start()]
        if before.count("„") > before.count("“") + before.count("”"):
            continue  # inside „…“: "Св. св. Кирил" is not a sentence end
        if match.end() <= position:
            start = match.end()
        else:
            return start, match.start() + 1
    return start, len(line)


_PARTNER_KEY = re.compile(r"""
    в\s+партньорство\s+с(?:ъс)?
    | (?<![А-Яа-я])[Пп]артньори(?:те)?            # Партньори [на …] [по проекта] [са]:
      (?:\s+на\s+[^:.;]{1,60}?)?(?:\s+по\s+проекта)?(?:\s+са\s*:?|\s*:)
    | [Аа]социирани?(?:ят|те)?\s+партньори?(?:\s+по\s+проекта)?(?:\s+са)?\s*:?
    """, re.VERBOSE)
#: "Център ПРИМЕР е партньор на …", "Сдружение „Х“ – партньор на …": a named organisation (a
#: capitalised word and an acronym or a quoted name) said to be a partner of another.
_PARTNER_OF = re.compile(rf"""(?<![А-Яа-я])(?P<o>[А-Я][а-я]+
    (?:\s+[А-Я]{{2,}}(?:\s+[А-Я]{{2,}})?(?![а-я])      # Център ПРИМЕР
      |\s*[{Q_OPEN}][^{QUOTES}]{{2,80}}[{Q_CLOSE}]))    # Сдружение „Име“
    \s*(?:е|[-–—])\s+партньор\s+на(?![А-Яа-я])""", re.VERBOSE)
_AS_PARTNER = re.compile(r"\s*,?\s*като\s+(?P<assoc>асоцииран\s+)?партньор")
_PARTICIPANT_CONTEXT = re.compile(r"деца|ученици|участ|групи\s+на")
_EN_PARTNERS = re.compile(r"partners?\s+(?:municipalities|municipality|organisations|organizations)\s+"
                          r"(?P<list>[A-Z][\w-]*(?:\s*,\s*[A-Z][\w-]*)*)")
_EN_DONOR_PARTNER = re.compile(r"(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+)\s*,\s*(?P<country>[A-Z][a-z]+)\s+"
                               r"as\s+a\s+partner(?P<donor>\s+from\s+the\s+donor\s+[Cc]ountry)?")
_EN_BENEFICIARY = re.compile(r"""
    (?P<name>municipality\s+of\s+[A-Z][\w-]+|[Mm]unicipality\s+[A-Z][\w-]+)
    \s+as\s+(?:a\s+|the\s+)?benefic\w*""", re.VERBOSE)
#: "Сдружение „Х“ представи своя нов проект": an organisation presenting its own project.
_PRESENTS_PROJECT = re.compile(rf"""
    ^(?P<o>(?:Сдружение|Фондация|Асоциация)\s*[{Q_OPEN}][^{QUOTES}]+[{Q_CLOSE}])
    (?P<rest>[^.]*?(?:представи|представя|стартира|започна|изпълнява|реализира)
      [^.]*?(?:нов|своя|свой)\s+проект)""", re.VERBOSE)
#: "Бенефициент по проекта е Сдружение „Х“", "Проектът … се изпълнява от Фондация „Х“".
_BENEFICIARY_KEY = re.compile(r"(?P<named>[Бб]енефициент(?:ът)?(?:\s+по\s+проекта)?(?:\s+е)?\s+)"
                              r"|(?:се\s+)?изпълнява\s+от\s+")
_LABELLED = re.compile(r"""^\s*(?P<label>Бенефициент|Бенефициер|Beneficiary|Партньори|Partners
    |Партньор\s*(?:№\s*)?\d{1,2}|Partner\s*\d{1,2}|Водещ\s+партньор|Lead\ partner
    |Асоциирани?\s+партньори?(?:\s*(?:№\s*)?\d{1,2})?|Associated\ partners?)
    \s*[:|]\s*(?P<value>.+?)\s*\|?\s*$""", re.VERBOSE)


def _split_list(value: str) -> list[str]:
    """Split 'A , B “X”, с. Y' on commas outside quotes that do not start a place."""
    parts, depth, current = [], 0, ""
    i = 0
    while i < len(value):
        char = value[i]
        if char in "„«":
            depth += 1
        elif char in "“”»" and depth:
            depth -= 1
        if char == "," and not depth and not re.match(r"\s*(?:с\.|гр\.|село|град)\s", value[i + 1:]):
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    parts.append(current)
    return [part.strip(" ;.") for part in parts if part.strip(" ;.")]


_UNQUOTED_ITEM = re.compile(r"[А-ЯA-Z][^\d:;„“”\"()]{2,100}")


def _unquoted_items(segment: str) -> list[str]:
    """The names of a list written without quotes after 'партньори … са:' — split on commas
    and a final ' и ' before a capital; each item a capitalised phrase of at most 10 words."""
    items = []
    for part in _split_list(segment):
        items += [piece.strip(" ;.") for piece in re.split(r"\s+и\s+(?=[А-ЯA-Z])", part)]
    return [item for item in items if _UNQUOTED_ITEM.fullmatch(item) and len(item.split()) <= 10]


#: A line that announces a list of partners on the lines below ("За партньори по ОП X … бяха
#: избрани следните кандидати:", "Партньори по проекта:"); the colon may come a line later.
_LIST_HEADING = re.compile(r"(?<![А-Яа-я])(?:[Пп]артньори|ПАРТНЬОРИ|[Аа]социирани\s+партньори)"
                           r"(?![А-Яа-я])")
_STRAND = re.compile(r"(?<![А-Яа-я])по\s+(?P<s>ОП\s?[А-Я]{3,5}|ПРЧР|ПХОМП|[Кк]омпонент\s+\d)"
                     r"(?![А-Яа-я])")
_CONTINUATION = re.compile(r"[-–—]?\s*[А-ЯA-Z0-9][А-ЯA-Z0-9 .\-]{0,30}[;,.]?")
_BULLET = re.compile(r"^\s*(?:[•●▪◦*\-–—]|\d{1,2}[.)])?\s*")


def _list_item(line: str) -> tuple[str, re.Match[str]] | None:
    """The organisation a list line names, when the line is nothing but one organisation
    (after a bullet or number; ending in ';', ',', '.', a dash or nothing)."""
    text = _BULLET.sub("", line, count=1).rstrip().rstrip(";,.–—-").rstrip()
    orgs = _orgs_in(text)
    items = _with_branches(text, orgs)
    if len(items) == 1 and orgs[0].start() == 0 and orgs[-1].end() >= len(text) - 1:
        return items[0]
    return None


_BRANCH_JOIN = re.compile(r"\s*(?:,\s*)?(?:и|с|със|заедно\s+с)\s+$")


def _with_branches(text: str, orgs: list[re.Match[str]]) -> list[tuple[str, re.Match[str]]]:
    """Each organisation's text, an organisation and its branch ("Детска градина „X“ – гр. Y и
    филиал „Z“ – гр. W") read as one item: the branch is part of it, not a partner of its own.
    The match returned is the last one (its closing quote decides the flags)."""
    out: list[tuple[str, re.Match[str]]] = []
    starts: list[int] = []
    for org in orgs:
        if out and (org.groupdict().get("form") or "").lower() == "филиал" and \
                _BRANCH_JOIN.fullmatch(text[out[-1][1].end():org.start()]):
            out[-1] = (text[starts[-1]:org.end()].rstrip(), org)
            continue
        out.append((org.group(0), org))
        starts.append(org.start())
    return out


def _parties(lines: list[str], facts: list[Fact]) -> None:
    beneficiaries: list[Fact] = []
    partners: list[Fact] = []
    last = len(lines)
    while last and not lines[last - 1].strip():
        last -= 1
    listing: dict[str, Any] | None = None  # an open vertical list of partners
    pending: dict[str, Any] | None = None  # a partner heading still waiting for its colon
    for index, line in enumerate(lines):
        number = index + 1
        is_last = number == last
        if not line.strip():
            continue
        if listing is not None:
            if listed := _list_item(line):
                text, item = listed
                fact = _org_fact("partner", item if "close" in item.groupdict() else None,
                                 text, number, line, is_last)
                fact.attrs["role"] = listing["role"]
                if listing["strand"]:
                    fact.attrs["strand"] = listing["strand"]
                partners.append(fact)
                continue
            if _CONTINUATION.fullmatch(line.strip()):
                continue  # the tail of a name wrapped onto its own line ("ЦЕНТЪР;")
            listing = None
        heading = pending
        if _LIST_HEADING.search(line):
            heading = {"role": "associated-partner" if re.search(r"[Аа]социир", line) else "partner",
                       "strand": None}
        if heading is not None:
            if strand := _STRAND.search(line):
                heading["strand"] = strand["s"]
            if line.rstrip().endswith(":"):
                listing, pending = heading, None
            elif _SENTENCE_END.search(line) or line.rstrip().endswith("."):
                pending = None
            else:
                pending = heading
        if match := _LABELLED.match(line):
            label, value = match["label"].lower(), match["value"]
            if label.startswith(("бенефици", "benefici")):
                beneficiaries.append(_org_fact("beneficiary", None, value, number, line, is_last,
                                               basis="labelled field", label=match["label"]))
            elif label.startswith(("водещ", "lead")):
                beneficiaries.append(_org_fact(
                    "beneficiary", None, value, number, line, is_last, basis="labelled lead partner",
                    label=match["label"],
                    flags=["doubtful role: the lead partner is read as the beneficiary"]))
            else:
                role = "associated-partner" if label.startswith(("асоц", "assoc")) else "partner"
                for part in _split_list(value):
                    fact = _org_fact("partner", None, part, number, line, is_last)
                    fact.attrs["role"] = role
                    partners.append(fact)
            continue
        # an organisation named the beneficiary, or carrying out the project, in a sentence
        for key in _BENEFICIARY_KEY.finditer(line):
            orgs = _orgs_in(line[key.end():])
            s_start, _end = _sentence_bounds(line, key.start())
            if orgs and orgs[0].start() == 0 and "close" in orgs[0].groupdict() and (
                    key["named"] or re.search(r"[Пп]роект", line[s_start:key.start()])):
                org = orgs[0]
                text = org.group(0).strip(" ,;")
                beneficiaries.append(Fact(
                    "beneficiary", text, number, " ".join(text.split()), attrs=_org_attrs(text),
                    basis="named the beneficiary" if key["named"] else "the project is carried out by it"))
        # explicit beneficiary in a sentence
        for pattern, basis in (
            (rf"[Бб]енефициент(?:ът)?(?:\s+е)?\s+(?P<o>{_MUNICIPALITY.pattern})", "named the beneficiary"),
            (rf"(?:се\s+)?изпълнява\s+от\s+(?P<o>{_MUNICIPALITY.pattern})",
             "the project is carried out by it"),
            (rf"(?<![А-Яа-я])(?P<o>{_MUNICIPALITY.pattern})\s+(?:стартира|започна|изпълнява|реализира|спечели|"
             r"има\s+одобрени|получи|ще\s+изпълнява|в\s+партньорство)", "subject of the project sentence"),
            (rf"[Кк]мет(?:ът)?\s+на\s+(?P<o>{_MUNICIPALITY.pattern}).{{0,80}}?подписа[^.]{{0,120}}"
             r"(?:договор|споразумение)", "its mayor signed the project's contract"),
        ):
            for found in re.finditer(pattern, line):
                name = found["o"]
                beneficiaries.append(Fact("beneficiary", name, number, " ".join(name.split()),
                                          basis=basis, attrs=_org_attrs(name)))
        if en_found := _EN_BENEFICIARY.search(line):
            beneficiaries.append(Fact("beneficiary", en_found["name"], number, en_found["name"],
                                      basis="named the beneficiary", attrs={"org_kind": "municipality"}))
        # an organisation presenting or starting its new project (implied, doubtful)
        for found in _PRESENTS_PROJECT.finditer(line):
            if "партньор" not in found["rest"]:
                beneficiaries.append(Fact("beneficiary", found["o"], number, found["o"], inferred=True,
                                          basis="implied: the organisation presents its own project",
                                          flags=["doubtful role: the beneficiary is implied, not stated"],
                                          attrs=_org_attrs(found["o"])))
        # partners: "в партньорство с …", "Партньори: …", "асоциирани партньори"
        for key in _PARTNER_KEY.finditer(line):
            _start, end = _sentence_bounds(line, key.end())
            role = "associated-partner" if key.group(0).lower().startswith("асоц") else "partner"
            segment_start = key.end()
            segment = line[segment_start:end]
            for text, org in _with_branches(segment, _orgs_in(segment)):
                if "МИГ" in text:
                    continue
                fact = _org_fact("partner", org if "close" in org.groupdict() else None, text, number, line,
                                 is_last)
                fact.attrs["role"] = role
                partners.append(fact)
            if key.group(0).rstrip().endswith(":") and not _orgs_in(segment):
                for unquoted in _unquoted_items(segment):
                    fact = _org_fact("partner", None, unquoted, number, line, is_last)
                    fact.attrs["role"] = role
                    partners.append(fact)
        for found in _PARTNER_OF.finditer(line):
            fact = _org_fact("partner", None, found["o"], number, line, is_last)
            fact.attrs["role"] = "partner"
            partners.append(fact)
        for org in _orgs_in(line):
            if after := _AS_PARTNER.match(line, org.end()):
                fact = _org_fact("partner", org if "close" in org.groupdict() else None, org.group(0),
                                 number, line, is_last)
                fact.attrs["role"] = "associated-partner" if after["assoc"] else "partner"
                partners.append(fact)
        # "сътрудничество между A и B": B is a partner (A is usually the beneficiary)
        for found in re.finditer(r"(?:сътрудничество|партньорство)\s+между\s+(?P<a>[^.]+?)\s+и\s+"
                                 r"(?P<b>[А-ЯA-Z][^,.;„“”\"()]{3,120}?)(?=\s*,|\s*\(|\s+от\s|\.|$)", line):
            fact = Fact("partner", found["b"].strip(), number, " ".join(found["b"].split()),
                        flags=["doubtful role: partner read from 'сътрудничество между … и …'"],
                        attrs={"role": "partner", "org_kind": org_kind(found["b"])})
            if "транснационал" in line.lower():
                fact.attrs["strand"] = "transnational"
            partners.append(fact)
        # participants: schools/kindergartens whose children take part (not called partners)
        if not _PARTNER_KEY.search(line) and "партньор" not in line:
            for org in _ORG.finditer(line):
                if org["form"] not in ("ДГ", "ЦДГ", "ОДЗ", "СУ", "ОУ", "НУ", "ПГ", "Детска градина",
                                       "Целодневна детска градина"):
                    continue
                s, _e = _sentence_bounds(line, org.start())
                if _PARTICIPANT_CONTEXT.search(line[s:org.start()]):
                    fact = _org_fact("partner", org, org.group(0), number, line, is_last,
                                     flags=["doubtful role: takes part, not named a partner"])
                    fact.attrs["role"] = "participant"
                    partners.append(fact)
        # English register records
        for found in _EN_PARTNERS.finditer(line):
            offset = found.start("list")
            for name_match in re.finditer(r"[A-Z][\w-]*", found["list"]):
                name = name_match.group(0)
                as_written = line[offset + name_match.start():offset + name_match.end()]
                partners.append(Fact("partner", as_written, number, name,
                                     attrs={"role": "partner", "org_kind": "municipality"}))
        for found in _EN_DONOR_PARTNER.finditer(line):
            fact = Fact("partner", found["name"], number, found["name"],
                        attrs={"role": "partner", "country": found["country"], "org_kind": None})
            if found["donor"]:
                fact.attrs["strand"] = "donor-country partner"
            partners.append(fact)
    for fact in partners:
        fact.attrs.setdefault("role", "partner")
    names = {fact.value for fact in beneficiaries}
    seen: set[tuple[int, str]] = set()
    for fact in partners:
        seen_key = (fact.line, fact.as_written)
        if fact.value in names or seen_key in seen:
            continue
        seen.add(seen_key)
        facts.append(fact)
    seen = set()
    for fact in beneficiaries:
        if (fact.line, fact.as_written) not in seen:
            seen.add((fact.line, fact.as_written))
            facts.append(fact)


# --------------------------------------------------------------------------- titles

_TITLE = re.compile(
    rf"(?<![А-Яа-я])(?:[Пп]роект(?:а|ът)?|[Пп]роцедура|ПРОЕКТ)\s*(?:№\s*)?[{Q_OPEN}]?\s*"
    rf"(?:(?P<id>{_ID.pattern})\s*(?:[-–]\s*)?)?"
    rf"(?:\s*от\s+\d{{1,2}}\.\d{{1,2}}\.\d{{4}}\s*(?:г\.)?)?\s*[{Q_OPEN}]\s*(?P<title>[^{QUOTES}]{{3,300}}?)\s*"
    rf"(?P<close>[{Q_CLOSE}]|$)")
_TITLE_AFTER_ID = re.compile(
    rf"(?P<id>{_ID.pattern})\s*(?:[-–]\s*)?[{Q_OPEN}]\s*(?P<title>[^{QUOTES}]{{3,300}}?)\s*(?P<close>[{Q_CLOSE}]|$)")
_HEADING_TITLE = re.compile(rf"^\s*[{Q_OPEN}](?P<title>[^{QUOTES}]{{3,200}})[{Q_CLOSE}]\s*$")
_EN_TITLE = re.compile(r"^\s*(?:Project title|Title|Наименование на проекта|Име на проекта)\s*[:|]\s*"
                       r"(?P<title>[^|]{3,300}?)\s*\|?\s*$")


def _titles(lines: list[str], facts: list[Fact]) -> None:
    seen: set[tuple[int, str]] = set()
    first_text = next((i for i, line in enumerate(lines) if line.strip()), None)
    for index, line in enumerate(lines):
        number = index + 1
        found: list[tuple[re.Match[str], str | None]] = []
        for match in _TITLE.finditer(line):
            found.append((match, None))
        if index and re.match(rf"\s*[{Q_OPEN}]", line):  # "… стартира проект" ⏎ „Заглавие“
            previous = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
            tail = previous.rstrip()[-40:]
            if re.search(r"(?<![А-Яа-я])(?:[Пп]роект(?:а|ът)?|ПРОЕКТ)$", tail):
                for match in _TITLE.finditer(f"{tail} {line}"):
                    if match.start("title") > len(tail):
                        found.append((match, "title after 'проект' at the end of the line before"))
        for match in _TITLE_AFTER_ID.finditer(line):
            found.append((match, "title following an identifier"))
        if index == first_text and (heading_match := _HEADING_TITLE.match(line)):
            found.append((heading_match, "quoted heading of the page"))
        if en_match := _EN_TITLE.match(line):
            found.append((en_match, None))
        for match, basis in found:
            title = match["title"].strip()
            if _SENTENCE_END.search(title) or len(title) < 3:
                continue
            flags = []
            attrs: dict[str, Any] = {}
            value = " ".join(title.split())
            close = match.groupdict().get("close")
            if close == "":
                if index == len(lines) - 1:
                    flags.append("title cut off at the truncated end of the text")
                elif rest := _quoted_continuation(lines, index, len(title)):
                    value = _joined(number, title, rest, attrs)
                    if _SENTENCE_END.search(value):
                        continue
                    flags.append(f"title joined from {len(rest) + 1} wrapped lines: check the value")
                else:
                    continue
            if basis == "quoted heading of the page":
                flags.append("title taken from a quoted heading")
            key = (number, title)
            if key in seen:
                continue
            seen.add(key)
            facts.append(Fact("title", title, number, value, flags=flags, basis=basis, attrs=attrs))


def _quoted_continuation(lines: list[str], index: int, length: int) -> list[tuple[int, str]]:
    """The rest of a quotation left open at the end of line ``index`` (a wrapped text): the
    following lines up to its closing quote, at most 5 lines and 300 characters; none when
    another quotation opens first or the quote never closes."""
    rest: list[tuple[int, str]] = []
    for number in range(index + 2, min(len(lines), index + 13) + 1):
        text = lines[number - 1].strip()
        if not text:
            continue
        close = re.search(rf"[{Q_CLOSE}]", text)
        piece = text[:close.start()].rstrip() if close else text
        if "„" in piece or "«" in piece or len(rest) == 5:
            return []
        if piece:
            rest.append((number, piece))
            length += len(piece)
        if length > 300:
            return []
        if close:
            return rest
    return []


_IN_MUNICIPALITY = re.compile(r"(?<![А-Яа-я])в\s+(?P<o>[Оо]бщина\s+[А-Я][а-я]+(?:[ -][А-Я][а-я]+)?)\s*$")


def _implied_beneficiaries(facts: list[Fact], lines: list[str]) -> None:
    explicit = [fact for fact in facts if fact.kind == "beneficiary"]
    if any(not fact.inferred for fact in explicit):
        return
    implied = []
    for fact in facts:
        if fact.kind == "title" and (match := _IN_MUNICIPALITY.search(fact.as_written)):
            implied.append((fact.line, match["o"], "implied by the project title"))
    for index, line in enumerate(lines):
        for match in re.finditer(r"(?:проект\s+[^.,]{1,60}?\s+на|партньор\s+на)\s+"
                                 r"(?P<o>Община\s+[А-Я][а-я]+(?:[ -][А-Я][а-я]+)?)", line):
            implied.append((index + 1, match["o"], "implied by '" + match.group(0).split()[0] + " … на'"))
    if explicit:
        return
    seen = set()
    for number, name, basis in implied:
        key = " ".join(name.lower().split())
        if key in seen:
            continue
        seen.add(key)
        facts.append(Fact("beneficiary", name, number, " ".join(name.split()), inferred=True, basis=basis,
                          attrs={"org_kind": "municipality"}))


# --------------------------------------------------------------------------- the rest

_REGISTRY = re.compile(r"""(?:ЕИК|БУЛСТАТ|EIK|UIC|Булстат)\s*(?:/\s*(?:ЕИК|БУЛСТАТ)\s*)?
    [:№]?\s*\d{9}(?:\d{4})?(?!\d)""", re.VERBOSE)
_PLACE = re.compile(r"(?<![А-Яа-я])(?P<kind>гр\.|с\.|село|град)\s*(?P<name>[А-Я][а-я]+(?:\s+[А-Я][а-я]+)?)")
_TARGET = re.compile(r"""
    (?:[Цц]елеви(?:те)?\s+групи|[Цц]елева(?:та)?\s+група)(?:\s+на\s+проекта)?
    \s*(?::|са|е|включва|обхваща)\s*(?P<g>(?:[^.;]|(?<=\bгр)\.|(?<=\bс)\.){3,300})
    | Target\ groups?\s*[:|]\s*(?P<e>[^|]{3,300})""", re.VERBOSE)
_ACTIVITY = re.compile(r"""(?<![А-Яа-я])[Дд]ейност\s*(?:№\s*)?(?P<n>\d{1,2})(?!\d)\s*[.:\-–]?\s*
    (?P<t>[^;]{3,200}?)
    (?=,\s*(?:и\s+)?[Дд]ейност\s*(?:№\s*)?\d   # the next activity of an inline list
      |,\s+(?:по|за|които|като|с|чрез|в\s+които|в\s+който|където)\s  # a clause after it
      |\s+по\s+проект|\s*/|;|\.\s|\.?\s*$)""", re.VERBOSE)
_AMENDMENT = re.compile(r"(?:(?P<ord>първо|второ|трето|четвърто|пето|шесто|седмо|осмо|девето|десето)\s+)?"
                        r"(?P<what>допълнително\s+споразумение|[Аа]некс)(?:\s*№\s*(?P<num>\d+))?")
_ORDINALS = {"първо": 1, "второ": 2, "трето": 3, "четвърто": 4, "пето": 5, "шесто": 6, "седмо": 7,
             "осмо": 8, "девето": 9, "десето": 10}
_LEGAL_BASIS = re.compile(r"чл\.\s*\d+[^.]*?(?:\.[^.]*?)*?от\s+ЗМСМА")
_ADOPTED = re.compile(r"""
    (?:[Пп]риема|[Оо]добрява|да\s+бъде\s+приет(?:а|о)?(?:\s+така\s+предложени(?:ят|ата|ото))?)
    \s+(?P<d>(?:План|Доклад|Програма|Стратегия|Отчет|Общински\s+план)[^;]*?)
    (?=\s+в\s+изпълнение|\s+във\s+връзка|;|\.(?:\s+[А-Я]|\s*$)|$)""", re.VERBOSE)
_VOTE = re.compile(r"[„\"“]?(?P<what>ЗА|ПРОТИВ|ВЪЗДЪРЖАЛ[И]?\s+СЕ)[\"“”]?\s*[-–—:]\s*(?P<n>\d{1,3})(?!\d)")
_CHAIR = re.compile(r"^\s*/\s*(?P<n>[А-Я][а-я]+(?:\s+[А-Я][а-я]+){1,2})\s*/\s*$")


#: A heading alone on its line that opens a list of target groups or of activities on the
#: lines below: "Целеви групи по ОП X са:", "2.1 Целева група по проекта", "Предвидени дейности
#: за изпълнение:", "Основни дейности". A sub-heading "по ОП X:" inside the list names a strand.
_LIST_HEADINGS = (
    ("target-group", re.compile(r"""^\s*(?:\d+(?:\.\d+)*\.?\s*)?
        (?:[Цц]елеви(?:те)?\s+групи|[Цц]елева(?:та)?\s+група|ЦЕЛЕВИ\s+ГРУПИ|ЦЕЛЕВА\s+ГРУПА)
        (?:\s+(?:по|на)\s+проекта|\s+(?:по|на)\s+(?P<strand>[^:]{2,40}?))?(?:\s+са)?\s*:?\s*$""",
        re.VERBOSE)),
    ("activity", re.compile(r"""^\s*(?:\d+(?:\.\d+)*\.?\s*)?
        (?:(?:[Оо]сновни|[Пп]редвидени|[Пп]ланирани|[Зз]аложени)\s+)?(?:[Дд]ейности|ДЕЙНОСТИ)
        (?:\s+по\s+проекта)?(?:\s+за\s+изпълнение)?(?:\s+са)?\s*[:.]?\s*$""", re.VERBOSE)),
)
_SUB_STRAND = re.compile(r"^\s*по\s+(?P<strand>ОП\s?[А-Я]{3,5}|ПРЧР|ПХОМП|[Кк]омпонент\s+\d)\s*:\s*$")
_ITEM_BULLET = re.compile(r"^\s*(?:[•●▪◦*\-–—]|\d{1,2}[.)](?!\d))\s*")
_ITEM = re.compile(r"[А-ЯA-Z][^:]{2,400}?")


def _lists(lines: list[str], facts: list[Fact]) -> None:
    """Target groups and activities listed one a line under their heading. An item that runs
    on to the lines below is joined from them (``fragments``), with a review flag."""
    kind: str | None = None
    strand: str | None = None
    position = 0
    closed = False  # the last item ended with '.': only bulleted items may follow
    taken: set[int] = set()  # lines joined to an item before
    for index, line in enumerate(lines):
        if not line.strip() or index + 1 in taken:
            continue
        heading = next(((name, m) for name, m in ((n, p.match(line)) for n, p in _LIST_HEADINGS)
                        if m), None)
        if heading:
            kind, position, closed = heading[0], 0, False
            strand = heading[1].groupdict().get("strand")
            continue
        if kind is None:
            continue
        if sub := _SUB_STRAND.match(line):
            strand, position, closed = sub["strand"], 0, False
            continue
        bullet = _ITEM_BULLET.match(line)
        text = line[bullet.end():] if bullet and bullet.group(0).strip() else line.lstrip()
        body = text.rstrip().rstrip(";,.").rstrip()
        if text[:1].islower() and not closed and position:
            closed = text.rstrip().endswith(".")
            continue  # the wrapped tail of the item before
        if (closed and not (bullet and bullet.group(0).strip())) or not _ITEM.fullmatch(body) \
                or _SENTENCE_END.search(body) or _LIST_HEADING.search(body):
            kind = None
            continue
        position += 1
        runs_on = not re.search(r"[;.,]\s*$", text) and not _next_is_item(lines, index)
        attrs: dict[str, Any] = {"position": position, "from_list": True}
        if strand:
            attrs["strand"] = strand.strip()
        if kind == "activity":
            attrs["number"] = position
        value, flags = " ".join(body.split()), []
        closed = text.rstrip().endswith(".")
        if runs_on and (rest := _continuation(lines, index)):
            value = _joined(index + 1, body, rest, attrs)
            taken.update(number for number, _ in rest)
            flags.append(f"list item joined from {len(rest) + 1} wrapped lines: check the value")
            closed = rest[-1][1].endswith(".")
        elif runs_on:
            flags.append("list item may continue on the next line")
        facts.append(Fact(kind, body, index + 1, value, flags=flags, attrs=attrs))


def _continuation(lines: list[str], index: int, limit: int = 6) -> list[tuple[int, str]]:
    """The lines (number, text) that carry on the phrase ending line ``index`` when the text
    was wrapped: each following non-blank line that starts with a small letter, up to and
    including one that ends with ';' or '.'; at most ``limit``."""
    out: list[tuple[int, str]] = []
    for number in range(index + 2, min(len(lines), index + 1 + 3 * limit) + 1):
        text = lines[number - 1].strip()
        if not text:
            continue
        if not text[:1].islower() or _SUB_STRAND.match(text) or len(out) == limit:
            break
        out.append((number, text))
        if re.search(r"[;.]$", text):
            break
    return out


def _joined(first_line: int, first: str, rest: list[tuple[int, str]],
            attrs: dict[str, Any]) -> str:
    """The phrase joined from its fragments; ``attrs["fragments"]`` cites each on its line."""
    pieces = [first] + [text.rstrip(";,.").rstrip() if n == rest[-1][0] else text
                        for n, text in rest]
    attrs["fragments"] = [{"line": first_line, "text": first}] + [
        {"line": n, "text": piece} for (n, _), piece in zip(rest, pieces[1:], strict=True)]
    return " ".join(" ".join(pieces).split())


def _next_is_item(lines: list[str], index: int) -> bool:
    following = next((line for line in lines[index + 1:] if line.strip()), "")
    return not following.lstrip()[:1].islower() or bool(_SUB_STRAND.match(following))


def _rest(lines: list[str], facts: list[Fact], council: bool) -> None:
    chair_after = None
    for index, line in enumerate(lines):
        number = index + 1
        for match in _REGISTRY.finditer(line):
            try:
                facts.append(Fact("registry-id", match.group(0), number, parse_registry_id(match.group(0))))
            except NormalisationError as error:
                facts.append(Fact("registry-id", match.group(0), number, None, flags=[str(error)]))
        for match in _PLACE.finditer(line):
            facts.append(Fact("place", match.group(0), number, match["name"],
                              attrs={"place_kind": "village" if match["kind"] in ("с.", "село") else "town"}))
        for match in _TARGET.finditer(line):
            group = (match["g"] or match["e"]).strip()
            facts.append(Fact("target-group", group, number, " ".join(group.split())))
        for match in _ACTIVITY.finditer(line):
            title = match["t"].strip().rstrip(",").rstrip()
            flags = []
            activity_attrs: dict[str, Any] = {"number": int(match["n"])}
            if match.end() >= len(line.rstrip()) and not re.search(r"[.;]\s*$", line) and \
                    not _next_is_item(lines, index):
                if rest := _continuation(lines, index):
                    title = _joined(number, match["t"].strip(), rest, activity_attrs)
                    flags.append(f"activity joined from {len(rest) + 1} wrapped lines: check the value")
                else:
                    flags.append("activity may continue on the next line")
            facts.append(Fact("activity", match.group(0).strip().rstrip(",").rstrip(), number, title,
                              flags=flags, attrs=activity_attrs))
        for match in _AMENDMENT.finditer(line):
            attrs: dict[str, Any] = {"amendment_kind": "annex" if match["what"].lower() == "анекс"
                                     else "additional agreement"}
            if match["ord"]:
                attrs["ordinal"] = _ORDINALS[match["ord"]]
            if match["num"]:
                attrs["number"] = match["num"]
            facts.append(Fact("amendment", match.group(0), number, attrs["amendment_kind"], attrs=attrs))
        if not council:
            continue
        for match in _LEGAL_BASIS.finditer(line):
            facts.append(Fact("legal-basis", match.group(0), number, " ".join(match.group(0).split())))
        for match in _ADOPTED.finditer(line):
            text = match["d"].strip()
            if line[match.end("d"):].startswith(".") and text.endswith(" г"):
                text += "."
            facts.append(Fact("adopted-document", text, number, " ".join(text.split())))
        for match in _VOTE.finditer(line):
            facts.append(Fact("vote", match.group(0).strip(), number, int(match["n"]),
                              label={"ЗА": "for", "ПРОТИВ": "against"}.get(match["what"], "abstained")))
        if "ПРЕДСЕДАТЕЛ" in line.upper():
            chair_after = number
        if chair_after and number - chair_after <= 4 and (chair := _CHAIR.match(line)):
            facts.append(Fact("chair", chair["n"], number, chair["n"]))
            chair_after = None


_COUNCIL = re.compile(r"ЗМСМА|[Оо]бщински(?:ят)?\s+съвет|ОБЩИНСКИ\s+СЪВЕТ")


def extract(document: Document) -> Extraction:
    """Every fact the rules find in ``document``; see the module's docstring."""
    lines = list(document.lines)
    facts: list[Fact] = []
    council = bool(_COUNCIL.search(document.text)) and bool(_DECISION.search(document.text))
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        number = index + 1
        id_spans: list[tuple[int, int]] = []
        _identifiers(line, number, facts, id_spans)
        _programmes(line, number, facts)
        _funds(line, number, facts)
        _money(line, number, facts, id_spans)
        _dates(line, number, facts, id_spans)
        _durations(line, number, facts)
    _reconcile_programme_codes(facts)
    facts += _derived_programmes(facts)
    _parties(lines, facts)
    _titles(lines, facts)
    _implied_beneficiaries(facts, lines)
    _rest(lines, facts, council)
    _lists(lines, facts)
    kept, dropped = [], 0
    for fact in facts:
        pieces = fact.attrs.get("fragments", [])
        if any(not (1 <= p["line"] <= len(lines)) or p["text"] not in lines[p["line"] - 1]
               for p in pieces):
            dropped += 1
        elif fact.as_written and 1 <= fact.line <= len(lines) and fact.as_written in lines[fact.line - 1]:
            kept.append(fact)
        else:
            dropped += 1
    kept.sort(key=lambda fact: fact.line)
    return Extraction(document, kept, dropped)
