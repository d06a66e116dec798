"""The memo of kg/common/query_text.py: a repeated text is not measured or parsed again, and the
verdict on it is exactly the verdict a fresh check would give, under the limits of the call."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.common import query_text
from kg.common.query_text import MEMO_SIZE, QueryRefusedError, TextLimits, check_query

LIMITS = TextLimits()


def _unique(text: str) -> str:
    """``text`` with a comment no other test uses, so that no earlier check remembered it."""
    return f"{text}\n# {uuid.uuid4()}"


def _verdict(text: str, limits: TextLimits = LIMITS) -> tuple[int, str] | None:
    try:
        check_query(text, limits)
    except QueryRefusedError as error:
        return error.status, error.message
    return None


def _count_lexing(monkeypatch) -> list[int]:
    """Count the calls of the SERVICE lexer from now on."""
    lexed: list[int] = []
    original = query_text.has_service
    monkeypatch.setattr(query_text, "has_service", lambda text: lexed.append(1) or original(text))
    return lexed


def test_a_repeated_service_query_is_refused_again_without_a_second_lexing(monkeypatch):
    parses = _count_lexing(monkeypatch)
    text = _unique("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    for _ in range(3):
        with pytest.raises(QueryRefusedError, match="SERVICE") as refused:
            check_query(text, LIMITS)
        assert refused.value.status == 400
    assert len(parses) == 1


def test_a_text_that_only_names_a_variable_service_is_lexed_once_and_let_through(monkeypatch):
    parses = _count_lexing(monkeypatch)
    text = _unique("SELECT ?service WHERE { ?service ?p ?o }")
    assert _verdict(text) is None and _verdict(text) is None
    assert len(parses) == 1


def test_the_limits_of_each_call_apply_to_a_remembered_text():
    text = _unique("SELECT * WHERE { " + "{" * 10 + "}" * 10 + " }")
    assert _verdict(text) is None
    assert _verdict(text, TextLimits(max_depth=5)) == (
        400, "the query nests brackets 11 levels deep; the limit is 5")
    assert _verdict(text) is None


def test_a_text_over_the_length_limit_is_refused_before_it_is_hashed(monkeypatch):
    def no_hashing(text: str) -> bytes:
        raise AssertionError("hashed a text that is refused for its length")

    monkeypatch.setattr(query_text, "digest_of", no_hashing)
    status, message = _verdict("SELECT * WHERE { }" + " " * 200, TextLimits(max_length=100))
    assert status == 400 and "characters long" in message


def test_the_memo_stays_bounded():
    for number in range(MEMO_SIZE + 50):
        check_query(f"ASK {{ }} # {number} {uuid.uuid4()}", LIMITS)
    assert len(query_text._shapes._items) <= MEMO_SIZE
    assert len(query_text._services._items) <= MEMO_SIZE


TEXTS = st.one_of(
    st.text(max_size=200),
    st.builds(lambda head, tail: f"{head} SERVICE {tail}", st.text(max_size=60), st.text(max_size=60)),
    st.builds(lambda depth: "SELECT * WHERE { " + "(" * depth + ")" * depth + " }",
              st.integers(min_value=0, max_value=120)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_a_remembered_verdict_is_the_verdict_of_a_fresh_check(text):
    first, second = _verdict(text), _verdict(text)
    query_text._shapes.clear()
    query_text._services.clear()
    assert first == second == _verdict(text)
