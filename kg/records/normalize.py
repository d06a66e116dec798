"""Pure functions that turn the strings the documents write into canonical values.

The documents write ИСУН numbers with Cyrillic look-alike letters, a zero for the letter O,
dashes of every kind and stray spaces; amounts with spaces, no-break spaces and either decimal
mark; dates with and without "г."; durations in words. Every parser here takes the verbatim
string and returns the canonical value, or raises :class:`NormalisationError` saying why, so
the caller can add the file, line and field. Nothing here reads files or knows about RDF.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BGN_PER_EUR = Decimal("1.95583")

# Cyrillic letters that look like Latin ones, as they appear in identifiers.
CYRILLIC_LOOKALIKES = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "І": "I",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y",
}
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
SPACES = " \u00a0\u2007\u2009\u202f\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"

#: A programme code: 2014-2020 (``BG05M9OP001``), 2021-2027 (``BG05SFPR002``, ``BG16RFPR001``)
#: or the EEA and Norway Grants code (``BGLD``).
_PROGRAMME = r"(?:BG\d\d[A-Z]\d[A-Z]{2}\d{3}|BG\d\d[A-Z]{4}\d{3}|BGLD)"
ISUN_PATTERN = re.compile(
    r"^" + _PROGRAMME  # programme code (BG05M9OP001, BG05SFPR002) or EEA code (BGLD)
    + r"(?:-\d\.\d{3})"  # procedure: -2.018
    r"(?:-\d{4})?"  # project: -0031
    r"(?:-(?:\d{4}BG\d\d[A-Z]\d[A-Z]{2}\d{3}-)?C\d{2,3})?$"  # contract: -C01, -2014BG05M2OP001-C01
)
CCI_PATTERN = re.compile(r"^(?:\d{4}BG\d\d[A-Z]\d[A-Z]{2}\d{3}|" + _PROGRAMME[3:-1] + r")$")


class NormalisationError(ValueError):
    """A verbatim string that cannot be read as the kind of value it should be."""


@dataclass(frozen=True)
class Correction:
    """One change made to an identifier to make it canonical, for reports and shapes."""

    position: int
    found: str
    replaced_by: str
    reason: str


def collapse_whitespace(text: str) -> str:
    """Join lines and runs of any Unicode space into single spaces, trimmed."""
    return " ".join(text.split())


def identifier_corrections(raw: str) -> list[Correction]:
    """List every change :func:`normalise_identifier` makes to ``raw``, in order."""
    corrections: list[Correction] = []
    for position, char in enumerate(raw):
        if char in CYRILLIC_LOOKALIKES:
            name = unicodedata.name(char, "?")
            corrections.append(Correction(position, char, CYRILLIC_LOOKALIKES[char],
                                          f"Cyrillic look-alike {name}"))
        elif char in DASHES:
            corrections.append(Correction(position, char, "-", f"dash {unicodedata.name(char)}"))
        elif char in SPACES or char.isspace():
            corrections.append(Correction(position, char, "", "space inside an identifier"))
    latin = _latinise(raw)
    for match in _ZERO_FOR_O.finditer(latin):
        corrections.append(Correction(match.start(1), "0", "O", "zero written for the letter O"))
    latin = _ZERO_FOR_O.sub("O", latin).upper()
    for match in _SHORT_SERIAL.finditer(latin):
        corrections.append(Correction(match.start(1), match.group(1), "0" + match.group(1),
                                      "project serial padded to the 4 digits of ИСУН"))
    for match in _LONG_SUFFIX.finditer(latin):
        corrections.append(Correction(match.start(1), match.group(1), match.group(1)[1:],
                                      "contract suffix written with 3 digits (ИСУН writes C01)"))
    return corrections


_ZERO_FOR_O = re.compile(r"(?<=M\d)(0)(?=P\d{3})")
#: A project serial of three digits (``-4.001-100-C01``): ИСУН writes four (``0100``).
_SHORT_SERIAL = re.compile(r"(?<=\.\d{3}-)(\d{3})(?=-|$)")
#: A contract suffix with a leading zero and three digits (``C001``): ИСУН writes ``C01``.
_LONG_SUFFIX = re.compile(r"(?<=-C)(0\d{2})$")


def _canonical_form(latin: str) -> str:
    """Zero-for-O, upper case, the serial padded to 4 digits and the suffix cut to C + 2."""
    latin = _ZERO_FOR_O.sub("O", latin).upper()
    latin = _SHORT_SERIAL.sub(lambda match: "0" + match.group(1), latin)
    return _LONG_SUFFIX.sub(lambda match: match.group(1)[1:], latin)


def _latinise(raw: str) -> str:
    out = []
    for char in raw:
        if char in CYRILLIC_LOOKALIKES:
            out.append(CYRILLIC_LOOKALIKES[char])
        elif char in DASHES:
            out.append("-")
        elif char in SPACES or char.isspace():
            continue
        else:
            out.append(char)
    return "".join(out)


def normalise_identifier(raw: str) -> str:
    """Return the canonical Latin form of an ИСУН procedure, project or contract number.

    The canonical form is the official ИСУН pattern (a 4-digit project serial, a contract
    suffix of C and 2 digits) so that the id joins with the public register:

    >>> normalise_identifier("BG05М90Р001-2.002")
    'BG05M9OP001-2.002'
    >>> normalise_identifier("BG05M9OP001-4.001-100-С001")
    'BG05M9OP001-4.001-0100-C01'
    """
    text = raw.strip().lstrip("№").strip()
    latin = _canonical_form(_latinise(text))
    if not ISUN_PATTERN.match(latin):
        raise NormalisationError(
            f"{raw!r} is not an ИСУН number (expected e.g. BG05M9OP001-2.018-0031-C01); "
            f"after normalisation it reads {latin!r}")
    non_ascii = [char for char in latin if ord(char) > 127]
    if non_ascii:
        raise NormalisationError(f"{raw!r} keeps non-Latin characters {non_ascii!r}")
    return latin


def normalise_programme_code(raw: str) -> str:
    """Return the canonical programme code or CCI (``BG05M9OP001``, ``2014BG05M2OP001``)."""
    latin = _ZERO_FOR_O.sub("O", _latinise(raw.strip())).upper()
    if not CCI_PATTERN.match(latin):
        raise NormalisationError(f"{raw!r} is not a programme code or CCI (e.g. 2014BG05M9OP001)")
    return latin


def project_number_of(contract_number: str) -> str:
    """The project number a contract number extends (drops the -C01 / -2014…-C01 suffix)."""
    match = re.match(r"^(.+?-\d\.\d{3}-\d{4})(?:-.*)?$", contract_number)
    if not match:
        raise NormalisationError(f"{contract_number!r} names no project number")
    return match.group(1)


_SPACE_CLASS = "[ \u00a0\u202f\u2009\u2007]"
#: Currency words and signs, before or after the figure (``BGN 1,234.00``, ``12 000 евро``).
CURRENCIES = {"лв": "BGN", "лв.": "BGN", "лева": "BGN", "BGN": "BGN", "евро": "EUR",
              "EUR": "EUR", "€": "EUR"}
_CURRENCY = r"(?:лв\.?|лева|BGN|евро|EUR|€)"
_MONEY = re.compile(
    r"^(?:(?P<before>" + _CURRENCY + r")\s*)?"
    r"(?P<number>\d[\d.,\s\u00a0\u202f\u2009\u2007]*?)"
    r"\s*(?P<after>" + _CURRENCY + r")?$", re.IGNORECASE)


@dataclass(frozen=True)
class Money:
    """An amount as the document states it: a decimal value and an ISO 4217 currency, or
    ``None`` where the document names no currency (never guessed)."""

    value: Decimal
    currency: str | None


def parse_money(raw: str) -> Money:
    """Read an amount in any notation the documents use, refusing one that is ambiguous.

    Thousands grouped by spaces, dots or commas; a decimal comma or dot with 1-2 digits; the
    currency (лв., лева, BGN, EUR, евро, €) before, after or glued to the figure, or absent:

    >>> parse_money("BGN 1,234,567.89")
    Money(value=Decimal('1234567.89'), currency='BGN')
    >>> parse_money("471,708.00").currency is None
    True

    ``1,234`` (one thousand or one point two?) and ``45 0712`` (a group of four) raise
    :class:`NormalisationError` with the reason.
    """
    text = collapse_whitespace(raw)
    match = _MONEY.match(text)
    if not match:
        raise NormalisationError(
            f"{raw!r} is not an amount (expected e.g. '882 659.05 лв.' or 'BGN 1,234.00')")
    before, after = match.group("before"), match.group("after")
    if before and after:
        raise NormalisationError(f"{raw!r} names its currency twice")
    word = before or after
    currency = None
    if word:
        currency = CURRENCIES.get(word) or CURRENCIES.get(word.upper()) or CURRENCIES[word.lower()]
    return Money(_money_number(raw, match.group("number")), currency)


def _money_number(raw: str, number: str) -> Decimal:
    """The decimal a figure writes, by where its marks are; ambiguity is an error."""
    compact = re.sub(r"\s+", " ", number.strip())
    marks = [char for char in compact if char in ".,"]
    decimals = ""
    integer = compact
    if marks:
        last = compact.rfind(marks[-1])
        tail = compact[last + 1:]
        if len(set(marks)) == 2:  # both kinds: the last one is the decimal mark
            if marks.count(marks[-1]) > 1:
                raise NormalisationError(f"{raw!r}: the decimal mark {marks[-1]!r} appears twice")
            integer, decimals = compact[:last], tail
        elif len(marks) == 1 and re.fullmatch(r"\d{1,2}", tail):
            integer, decimals = compact[:last], tail
        elif len(marks) == 1 and re.fullmatch(r"\d{3}", tail):
            raise NormalisationError(
                f"{raw!r} is ambiguous: {marks[0]!r} before three digits may be a thousands "
                f"separator or a decimal mark")
        if decimals and not re.fullmatch(r"\d{1,2}", decimals):
            raise NormalisationError(
                f"{raw!r}: {len(decimals)} digits after the decimal mark (an amount has 1 or 2)")
    thousands = {char for char in integer if char in " .,"}
    if len(thousands) > 1:
        raise NormalisationError(f"{raw!r} groups thousands with both {sorted(thousands)!r}")
    groups = re.split(r"[ .,]", integer)
    if len(groups) > 1 and not (re.fullmatch(r"\d{1,3}", groups[0])
                                and all(re.fullmatch(r"\d{3}", group) for group in groups[1:])):
        raise NormalisationError(
            f"{raw!r} is malformed: its digit groups {groups!r} are not thousands (3 digits)")
    if not all(group.isdigit() for group in groups):
        raise NormalisationError(f"{raw!r} is not a figure")
    return Decimal("".join(groups) + ("." + decimals if decimals else ""))


def eur_from_bgn(value: Decimal) -> Decimal:
    """The EUR value of a BGN amount at the fixed rate 1.95583, to the cent (half up)."""
    return (value / BGN_PER_EUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


MONTHS = {
    "януари": 1, "февруари": 2, "март": 3, "април": 4, "май": 5, "юни": 6, "юли": 7,
    "август": 8, "септември": 9, "октомври": 10, "ноември": 11, "декември": 12,
}
#: English month names and their usual abbreviations (an English source: ``27 Jul, 2016``).
ENGLISH_MONTHS = {
    name: number for number, names in enumerate((
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec")), start=1) for name in names
}
_YEAR_SUFFIX = r"\s*(?:г\.?|год\.?|година)?"
_FULL_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})" + _YEAR_SUFFIX + r"$")
_ISO_STAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})\s+([a-zа-я]+)\.?,?\s+(\d{4})" + _YEAR_SUFFIX + r"$")
_ENGLISH_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_DATE = re.compile(r"^(?:(?:от\s+)?месец\s+)?([a-zа-я]+)\.?,?\s+(\d{4})"
                         + _YEAR_SUFFIX + r"$")
_YEAR_ONLY = re.compile(r"^(\d{4})" + _YEAR_SUFFIX + r"$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\s+([a-zа-я]+)\.?$")


@dataclass(frozen=True)
class PartialDate:
    """A date with the precision the document gives: ``xsd:date``, ``gYearMonth``, ``gYear``,
    or ``gMonthDay`` (``--09-15``) for a day written without a year (a year is never guessed)."""

    lexical: str
    datatype: str  # "date", "gYearMonth", "gYear" or "gMonthDay"


def _month_number(raw: str, name: str) -> int:
    if name in MONTHS:
        return MONTHS[name]
    if name in ENGLISH_MONTHS:
        return ENGLISH_MONTHS[name]
    raise NormalisationError(f"{raw!r}: {name!r} is not a month name")


def _full_date(raw: str, year: int, month: int, day: int) -> PartialDate:
    check_calendar(raw, year, month, day)
    return PartialDate(f"{year:04d}-{month:02d}-{day:02d}", "date")


def parse_date(raw: str) -> PartialDate:
    """Read a date in the notations the documents use, at the precision they give.

    ``05.07.2022г.``, ``30.06.2021 г.``, ``1 декември 2019 г.``, ``27 Jul, 2016``,
    ``2021-12-16 11:29:39`` (a timestamp: its date), ``месец февруари 2016 г.``,
    ``май 2019година``, ``2022 г.``, and without a year ``15.09.`` or ``23 януари``
    (``gMonthDay``). A relative date (``до средата на следващата година``) is refused."""
    text = collapse_whitespace(raw).lower()
    if match := _FULL_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
        return _full_date(raw, year, month, day)
    if match := _ISO_STAMP.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _full_date(raw, year, month, day)
    if match := _NAMED_DATE.match(text):
        day, month = int(match.group(1)), _month_number(raw, match.group(2))
        return _full_date(raw, int(match.group(3)), month, day)
    if match := _ENGLISH_MONTH_FIRST.match(text):
        month, day = _month_number(raw, match.group(1)), int(match.group(2))
        return _full_date(raw, int(match.group(3)), month, day)
    if match := _MONTH_DATE.match(text):
        month, year = _month_number(raw, match.group(1)), int(match.group(2))
        return PartialDate(f"{year:04d}-{month:02d}", "gYearMonth")
    if match := _YEAR_ONLY.match(text):
        return PartialDate(f"{int(match.group(1)):04d}", "gYear")
    day_month = _DAY_MONTH.match(text) or _DAY_MONTH_NAME.match(text)
    if day_month:
        day, month_text = int(day_month.group(1)), day_month.group(2)
        month = int(month_text) if month_text.isdigit() else _month_number(raw, month_text)
        check_calendar(raw, 2000, month, day)  # a leap year: 29.02. is a possible day
        return PartialDate(f"--{month:02d}-{day:02d}", "gMonthDay")
    raise NormalisationError(
        f"{raw!r} is not a date (expected e.g. '05.07.2022 г.', '1 декември 2019 г.', "
        f"'февруари 2016 г.', '2022 г.' or '15.09.')")


def with_year(parsed: PartialDate, year: int) -> PartialDate:
    """A day written without a year (``gMonthDay``) completed with a year the curator inferred."""
    if parsed.datatype != "gMonthDay":
        raise NormalisationError(f"{parsed.lexical!r} already has a year")
    month, day = int(parsed.lexical[2:4]), int(parsed.lexical[5:7])
    return _full_date(parsed.lexical, year, month, day)


#: An ISO 8601 calendar date, as YAML writes an unquoted ``2021-03-12``.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The XSD datatype of each lexical form :func:`parse_date` gives, by its length.
_DATATYPE_BY_LENGTH = {4: "gYear", 7: "gYearMonth", 10: "date"}


def date_datatype(lexical: str) -> str:
    """``date``, ``gYearMonth``, ``gYear`` or ``gMonthDay``: the XSD datatype of a lexical form
    that :func:`parse_date` produced (``2021-03-12``, ``2021-03``, ``2021``, ``--03-12``)."""
    if lexical.startswith("--"):
        return "gMonthDay"
    return _DATATYPE_BY_LENGTH[len(lexical)]


def check_calendar(raw: str, year: int, month: int, day: int) -> None:
    try:
        datetime.date(year, month, day)
    except ValueError as error:
        raise NormalisationError(f"{raw!r} is not a calendar date: {error}") from error


_DURATION = re.compile(r"^(\d+)\s*(месец|месеца|месеци|година|години|ден|дни|седмица|седмици)$")
_DURATION_UNITS = {"месец": "M", "месеца": "M", "месеци": "M", "година": "Y", "години": "Y",
                   "ден": "D", "дни": "D", "седмица": "W", "седмици": "W"}


def parse_duration(raw: str) -> str:
    """Read ``24 месеца`` as the ``xsd:duration`` ``P24M``."""
    match = _DURATION.match(collapse_whitespace(raw).lower())
    if not match:
        raise NormalisationError(f"{raw!r} is not a duration (expected e.g. '24 месеца')")
    amount, unit = int(match.group(1)), _DURATION_UNITS[match.group(2)]
    if unit == "W":
        return f"P{amount * 7}D"
    return f"P{amount}{unit}"


APPROXIMATION_WORDS = (("малко над", "slightly-over"), ("около", "about"), ("над", "over"),
                       ("близо", "nearly"))
_QUANTITY = re.compile(r"^(?P<number>\d{1,3}(?:[ \u00a0\u202f\u2009]?\d{3})*(?:[.,]\d+)?)"
                       r"\s*(?P<unit>%|[^\d\s].*)?$")


@dataclass(frozen=True)
class Quantity:
    """A count or share as the document states it, with its approximation and unit word."""

    value: Decimal
    approximation: str  # exact, about, over, nearly, slightly-over
    unit_word: str  # what follows the number as written ("души", "%", "места"), may be ""


def parse_quantity(raw: str) -> Quantity:
    """Read ``около 12 000 души``, ``Над 70%``, ``Малко над 40%``, ``40 потребители``."""
    text = collapse_whitespace(raw)
    lowered = text.lower()
    approximation = "exact"
    for word, name in APPROXIMATION_WORDS:
        if lowered.startswith(word + " "):
            approximation = name
            text = text[len(word):].strip()
            break
    match = _QUANTITY.match(text)
    if not match:
        raise NormalisationError(
            f"{raw!r} is not a quantity (expected e.g. 'около 12 000 души' or 'над 70%')")
    number = re.sub(r"[ \u00a0\u202f\u2009]", "", match.group("number")).replace(",", ".")
    return Quantity(Decimal(number), approximation, (match.group("unit") or "").strip())


_SPAN = re.compile(r"^\(?(\d{4})\s*(?:г\.?)?\s*[-\u2010-\u2015\u2212]\s*(\d{4})\s*(?:г\.?|год\.?)?\)?$")


def parse_span(raw: str) -> tuple[str, str]:
    """Read a span of years (``2022 - 2024``, ``2022 г.-2024``, ``2022 – 2024 г.``) as two gYears."""
    match = _SPAN.match(collapse_whitespace(raw))
    if not match:
        raise NormalisationError(f"{raw!r} is not a span of years (expected e.g. '2022 - 2024')")
    start, end = match.groups()
    if int(start) > int(end):
        raise NormalisationError(f"{raw!r}: the span starts ({start}) after it ends ({end})")
    return start, end


_TRANSLITERATION = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
    "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}


def transliterate(text: str) -> str:
    """Bulgarian official (2009 Transliteration Act) romanisation, lower case.

    The Act writes "ия" at the end of a word as "ia" (България -> Bulgaria).
    """
    lowered = text.lower()
    lowered = re.sub(r"ия\b", "\x00", lowered)
    out = "".join(_TRANSLITERATION.get(char, char) for char in lowered)
    return out.replace("\x00", "ia")


def slugify(text: str) -> str:
    """A key for an IRI from a name: transliterated, lower case, ASCII words joined by '-'."""
    ascii_text = transliterate(collapse_whitespace(text))
    ascii_text = unicodedata.normalize("NFKD", ascii_text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


_EIK_WEIGHTS_9 = ((1, 2, 3, 4, 5, 6, 7, 8), (3, 4, 5, 6, 7, 8, 9, 10))
_EIK_WEIGHTS_13 = ((2, 7, 3, 5), (4, 9, 5, 7))


def _eik_check_digit(digits: str, weight_sets: tuple[tuple[int, ...], ...]) -> int:
    """The Registry Agency's check digit: weighted sum mod 11, a second weight set when the
    first gives 10, and 0 when the second gives 10 too."""
    for weights in weight_sets:
        remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return 0


def parse_registry_id(raw: str) -> str:
    """Read an ЕИК/БУЛСТАТ (``ЕИК 000776038``, ``БУЛСТАТ: 121690535``) as its 9 or 13 digits,
    refusing one whose check digits do not hold (a typo in a registry id joins to the wrong
    organisation)."""
    text = re.sub(r"^(?:ЕИК|EIK|БУЛСТАТ|BULSTAT|UIC)\s*(?:/\s*(?:ЕИК|БУЛСТАТ)\s*)?[:№]?\s*", "",
                  collapse_whitespace(raw), flags=re.IGNORECASE)
    digits = re.sub(r"[\s\u00a0]", "", text)
    if not re.fullmatch(r"\d{9}|\d{13}", digits):
        raise NormalisationError(f"{raw!r} is not an ЕИК/БУЛСТАТ (9 or 13 digits)")
    if _eik_check_digit(digits[:8], _EIK_WEIGHTS_9) != int(digits[8]):
        raise NormalisationError(f"{raw!r}: the check digit of the first nine digits does not hold")
    if len(digits) == 13 and _eik_check_digit(digits[8:12], _EIK_WEIGHTS_13) != int(digits[12]):
        raise NormalisationError(f"{raw!r}: the check digit of the 13-digit number does not hold")
    return digits
