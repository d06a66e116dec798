"""Fuzzing (hypothesis) of what reads untrusted text: the normalisers of kg/records/normalize.py and the
query pre-checks of kg/common/query_text.py. Properties: only the documented error is ever
raised, results are stable, and a query the checks let through never crashes the engine."""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.common.query_text import (
    QueryRefusedError,
    TextLimits,
    check_shape,
    code_of,
    measure,
    mentions_service,
)
from kg.records import normalize

PARSERS = [normalize.parse_money, normalize.parse_date, normalize.parse_duration,
           normalize.parse_quantity, normalize.parse_span, normalize.normalise_programme_code,
           normalize.project_number_of]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMITS = TextLimits()


@pytest.mark.parametrize("parse", PARSERS, ids=lambda function: function.__name__)
@FUZZ
@given(text=st.text(max_size=80))
def test_a_normaliser_raises_only_normalisation_error(parse, text):
    try:
        parse(text)
    except normalize.NormalisationError as error:
        assert str(error)


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_identifier_normalisation_is_idempotent_or_refused(text):
    try:
        once = normalize.normalise_identifier(text)
    except normalize.NormalisationError:
        return
    assert normalize.normalise_identifier(once) == once
    assert once.isascii()


@FUZZ
@given(text=st.text(max_size=80))
def test_slugs_are_ascii_and_stable(text):
    slug = normalize.slugify(text)
    assert slug.isascii() and " " not in slug
    assert normalize.slugify(slug) == slug


@FUZZ
@given(text=st.text(max_size=400))
def test_the_pre_checks_never_fail_except_by_refusing(text):
    measure(text)
    code_of(text)
    try:
        check_shape(text, LIMITS)
    except QueryRefusedError as error:
        assert error.status == 400 and error.message


@FUZZ
@given(inner=st.text(alphabet=st.characters(blacklist_characters="\\\"\r\n"), max_size=200))
def test_service_inside_a_string_or_comment_is_not_code(inner):
    """Text in a string literal or after # is never read as the keyword (no escapes: see code_of)."""
    query = f'SELECT * WHERE {{ BIND("{inner} SERVICE" AS ?x) }} # SERVICE {inner}'
    assert not mentions_service(query)


NESTING = st.recursive(
    st.sampled_from(["1", "?x", "true", '"s"']),
    lambda inner: st.one_of(inner.map(lambda text: f"({text})"), inner.map(lambda text: f"!{text}"),
                            inner.map(lambda text: f"-{text}"), st.tuples(inner, inner).map(
                                lambda pair: f"({pair[0]} + {pair[1]})")),
    max_leaves=400)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(expression=NESTING, groups=st.integers(min_value=0, max_value=200))
def test_what_the_checks_let_through_never_crashes_the_engine(expression, groups):
    query = "SELECT * WHERE " + "{" * (groups + 1) + f" FILTER({expression}) " + "}" * (groups + 1)
    try:
        check_shape(query, LIMITS)
    except QueryRefusedError:
        return
    with contextlib.suppress(SyntaxError, ValueError, OSError):  # here: an overflow ends the run
        list(ox.Store().query(query))


@settings(max_examples=50, deadline=None)
@given(depth=st.integers(min_value=LIMITS.max_depth + 1, max_value=20_000),
       bracket=st.sampled_from(["()", "{}", "[]"]))
def test_nesting_beyond_the_limit_is_always_refused(depth, bracket):
    query = "SELECT * WHERE { " + bracket[0] * depth + bracket[1] * depth + " }"
    with pytest.raises(QueryRefusedError, match="levels deep"):
        check_shape(query, LIMITS)
