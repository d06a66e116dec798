"""The query mix of the benchmark: the saved queries plus seven shapes of query researchers send.

Each entry is (name, SPARQL text, Accept). Texts that need a value (a contract number) take it
from the data under test, so every size answers a real lookup.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO)]

from kg.common.formats import by_key  # noqa: E402
from kg.query.catalogue import catalogue  # noqa: E402

JSON = by_key("json").media_type
CSV = by_key("csv").media_type
TURTLE = by_key("turtle").media_type
PREFIXES = """PREFIX bgi: <https://w3id.org/bg-inclusion/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def contract_numbers(store, limit: int = 1000) -> list[str]:
    """Up to ``limit`` contract numbers of the data under test (an OxigraphStore), for lookups."""
    return [row[0].split('"')[1] for row in store.query(
        "SELECT ?n WHERE { ?c a <https://w3id.org/bg-inclusion/ontology#GrantContract> ; "
        f"<http://purl.org/dc/terms/identifier> ?n }} LIMIT {limit}").rows()]


def lookup_query(contract_number: str) -> str:
    return PREFIXES + f"""SELECT ?contract ?project ?programme WHERE {{
  ?contract dcterms:identifier "{contract_number}" ; a bgi:GrantContract ;
            bgi:fundsProject ?project ; bgi:underProgramme ?programme . }}"""


def mix(contract_number: str) -> list[tuple[str, str, str]]:
    """Saved queries (parameters unbound: every value, their heaviest form) and the seven shapes."""
    queries = [(f"saved: {name}", saved.text, JSON) for name, saved in sorted(catalogue().items())]
    queries += [
        ("lookup by contract number", lookup_query(contract_number), JSON),
        ("aggregate by programme", PREFIXES + """SELECT ?programme (COUNT(DISTINCT ?c) AS ?contracts)
  (SUM(?value) AS ?total) WHERE { ?c a bgi:GrantContract ; bgi:underProgramme ?programme ;
  bgi:fundsProject ?p . OPTIONAL { ?a bgi:amountOf ?p ; bgi:budgetComponent ?k ;
  <http://schema.org/value> ?value .
  FILTER(?k = <https://w3id.org/bg-inclusion/id/concept/budget-components/total>) } }
  GROUP BY ?programme ORDER BY ?programme""", JSON),
        ("three-way join beneficiary-project-partner", PREFIXES + """
SELECT ?beneficiary ?project ?partner WHERE {
  ?b bgi:participationIn ?project ; bgi:participant ?beneficiary ;
     bgi:role <https://w3id.org/bg-inclusion/id/concept/roles/beneficiary> .
  ?q bgi:participationIn ?project ; bgi:participant ?partner ;
     bgi:role <https://w3id.org/bg-inclusion/id/concept/roles/partner> . } LIMIT 1000""", JSON),
        ("case-insensitive Bulgarian text filter", PREFIXES + """SELECT ?project ?title WHERE {
  ?project a bgi:Project ; rdfs:label ?title . FILTER(CONTAINS(LCASE(STR(?title)), "видин")) }""", JSON),
        ("top-10 ORDER BY", PREFIXES + """SELECT ?amount ?value WHERE { ?amount a bgi:Amount ;
  <http://schema.org/value> ?value } ORDER BY DESC(?value) LIMIT 10""", JSON),
        ("DESCRIBE", PREFIXES + f"""DESCRIBE ?c WHERE {{ ?c dcterms:identifier "{contract_number}" }}""",
         TURTLE),
        ("property path", PREFIXES + """SELECT ?place (COUNT(?project) AS ?n) WHERE {
  ?project a bgi:Project ; bgi:place/bgi:within* ?place } GROUP BY ?place ORDER BY DESC(?n) LIMIT 20""",
         JSON),
    ]
    return queries


def million_rows_query() -> str:
    """A SELECT of 1 000 000 rows (needs ≥ 1 000 000 triples: 10 000 contracts or more)."""
    return "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000000"
