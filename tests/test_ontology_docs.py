"""The ontology reference: ``kg docs`` and the HTML that ``/ontology`` serves to browsers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.cli import main
from kg.common import paths
from kg.ontology_docs.diagram import diagram_svg, main_arrows
from kg.ontology_docs.model import read_ontology
from kg.ontology_docs.page import render_page
from kg.records import iris
from kg.store.oxigraph import OxigraphStore
from server import create_app

REPO = Path(__file__).resolve().parent.parent
BGI = str(iris.BGI)


@pytest.fixture(scope="module")
def ontology():
    return read_ontology()


@pytest.fixture(scope="module")
def source() -> Graph:
    graph = Graph()
    for path in sorted(paths.ontology_dir().glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def page(built) -> str:
    client = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built).test_client()
    response = client.get("/ontology", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _section(page: str, anchor: str) -> str:
    match = re.search(rf'<section class="term[^"]*" id="{anchor}">(.*?)</section>', page, re.S)
    assert match, f"no section #{anchor}"
    return unescape(match.group(1))


def test_every_bgi_class_and_property_has_a_section_with_both_labels_and_definitions(page, source):
    for rdf_type in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in source.subjects(RDF.type, rdf_type):
            if not str(term).startswith(BGI):
                continue
            section = _section(page, str(term)[len(BGI):])
            for predicate in (RDFS.label, SKOS.definition):
                for language in ("bg", "en"):
                    text = next(str(value) for value in source.objects(term, predicate)
                                if value.language == language)
                    assert text in section, (term, predicate, language)


def test_the_class_hierarchy_nests_subclasses_under_their_superclass(page):
    hierarchy = page.split('id="class-hierarchy"', 1)[1].split("<h2", 1)[0]
    school = hierarchy.index('href="#School"')
    nested = hierarchy[school:].split("</ul>", 1)[0]
    for subclass in ("ElementarySchool", "PrimarySchool", "SecondarySchool", "VocationalSchool"):
        assert f'href="#{subclass}"' in nested, subclass
    assert hierarchy.count('href="#Organisation"') == 1


def test_properties_show_domain_range_inverse_and_unions(page):
    amount_of = _section(page, "amountOf")
    assert "bgi:Amount" in amount_of.split("Domain", 1)[1].split("Range", 1)[0]
    range_cell = amount_of.split("Range", 1)[1].split("</tr>", 1)[0]
    assert "bgi:GrantContract" in range_cell and "или / or" in range_cell and "bgi:Project" in range_cell
    assert "bgi:hasAmount" in amount_of.split("Inverse", 1)[1]
    assert "xsd:gYear" in _section(page, "deadlineStart").split("Range", 1)[1]


def test_alignments_to_standard_vocabularies_are_listed(page, source):
    table = unescape(page.split('id="alignments"', 1)[1].split("</table>", 1)[0])
    assert "prov:Activity" in table and "frapo:Project" in table and "schema:Project" in table
    external = sum(1 for relation in (RDFS.subClassOf, RDFS.subPropertyOf)
                   for subject, other in source.subject_objects(relation)
                   if str(subject).startswith(BGI) and not str(other).startswith(BGI)
                   and isinstance(other, URIRef))
    assert table.count("<tr>") - 1 == external
    assert "prov:Activity" in _section(page, "Project").split("Aligned to", 1)[1]


def test_the_code_lists_show_every_concept_with_notation_and_labels(page, source):
    lists = unescape(page.split('id="code-lists"', 1)[1])
    for scheme in source.subjects(RDF.type, SKOS.ConceptScheme):
        assert f'id="scheme-{str(scheme).rsplit("/", 1)[-1]}"' in lists
    for concept in source.subjects(SKOS.inScheme, None):
        notation = str(source.value(concept, SKOS.notation))
        assert f"<code>{notation}</code>" in lists, notation


def test_the_diagram_draws_every_main_class_and_links_it_to_its_section(page, ontology):
    arrows = main_arrows(ontology)
    classes = {arrow.source.curie for arrow in arrows} | {arrow.target.curie for arrow in arrows}
    assert {"bgi:Project", "bgi:GrantContract", "bgi:Participation", "bgi:Programme",
            "bgi:StrategicDocument", "bgi:Measure", "bgi:Action"} <= classes
    svg = page.split('<div id="diagram">', 1)[1].split("</div>", 1)[0]
    assert svg.count("<rect") == len(classes)
    assert svg.count('class="property"') == len(arrows)
    for curie in classes:
        assert f'href="#{curie.split(":")[1]}"' in svg and f">{curie}<" in svg
    fund = next(arrow for arrow in arrows if {arrow.source.curie, arrow.target.curie}
                == {"bgi:GrantContract", "bgi:Project"})
    assert "bgi:fundsProject" in fund.labels or "bgi:fundedByContract" in fund.labels


def test_the_page_is_self_contained(page):
    assert "<script" not in page
    for reference in re.findall(r'(?:src|href)="([^"#]*)"', page.split("<main>", 1)[0]):
        assert not reference.startswith(("http:", "https:", "//")), reference


def test_rdf_is_still_served_by_content_negotiation(built):
    client = create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built).test_client()
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    assert len(Graph().parse(data=turtle.get_data(as_text=True), format="turtle")) > 1000
    assert client.get("/ontology.jsonld").mimetype == "application/ld+json"
    assert client.get("/ontology.html").mimetype == "text/html"


def test_kg_docs_writes_the_page_and_the_diagram_byte_identical_across_runs(tmp_path, capsys):
    assert main(["docs", "--out", str(tmp_path / "one")]) == 0
    assert "index.html" in capsys.readouterr().out
    completed = subprocess.run([sys.executable, "-m", "kg", "docs", "--out", str(tmp_path / "two")],
                               cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    for name in ("index.html", "diagram.svg"):
        first = (tmp_path / "one" / name).read_bytes()
        assert first == (tmp_path / "two" / name).read_bytes(), name
    assert (tmp_path / "one" / "diagram.svg").read_text(encoding="utf-8").startswith("<svg")
    assert sorted(path.name for path in (tmp_path / "one").iterdir()) == ["diagram.svg", "index.html"]


def test_the_committed_reference_in_docs_is_the_generated_one(ontology):
    """docs/ontology/ is generated from ontology/*.ttl by `kg docs`; rerun it after a change."""
    committed = REPO / "docs" / "ontology"
    assert (committed / "index.html").read_text(encoding="utf-8") == render_page(ontology), \
        "docs/ontology/index.html is stale: run `kg docs`"
    assert (committed / "diagram.svg").read_text(encoding="utf-8") == diagram_svg(ontology)


def test_a_broken_ontology_file_is_reported_without_a_traceback(tmp_path):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "bgi.ttl").write_text("@prefix bgi: <x#> .\nbgi:a bgi:b", encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "kg", "docs", "--out", str(tmp_path / "out")],
                               cwd=REPO, env={**os.environ, "KG_HOME": str(tmp_path)},
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 2
    assert "bgi.ttl: cannot read the ontology" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "out").exists()
