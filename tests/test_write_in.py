"""A saved query's bound parameters are written into its text as constants (decision 0025).

pyoxigraph plans a constant as an index lookup and a substituted variable late (seconds at
100 000 contracts), so the API and ``kg query`` write a bound parameter in where that is the same
query: the text is read as SPARQL tokens, the variable becomes the term (a projected column
``(term AS ?name)``, a GROUP BY or ORDER BY condition ``(term)``), and a query where a constant
would mean something else keeps the substitution.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.query.catalogue import catalogue
from kg.query.write_in import NotWritableError, check_written_in, template, writable
from kg.store.oxigraph import OxigraphStore

PREFIXES = "PREFIX ex: <http://example.org/>\n"
TERM = "<http://example.org/a>"


def fill(text: str, key: str = "k", term: str = TERM) -> str:
    return template(PREFIXES + text, {key}).fill({key: term})[len(PREFIXES):]


def test_the_variable_becomes_the_term_in_patterns_filters_and_templates():
    assert fill("SELECT ?o WHERE { ?k ex:p ?o FILTER (?o != ?k) }") == \
        f"SELECT ?o WHERE {{ {TERM} ex:p ?o FILTER (?o != {TERM}) }}"
    assert fill("CONSTRUCT { ?k ex:q ?o } WHERE { ?k ex:p ?o }") == \
        f"CONSTRUCT {{ {TERM} ex:q ?o }} WHERE {{ {TERM} ex:p ?o }}"
    assert fill("ASK { GRAPH ?k { ?s ?p ?o } }") == f"ASK {{ GRAPH {TERM} {{ ?s ?p ?o }} }}"


def test_a_projected_parameter_stays_a_column_and_a_grouped_one_a_condition():
    assert fill("SELECT ?k (COUNT(?o) AS ?n) WHERE { ?k ex:p ?o } GROUP BY ?k ORDER BY DESC(?k) ?n") \
        == (f"SELECT ({TERM} AS ?k) (COUNT(?o) AS ?n) WHERE {{ {TERM} ex:p ?o }} "
            f"GROUP BY ({TERM}) ORDER BY DESC({TERM}) ?n")


def test_a_grouping_parameter_beside_other_conditions_is_left_out_of_group_by():
    """Grouping by a constant as well changes no group (and rdflib's engine fails on a constant
    condition beside a variable some rows leave unbound)."""
    assert fill("SELECT ?k ?c (SUM(?v) AS ?s) WHERE { ?k ex:p ?v OPTIONAL { ?k ex:c ?c } } "
                "GROUP BY ?k ?c") == (f"SELECT ({TERM} AS ?k) ?c (SUM(?v) AS ?s) WHERE {{ {TERM} ex:p ?v "
                                      f"OPTIONAL {{ {TERM} ex:c ?c }} }} GROUP BY  ?c")
    assert fill("SELECT ?k (SUM(?v) AS ?s) WHERE { ?k ex:p ?v } GROUP BY STR(?v) ?k").endswith(
        "GROUP BY STR(?v) ")


def test_comments_strings_iris_and_longer_names_are_left_alone():
    text = ('SELECT ?kind WHERE { # ?k in a comment\n'
            '  ?kind ex:p "?k" , \'\'\'?k\'\'\' , <http://example.org/?k> . ?k ex:q $k }')
    assert fill(text) == ('SELECT ?kind WHERE { # ?k in a comment\n'
                          '  ?kind ex:p "?k" , \'\'\'?k\'\'\' , <http://example.org/?k> . '
                          f'{TERM} ex:q {TERM} }}')


def test_a_keyword_in_a_prefixed_name_is_no_keyword():
    assert fill("SELECT ?o WHERE { ?k ex:SELECT ?o ; ex:VALUES ?o }") == \
        f"SELECT ?o WHERE {{ {TERM} ex:SELECT ?o ; ex:VALUES ?o }}"


@pytest.mark.parametrize(("text", "reason"), [
    ("SELECT ?o WHERE { ?s ex:p ?o BIND (?o AS ?k) }", "is bound by AS"),
    ("SELECT ?o (?o AS ?k) WHERE { ?s ex:p ?o }", "is bound by AS"),
    ("SELECT ?o WHERE { VALUES ?k { ex:a } ?k ex:p ?o }", "is listed in VALUES"),
    ("SELECT ?o WHERE { ?s ex:p ?o } VALUES (?o ?k) { (1 2) }", "is listed in VALUES"),
    ("SELECT ?o WHERE { ?s ex:p ?o { SELECT ?o WHERE { ?k ex:q ?o } } }", "inside a sub-SELECT"),
    ("SELECT ?o WHERE { ?s ex:p ?o MINUS { ?k ex:q ?o } }", "a MINUS"),
    ("SELECT * WHERE { ?k ex:p ?o }", "is projected by *"),
])
def test_where_a_constant_would_mean_something_else_the_parameter_is_not_written_in(text, reason):
    with pytest.raises(NotWritableError, match=reason):
        template(PREFIXES + text, {"k"})


def test_a_written_in_query_must_parse_and_keep_its_patterns():
    with pytest.raises(NotWritableError, match="does not parse"):
        check_written_in(PREFIXES + "SELECT ?o WHERE { ?s ex:p ?o FILTER (BOUND(?k)) }",
                         {"k": URIRef("http://example.org/a")})
    check_written_in(PREFIXES + "SELECT ?k ?o WHERE { ?k ex:p ?o }", {"k": Literal("x")})


def test_the_parameters_that_can_be_written_in_are_chosen_one_by_one():
    written, refused = writable(PREFIXES + "SELECT ?a ?o WHERE { ?a ex:p ?o BIND (1 AS ?b) }",
                                {"a": URIRef("http://example.org/a"), "b": Literal(1)})
    assert written.keys == {"a"} and set(refused) == {"b"}


def test_every_saved_parameter_is_written_in():
    """Each parameter of the bundled catalogue is written in (a new query that cannot be should
    be rewritten, or this list given its reason)."""
    for name, saved in catalogue().items():
        declared = {parameter.name for parameter in saved.parameters}
        written, _refused = saved.writing
        assert (written.keys if written else set()) == declared, name


def _rows(result) -> list[tuple]:
    return sorted(result.rows(), key=repr)


@pytest.mark.parametrize("name", sorted(name for name, saved in catalogue().items() if saved.parameters))
def test_written_in_answers_what_the_bound_query_answers(built, name):
    """On the bundled graph, every saved query with its defaults written in gives the rows it
    gives with them bound as pyoxigraph substitutions."""
    store = OxigraphStore.open_read_only(built / "store")
    saved = catalogue()[name]
    bindings = saved.default_bindings()
    text, rest = saved.bound_query(bindings)
    assert text != saved.text and rest == {}
    assert _rows(store.query(text)) == _rows(store.query(saved.text, bindings=bindings))
