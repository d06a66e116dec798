"""Content negotiation follows RFC 9110: q-values, wildcards, specificity, server order."""

from server.http.negotiation import choose, parse_accept

OFFERS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


def test_no_accept_header_gets_the_servers_first_choice():
    assert choose(None, OFFERS) == OFFERS[0]
    assert choose("", OFFERS) == OFFERS[0]


def test_the_highest_quality_wins():
    assert choose("text/csv;q=0.9, application/sparql-results+xml", OFFERS) == \
        "application/sparql-results+xml"


def test_a_more_specific_range_overrides_a_wildcard():
    assert choose("text/*;q=0.1, text/csv;q=0.8, */*;q=0.5", OFFERS) == "text/csv"
    assert choose("*/*;q=0.5, application/sparql-results+json;q=0", OFFERS) == \
        "application/sparql-results+xml"


def test_q_zero_refuses_and_nothing_acceptable_is_none():
    assert choose("text/html", OFFERS) is None
    assert choose("text/csv;q=0", ["text/csv"]) is None


def test_ties_go_to_the_server_order():
    assert choose("text/csv, application/sparql-results+xml", OFFERS) == \
        "application/sparql-results+xml"


def test_malformed_ranges_are_skipped_not_errors():
    assert [r.type for r in parse_accept("garbage, text/csv;q=abc, */*")] == ["text", "*"]
    assert choose("garbage", OFFERS) is None
