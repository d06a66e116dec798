"""Normalisation: every raw form the documents use reads as its canonical value."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.records.normalize import (
    NormalisationError,
    eur_from_bgn,
    identifier_corrections,
    normalise_identifier,
    parse_date,
    parse_duration,
    parse_money,
    parse_quantity,
    parse_registry_id,
    parse_span,
    project_number_of,
    slugify,
    transliterate,
)


@pytest.mark.parametrize(("raw", "canonical"), [
    ("BG05M9OP001-2.018-0031-С01", "BG05M9OP001-2.018-0031-C01"),  # Cyrillic Es
    ("BG05M9OP001-2.018-0031-2014BG05М2ОP001-C01", "BG05M9OP001-2.018-0031-2014BG05M2OP001-C01"),
    ("BG05М90Р001-2.002", "BG05M9OP001-2.002"),  # Cyrillic Em and Er, and a zero for O
    ("BG05M90P001-2.004", "BG05M9OP001-2.004"),  # zero for the letter O
    ("BG05M9OP001-2.029 –0004", "BG05M9OP001-2.029-0004"),  # space and en dash
    ("BG05M9OP001-2.002-0131-С001", "BG05M9OP001-2.002-0131-C01"),  # 3-digit suffix
    ("BG05M9OP001-2.056-0025-C01", "BG05M9OP001-2.056-0025-C01"),
    ("BGLD-2.003-0004-C01", "BGLD-2.003-0004-C01"),
    ("BGLD-2.003-0004", "BGLD-2.003-0004"),
])
def test_contract_and_procedure_numbers_normalise_to_canonical_latin(raw, canonical):
    assert normalise_identifier(raw) == canonical
    assert normalise_identifier(raw).isascii()


def test_contract_number_with_cyrillic_es_names_the_offending_character():
    corrections = identifier_corrections("BG05M9OP001-2.018-0031-С01")
    assert [(c.found, c.replaced_by) for c in corrections] == [("С", "C")]
    assert "CYRILLIC CAPITAL LETTER ES" in corrections[0].reason


def test_zero_for_o_is_reported_as_a_correction():
    reasons = [c.reason for c in identifier_corrections("BG05M90P001-2.004")]
    assert reasons == ["zero written for the letter O"]


@pytest.mark.parametrize("raw", ["BG05M9OP001", "2.018-0031", "BG05M9OP001-2.018-0031-X01", ""])
def test_a_string_that_is_no_isun_number_is_refused_with_the_reason(raw):
    with pytest.raises(NormalisationError, match="not an ИСУН number"):
        normalise_identifier(raw)


def test_project_number_is_the_contract_number_without_its_suffix():
    assert project_number_of("BG05M9OP001-2.018-0031-2014BG05M2OP001-C01") == "BG05M9OP001-2.018-0031"
    assert project_number_of("BGLD-2.003-0004-C01") == "BGLD-2.003-0004"


@pytest.mark.parametrize(("raw", "value"), [
    ("882 659.05 лв.", "882659.05"),
    ("1 032 658.75 лв.", "1032658.75"),
    ("1 589 270,65 лв.", "1589270.65"),
    ("1\u00a0589\u00a0270,65 лв.", "1589270.65"),  # no-break spaces
    ("1\u202f199\u202f362,90 лв.", "1199362.90"),  # narrow no-break spaces
    ("57 744.05 лв.", "57744.05"),
    ("467 289.00 лв.", "467289.00"),
    ("499 339.97 лв.", "499339.97"),
])
def test_amounts_read_as_decimal_bgn(raw, value):
    money = parse_money(raw)
    assert money.value == Decimal(value)
    assert money.currency == "BGN"


@pytest.mark.parametrize("raw", ["лв.", "-5 лв.", "12,5,5 лв.", "1 23 лв.", "лв. 5 лв."])
def test_malformed_amounts_are_refused(raw):
    with pytest.raises(NormalisationError):
        parse_money(raw)


def test_eur_value_uses_the_fixed_rate_to_the_cent():
    assert eur_from_bgn(Decimal("1.95583")) == Decimal("1.00")
    assert eur_from_bgn(Decimal("882659.05")) == Decimal("451296.41")


@pytest.mark.parametrize(("raw", "lexical", "datatype"), [
    ("05.07.2022г.", "2022-07-05", "date"),
    ("30.06.2023г.", "2023-06-30", "date"),
    ("30.06.2021 г.", "2021-06-30", "date"),
    ("01.08.2016 г.", "2016-08-01", "date"),
    ("месец февруари 2016 г.", "2016-02", "gYearMonth"),
    ("август 2019 г.", "2019-08", "gYearMonth"),
    ("2022г.", "2022", "gYear"),
    ("2016 г.", "2016", "gYear"),
    ("2022 год.", "2022", "gYear"),
])
def test_dates_keep_the_precision_the_document_gives(raw, lexical, datatype):
    parsed = parse_date(raw)
    assert (parsed.lexical, parsed.datatype) == (lexical, datatype)


@pytest.mark.parametrize("raw", ["31.02.2022 г.", "юнуари 2020", "2022-02-30", "вчера",
                                 "до средата на следващата година", "31.02."])
def test_impossible_or_unknown_dates_are_refused(raw):
    with pytest.raises(NormalisationError):
        parse_date(raw)


def test_durations_in_months_read_as_xsd_duration():
    assert parse_duration("24 месеца") == "P24M"
    assert parse_duration("12 месеца") == "P12M"
    assert parse_duration("2 години") == "P2Y"


@pytest.mark.parametrize(("raw", "value", "approximation", "unit"), [
    ("около 12 000 души", "12000", "about", "души"),
    ("около 21.5%", "21.5", "about", "%"),
    ("над 260", "260", "over", ""),
    ("Над 70%", "70", "over", "%"),
    ("Малко над 40%", "40", "slightly-over", "%"),
    ("Близо 60%", "60", "nearly", "%"),
    ("40 потребители", "40", "exact", "потребители"),
    ("7%", "7", "exact", "%"),
])
def test_quantities_keep_their_approximation(raw, value, approximation, unit):
    quantity = parse_quantity(raw)
    assert (quantity.value, quantity.approximation, quantity.unit_word) == \
        (Decimal(value), approximation, unit)


@pytest.mark.parametrize("raw", ["2022 - 2024", "2022-2024", "2022 г.-2024", "2022 – 2024 г.",
                                 "2022- 2024", "(2022 - 2024)"])
def test_year_spans_read_as_two_years(raw):
    assert parse_span(raw) == ("2022", "2024")


def test_a_span_that_ends_before_it_starts_is_refused():
    with pytest.raises(NormalisationError, match="starts"):
        parse_span("2024 - 2022")


def test_transliteration_follows_the_official_bulgarian_system():
    assert transliterate("Кюстендил") == "kyustendil"
    assert transliterate("Щастливеца") == "shtastlivetsa"
    assert transliterate("София") == "sofia"
    assert slugify("ОУ „Проф. Марин Дринов“") == "ou-prof-marin-drinov"


# Properties of the parsers -------------------------------------------------------------------

LOOKALIKES = {"C": "С", "M": "М", "O": "О", "P": "Р"}
SPACE_KINDS = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])


@given(st.integers(min_value=1, max_value=9), st.integers(min_value=0, max_value=999),
       st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=99),
       st.sets(st.sampled_from(sorted(LOOKALIKES))))
def test_any_isun_number_with_lookalikes_normalises_to_its_latin_form(axis, procedure, project,
                                                                      contract, swapped):
    canonical = f"BG05M9OP001-{axis}.{procedure:03d}-{project:04d}-C{contract:02d}"
    raw = "".join(LOOKALIKES[char] if char in swapped else char for char in canonical)
    assert normalise_identifier(raw) == canonical


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99),
       SPACE_KINDS, st.sampled_from([".", ","]))
def test_any_grouped_amount_reads_back_to_its_value(whole, cents, space, mark):
    grouped = f"{whole:,}".replace(",", space)
    money = parse_money(f"{grouped}{mark}{cents:02d} лв.")
    assert money.value == Decimal(f"{whole}.{cents:02d}")


@given(st.dates())
def test_any_full_date_reads_back(date):
    raw = f"{date.day:02d}.{date.month:02d}.{date.year:04d} г."
    if date.year < 1000:
        return
    assert parse_date(raw).lexical == date.isoformat()


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_eur_equivalent_round_trips_to_within_a_cent(value):
    eur = eur_from_bgn(value)
    assert abs(eur * Decimal("1.95583") - value) <= Decimal("0.01")


# ЕИК/БУЛСТАТ: the Registry Agency's algorithm. Digit 9 = (d1*1 + ... + d8*8) mod 11; if that is 10,
# (d1*3 + ... + d8*10) mod 11; if 10 again, 0. For 13 digits, digit 13 = (d9*2 + d10*7 + d11*3 +
# d12*5) mod 11, then weights 4, 9, 5, 7, then 0. Worked: 000696327 (Столична община):
# 6*4+9*5+6*6+3*7+2*8 = 142 = 10 (mod 11) -> 6*6+9*7+6*8+3*9+2*10 = 194 = 7 (mod 11): digit 9 is 7.
@pytest.mark.parametrize(("raw", "digits"), [
    ("000696327", "000696327"),             # Столична община (second weight set)
    ("БУЛСТАТ 000695395", "000695395"),     # Министерство на труда и социалната политика
    ("ЕИК: 121015056", "121015056"),        # Агенция за социално подпомагане
    ("ЕИК/БУЛСТАТ 121 015 056", "121015056"),
    ("UIC 000000000", "000000000"),
    ("0006963270018", "0006963270018"),     # 13 digits: digits 9-12 = 7,0,0,1: 7*2+1*5 = 19 = 8
])
def test_registry_ids_with_good_check_digits_are_read_as_digits(raw, digits):
    assert parse_registry_id(raw) == digits


@pytest.mark.parametrize("raw", [
    "000696328",        # check digit off by one
    "121015055",
    "0006963270015",    # 13-digit check digit wrong (8 holds)
    "00069632",         # 8 digits
    "0006963270",       # 10 digits
    "ЕИК 00069632А",
])
def test_registry_ids_with_bad_check_digits_or_length_are_refused(raw):
    with pytest.raises(NormalisationError):
        parse_registry_id(raw)


def test_thirteen_digit_check_digit_falls_back_to_the_second_weights_and_to_zero():
    # digits 9-12 = 7,1,0,0: 7*2+1*7 = 21 = 10 -> second weights 7*4+1*9 = 37 = 4 (mod 11)
    assert parse_registry_id("0006963271004") == "0006963271004"
    # digits 9-12 = 7,0,1,3: 14+3+15 = 32 = 10 and 28+5+21 = 54 = 10 -> 0
    assert parse_registry_id("0006963270130") == "0006963270130"
    with pytest.raises(NormalisationError):
        parse_registry_id("0006963270131")
