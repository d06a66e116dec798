"""An OPTIONAL is evaluated row by row on pyoxigraph only where that is the same query
(decision 0026, kg/store/lateral.py).

The rules are specified on texts; the claim that matters — the rewritten text gives the same
rows as the text as written — is checked on pyoxigraph itself: on graphs made so that a wrong
rule gives a different answer (and a rewrite that ignores the rules is shown to give one), on
the W3C SPARQL 1.1 evaluation queries, and on every saved query over the bundled build.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from answers import canonical_cell
from rdflib import Graph, URIRef
from w3c_suites import MF, QT
from w3c_suites import SPARQL11 as SUITE

from kg.query.catalogue import catalogue
from kg.store.lateral import lateral_optionals, solutions_query
from kg.store.oxigraph import OxigraphStore
from kg.store.results import QuerySyntaxError, oxigraph_syntax_error

PREFIXES = "PREFIX : <http://example.org/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
LABEL = 'OPTIONAL { ?p rdfs:label ?l FILTER (lang(?l) = "bg") }'


def _lateral(text: str) -> bool:
    return lateral_optionals(text) != text


# --- the rules, on texts ----------------------------------------------------------------------

def test_a_label_looked_up_for_a_bound_subject_is_written_as_lateral():
    text = PREFIXES + "SELECT ?p ?l WHERE { ?p a :Project . " + LABEL + " }"
    assert lateral_optionals(text) == PREFIXES + (
        "SELECT ?p ?l WHERE { ?p a :Project . LATERAL { " + LABEL + " } }")


def test_every_qualifying_optional_of_the_group_is_rewritten_and_nothing_else_moves():
    text = PREFIXES + ("SELECT * WHERE {\n  ?p a :Project ; :place ?m .\n  " + LABEL +
                       "\n  OPTIONAL { ?m rdfs:label ?ml }\n} ORDER BY ?p")
    rewritten = lateral_optionals(text)
    assert rewritten.count("LATERAL { OPTIONAL {") == 2
    assert rewritten.replace("LATERAL { ", "").replace(" } }", " }") == text


@pytest.mark.parametrize("where, why", [
    ("?p a :Project . OPTIONAL { ?p :place ?m } OPTIONAL { ?m rdfs:label ?l }",
     "?m is bound only by an earlier OPTIONAL"),
    ("?p a :Project . BIND (:x AS ?m) OPTIONAL { ?m rdfs:label ?l }", "?m is bound by BIND"),
    ("?p a :Project . VALUES ?m { :x UNDEF } OPTIONAL { ?m rdfs:label ?l }",
     "?m comes from VALUES"),
    ("{ ?m a :A } UNION { ?p a :B } OPTIONAL { ?m rdfs:label ?l }", "?m is bound in one branch"),
    ("GRAPH ?m { ?p a :Project } OPTIONAL { ?m rdfs:label ?l }", "?m names a graph"),
    ("?p a :Project . FILTER (?p != :x) OPTIONAL { ?q rdfs:label ?l FILTER (?q = ?p) }",
     "?p is shared only inside the FILTER"),
    ("?p a :Project . OPTIONAL { ?q rdfs:label ?l }", "nothing is shared"),
    ("OPTIONAL { ?p rdfs:label ?l }", "nothing precedes it"),
    ("?p a :Project . OPTIONAL { ?p :place ?m OPTIONAL { ?m rdfs:label ?l } }", "nested OPTIONAL"),
    ("?p a :Project . OPTIONAL { ?p :place ?m . ?m rdfs:label ?l }", "two triple patterns"),
    ("?p a :Project . OPTIONAL { ?p :place ?m ; rdfs:label ?l }", "two patterns sharing a subject"),
    ("?p a :Project . OPTIONAL { ?p :kind [ :code ?c ] }", "a blank node's patterns"),
    ("?p a :Project . OPTIONAL { { ?p rdfs:label ?l } UNION { ?p :name ?l } }", "a UNION"),
    ("?p a :Project . OPTIONAL { ?p rdfs:label ?l FILTER EXISTS { ?p :x ?y } }", "an EXISTS"),
    ("?p a :Project . OPTIONAL { ?p rdfs:label ?l BIND (STR(?l) AS ?s) }", "a BIND"),
    ("?p a :Project . OPTIONAL { SELECT ?p ?l WHERE { ?p rdfs:label ?l } }", "a sub-SELECT"),
    ("?p a :Project . OPTIONAL { GRAPH ?g { ?p rdfs:label ?l } }", "a GRAPH"),
    ("?p a :Project . { ?p :place ?m OPTIONAL { ?m rdfs:label ?l } }", "inside a nested group"),
    ("?p a :Project . MINUS { ?p :place ?m OPTIONAL { ?m rdfs:label ?l } }", "inside a MINUS"),
    ("?p a :Project . OPTIONAL { ?p (:a|:b) ?m } OPTIONAL { ?p :c ?x FILTER (?x = ?m) }",
     "the FILTER reads an optional ?m"),
])
def test_an_optional_not_provably_the_same_row_by_row_is_left_as_written(where, why):
    text = PREFIXES + "SELECT * WHERE { " + where + " }"
    first_optional = text.index("OPTIONAL")
    rewritten = lateral_optionals(text)
    if why in ("?m is bound only by an earlier OPTIONAL", "the FILTER reads an optional ?m"):
        # the first OPTIONAL qualifies; the one after it must not
        assert rewritten.count("LATERAL") == 1 and rewritten.index("LATERAL") == first_optional, why
    else:
        assert rewritten == text, why


def test_optional_written_in_strings_comments_iris_and_names_is_not_a_keyword():
    text = PREFIXES + (
        'SELECT ?p WHERE { ?p :note "OPTIONAL { ?p rdfs:label ?l }" ; :OPTIONAL ?x .\n'
        "  # OPTIONAL { ?p rdfs:label ?l }\n  ?p :y <http://example.org/OPTIONAL> }")
    assert lateral_optionals(text) == text


def test_a_text_with_unicode_escapes_is_left_as_written():
    text = PREFIXES + "SELECT * WHERE { ?p a :Project\\u002E " + LABEL + " }"
    assert lateral_optionals(text) == text


def test_filter_calls_and_paths_inside_the_optional_are_allowed():
    text = PREFIXES + ('SELECT * WHERE { ?p a :Project . '
                       'OPTIONAL { ?p :place/(rdfs:label|:name) ?l FILTER regex(?l, "^К") } }')
    assert _lateral(text)


def test_only_the_where_group_of_a_construct_is_read():
    text = PREFIXES + "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a :Project . " + LABEL + " }"
    assert lateral_optionals(text) == PREFIXES + (
        "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a :Project . LATERAL { " + LABEL + " } }")


# --- the same rows, on the engine -------------------------------------------------------------

DATA = """
@prefix : <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:p1 a :Project ; rdfs:label "едно"@bg , "one"@en ; :place :m1 , :m2 ; :kind :k1 .
:p2 a :Project ; rdfs:label "two"@en ; :place :m1 .
:p3 a :Project ; :kind :k2 .
:p4 a :Project ; rdfs:label "четири"@bg , "четвърти"@bg .
:m1 rdfs:label "Кюстендил"@bg ; :a :x1 .
:m2 :b :x2 .
:x1 rdfs:label "x1" ; :c "1" .
:x2 :c "2" .
:k1 rdfs:label "kind one"@en .
"""

QUERIES = [
    "SELECT ?p ?l WHERE { ?p a :Project . " + LABEL + " }",
    "SELECT ?p (SAMPLE(?l) AS ?t) (COUNT(*) AS ?n) WHERE { ?p a :Project . " + LABEL + " } GROUP BY ?p",
    "SELECT * WHERE { ?p a :Project ; :place ?m . OPTIONAL { ?m rdfs:label ?ml } " + LABEL + " }",
    "SELECT * WHERE { ?p a :Project . OPTIONAL { ?p :place/rdfs:label ?ml } }",
    "SELECT * WHERE { ?p a :Project . "
    "OPTIONAL { ?p :kind/rdfs:label ?kl FILTER (lang(?kl) = 'en') } }",
    "SELECT * WHERE { ?p a :Project . OPTIONAL { ?p rdfs:label ?l FILTER (?p != :p1) } }",
    "SELECT * WHERE { ?p a :Project . OPTIONAL { ?p :place/(:a|:b) ?x } OPTIONAL { ?p :kind ?k } }",
    "SELECT * WHERE { ?p a :Project . OPTIONAL { ?p :place ?m } FILTER (!BOUND(?m)) }",
    "SELECT * WHERE { ?p a :Project . OPTIONAL { ?p rdfs:label ?l } ?p :place ?m . "
    "OPTIONAL { ?m rdfs:label ?l } }",
    "ASK { ?p a :Project . OPTIONAL { ?p rdfs:label ?l } FILTER (!BOUND(?l)) }",
    "CONSTRUCT { ?p :title ?l } WHERE { ?p a :Project . " + LABEL + " }",
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


def _answer(store: ox.Store, text: str, base: str | None = None):
    """The answer as a multiset of rows (GROUP_CONCAT parts sorted), a boolean, or triples."""
    result = store.query(text, base_iri=base)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [variable.value for variable in result.variables]
        return Counter(tuple(canonical_cell(str(row[name]) if row[name] is not None else None)
                             for name in names) for row in result)
    return Counter(str(triple) for triple in result)


@pytest.mark.parametrize("query", QUERIES)
def test_the_rewritten_query_gives_the_same_answer(store, query):
    text = PREFIXES + query
    rewritten = lateral_optionals(text)
    assert rewritten != text, "each of these queries has an OPTIONAL that qualifies"
    assert _answer(store, rewritten) == _answer(store, text)


def test_a_rewrite_that_ignores_the_rules_would_change_the_answer(store):
    """The control: an OPTIONAL nested in the OPTIONAL, whose ?l the outer pattern binds. As
    written, the nested group is evaluated on its own and joined (p1's "едно" row keeps only
    :m2, which has no label); row by row, ?l is put in first, the nested OPTIONAL finds no
    label "едно" and keeps :m1 too. The rules leave it as written."""
    before = "SELECT * WHERE { ?p a :Project ; rdfs:label ?l . "
    optional = "OPTIONAL { ?p :place ?m OPTIONAL { ?m rdfs:label ?l } }"
    text = PREFIXES + before + optional + " }"
    careless = PREFIXES + before + "LATERAL { " + optional + " } }"
    assert _answer(store, careless) != _answer(store, text)
    assert lateral_optionals(text) == text


def _evaluation_tests():
    if not SUITE.is_dir():
        return []
    cases = []
    for manifest in sorted(SUITE.glob("*/manifest.ttl")):
        graph = Graph().parse(manifest, format="turtle")
        for action in graph.objects(None, MF.action):
            query = graph.value(action, QT.query)
            if not isinstance(query, URIRef) or not str(query).endswith(".rq"):
                continue
            path = Path(str(query).removeprefix("file://"))
            if not path.is_file() or "optional" not in path.read_text(encoding="utf-8").lower():
                continue
            data = [Path(str(d).removeprefix("file://")) for d in graph.objects(action, QT.data)]
            cases.append(pytest.param(path, data, id=f"{path.parent.name}/{path.name}"))
    return cases


@pytest.mark.parametrize("query, data", _evaluation_tests())
def test_the_w3c_queries_with_optional_give_the_same_answer_rewritten(query, data):
    store = ox.Store()
    for path in data:
        store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    text = query.read_text(encoding="utf-8")
    base = query.as_uri()
    try:
        expected = _answer(store, text, base)
    except (SyntaxError, OSError, RuntimeError) as error:
        pytest.skip(f"pyoxigraph does not run it as written: {error}")
    assert _answer(store, lateral_optionals(text), base) == expected


def test_the_w3c_suite_has_queries_with_optional_to_check():
    assert len(_evaluation_tests()) >= 5


@pytest.fixture(scope="module")
def built_store(built) -> ox.Store:
    return ox.Store.read_only(str(built / "store"))


def _solutions(store: ox.Store, text: str) -> Counter:
    """The solutions of the query's WHERE group, before grouping: the rewrite touches nothing
    else, and a SAMPLE over two labels may pick either, so answers are compared here."""
    query = solutions_query(text)
    assert query is not None
    return _answer(store, query)


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_saved_query_finds_the_same_solutions_rewritten(built_store, name):
    saved = catalogue()[name]
    texts = [saved.text]
    if saved.default_bindings():
        written, rest = saved.bound_query(saved.default_bindings())
        if not rest:
            texts.append(written)
    for text in texts:
        rewritten = lateral_optionals(text)
        assert _solutions(built_store, rewritten) == _solutions(built_store, text)


def test_the_solutions_of_a_construct_are_those_of_its_where_group():
    text = PREFIXES + "CONSTRUCT { ?p :t ?l } WHERE { ?p a :P { ?p :q ?l } }"
    assert solutions_query(text) == PREFIXES + "SELECT * WHERE { ?p a :P { ?p :q ?l } }"


def test_the_embedded_store_reports_a_syntax_error_where_the_text_as_sent_has_it(built):
    store = OxigraphStore.open_read_only(built / "store")
    text = PREFIXES + "SELECT * WHERE { ?p a :Project . " + LABEL + " FILTER (?p = ) }"
    assert _lateral(text)
    with pytest.raises(QuerySyntaxError) as raised:
        store.query(text)
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(text)
    assert (raised.value.line, raised.value.column) == (
        oxigraph_syntax_error(direct.value).line, oxigraph_syntax_error(direct.value).column)
    assert raised.value.line == 3 and raised.value.column > text.splitlines()[2].index("FILTER (?p")


def test_the_embedded_store_runs_the_rewritten_text(built):
    """The same rows as the text as sent, through the store every request uses."""
    store = OxigraphStore.open_read_only(built / "store")
    text = PREFIXES.replace("http://example.org/", "https://w3id.org/bg-inclusion/ontology#") + (
        "SELECT ?p ?l WHERE { ?p a :Project . " + LABEL + " }")
    assert _lateral(text)
    rows = store.query(text).rows()
    assert rows and Counter(rows) == _answer(ox.Store.read_only(str(built / "store")), text)


def test_the_memo_of_rewrites_is_bounded_and_holds_no_query_text():
    """A worker sees many texts of up to 100 KB: the memo keeps a digest and a few offsets each."""
    from kg.common.limits import QUERY_MEMO_SIZE
    from kg.store import lateral

    for number in range(QUERY_MEMO_SIZE + 50):
        text = PREFIXES + f"SELECT * WHERE {{ ?p a :P{number} . " + LABEL + " }"
        assert _lateral(text)
    items = lateral._insertions._items
    assert len(items) <= QUERY_MEMO_SIZE
    assert all(isinstance(offset, int) and insert in ("LATERAL { ", " }")
               for value in items.values() for offset, insert in value)


def test_the_benchmark_writes_its_section_and_finds_the_same_solutions(built, tmp_path):
    """bench/lateral_optionals.py on the bundled build: one row per saved query the rewrite
    changes, each with the same solutions both ways, and the other sections kept."""
    from bench_section import OTHER_SECTION, run_into_results

    written, rows = run_into_results("lateral_optionals.py", ["--build", str(built), "--runs", "1"],
                                     tmp_path, timeout=300)
    assert OTHER_SECTION in written
    changed = sorted(name for name, saved in catalogue().items()
                     if lateral_optionals(saved.text) != saved.text)
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == changed
    assert all("same solutions" in row and "different" not in row for row in rows)
