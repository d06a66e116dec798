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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

BGN_PER_EUR = Decimal("1.95583")

# Cyrillic letters that look like Latin ones, as they appear in identifiers.
CYRILLIC_LOOKALIKES = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y", "І": "I",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y",
}
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
SPACES = " \u00a0\u2007\u2009\u202f\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"

ISUN_PATTERN = re.compile(
    r"^(?:BG\d\d[A-Z]\d[A-Z]{2}\d{3}|BGLD)"  # programme code (BG05M9OP001) or EEA code (BGLD)
    r"(?:-\d\.\d{3})"  # procedure: -2.018
    r"(?:-\d{4})?"  # project: -0031
    r"(?:-(?:\d{4}BG\d\d[A-Z]\d[A-Z]{2}\d{3}-)?C\d{2,3})?$"  # contract: -C01, -2014BG05M2OP001-C01
)
CCI_PATTERN = re.compile(r"^(?:\d{4}BG\d\d[A-Z]\d[A-Z]{2}\d{3}|BG\d\d[A-Z]\d[A-Z]{2}\d{3}|BGLD)$")


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
    return corrections


_ZERO_FOR_O = re.compile(r"(?<=M\d)(0)(?=P\d{3})")


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

    >>> normalise_identifier("BG05М90Р001-2.002")
    'BG05M9OP001-2.002'
    """
    text = raw.strip().lstrip("№").strip()
    latin = _ZERO_FOR_O.sub("O", _latinise(text)).upper()
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


_MONEY = re.compile(
    r"^(?P<number>\d{1,3}(?:[ \u00a0\u202f\u2009]?\d{3})*(?:[.,]\d{1,2})?)\s*"
    r"(?P<currency>лв\.?|лева|BGN|евро|EUR|€)$"
)
CURRENCIES = {"лв": "BGN", "лв.": "BGN", "лева": "BGN", "BGN": "BGN", "евро": "EUR",
              "EUR": "EUR", "€": "EUR"}


@dataclass(frozen=True)
class Money:
    """An amount as the document states it: a decimal value and an ISO 4217 currency."""

    value: Decimal
    currency: str


def parse_money(raw: str) -> Money:
    """Read ``882 659.05 лв.`` or ``1 589 270,65 лв.`` (any space kind) as decimal + currency."""
    text = raw.strip()
    match = _MONEY.match(text)
    if not match:
        raise NormalisationError(
            f"{raw!r} is not an amount with a currency (expected e.g. '882 659.05 лв.')")
    number = re.sub(r"[ \u00a0\u202f\u2009]", "", match.group("number")).replace(",", ".")
    try:
        value = Decimal(number)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise NormalisationError(f"{raw!r}: {error}") from error
    if value < 0:
        raise NormalisationError(f"{raw!r} is negative")
    return Money(value, CURRENCIES[match.group("currency")])


def eur_from_bgn(value: Decimal) -> Decimal:
    """The EUR value of a BGN amount at the fixed rate 1.95583, to the cent (half up)."""
    return (value / BGN_PER_EUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


MONTHS = {
    "януари": 1, "февруари": 2, "март": 3, "април": 4, "май": 5, "юни": 6, "юли": 7,
    "август": 8, "септември": 9, "октомври": 10, "ноември": 11, "декември": 12,
}
_YEAR_SUFFIX = r"\s*(?:г\.?|год\.?|година)?"
_FULL_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _YEAR_SUFFIX + r"$")
_MONTH_DATE = re.compile(r"^(?:(?:от\s+)?месец\s+)?([а-я]+)\s+(\d{4})" + _YEAR_SUFFIX + r"$")
_YEAR_ONLY = re.compile(r"^(\d{4})" + _YEAR_SUFFIX + r"$")


@dataclass(frozen=True)
class PartialDate:
    """A date with the precision the document gives: ``xsd:date``, ``gYearMonth`` or ``gYear``."""

    lexical: str
    datatype: str  # "date", "gYearMonth" or "gYear"


def parse_date(raw: str) -> PartialDate:
    """Read ``05.07.2022г.``, ``30.06.2021 г.``, ``месец февруари 2016 г.`` or ``2022 г.``."""
    text = collapse_whitespace(raw).lower()
    if match := _FULL_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
        check_calendar(raw, year, month, day)
        return PartialDate(f"{year:04d}-{month:02d}-{day:02d}", "date")
    if match := _MONTH_DATE.match(text):
        month_name, year = match.group(1), int(match.group(2))
        if month_name not in MONTHS:
            raise NormalisationError(f"{raw!r}: {month_name!r} is not a Bulgarian month name")
        return PartialDate(f"{year:04d}-{MONTHS[month_name]:02d}", "gYearMonth")
    if match := _YEAR_ONLY.match(text):
        return PartialDate(f"{int(match.group(1)):04d}", "gYear")
    raise NormalisationError(
        f"{raw!r} is not a date (expected e.g. '05.07.2022 г.', 'февруари 2016 г.' or '2022 г.')")


#: An ISO 8601 calendar date, as YAML writes an unquoted ``2021-03-12``.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The XSD datatype of each lexical form :func:`parse_date` gives, by its length.
_DATATYPE_BY_LENGTH = {4: "gYear", 7: "gYearMonth", 10: "date"}


def date_datatype(lexical: str) -> str:
    """``date``, ``gYearMonth`` or ``gYear``: the XSD datatype of a lexical form that
    :func:`parse_date` produced (``2021-03-12``, ``2021-03``, ``2021``)."""
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
