"""The ontology reference and the API catalogue page in headless Chromium, against a real server.

Like tests/test_query_page.py these need Debian's chromium and chromium-driver (.ci/run installs
them) and YASGUI's assets (``kg assets``) for the query-page link; missing, they are skipped,
or fail under ``KG_TEST_ALL=1`` (tests/tools.py). ``KG_UPDATE_SCREENSHOTS=1`` refreshes
docs/screenshots/ontology.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import tools
from browser import chrome, wait
from server_process import running_server

from kg.ontology_docs.diagram import main_arrows
from kg.ontology_docs.model import read_ontology
from kg.query.catalogue import catalogue

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshots" / "ontology.png"

pytestmark = pytest.mark.needs("chromium")


@pytest.fixture(scope="module")
def base_url(built) -> Iterator[str]:
    with running_server(["--build", str(built)]) as url:
        yield url


@pytest.fixture
def browser(tmp_path) -> Iterator:
    with chrome(tools.require("chromium"), tmp_path / "profile", window="1400,1800") as driver:
        yield driver



def test_the_ontology_page_shows_the_classes_and_the_diagram(browser, base_url, tmp_path):
    from selenium.webdriver.common.by import By

    ontology = read_ontology()
    classes = ontology.of_kind("class")
    arrows = main_arrows(ontology)
    drawn = {arrow.source.iri for arrow in arrows} | {arrow.target.iri for arrow in arrows}

    browser.get(base_url + "/ontology")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "section.term.class")) == len(classes),
          "the class sections did not appear")
    assert "Онтология" in browser.title
    assert browser.find_element(By.ID, "Project").find_element(By.TAG_NAME, "h3").text == "bgi:Project"
    hierarchy = browser.find_elements(By.CSS_SELECTOR, "#class-hierarchy + ul > li")
    assert len(hierarchy) == len(ontology.roots())

    diagram = browser.find_element(By.CSS_SELECTOR, "#diagram svg")
    size = diagram.size
    assert size["width"] > 600 and size["height"] > 300, size
    boxes = browser.find_elements(By.CSS_SELECTOR, "#diagram svg a.class-box")
    assert len(boxes) == len(drawn)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#diagram svg polyline.property")) == len(arrows)
    # the diagram is rendered, not just present: its first box has a real size on screen
    first = browser.find_elements(By.CSS_SELECTOR, "#diagram svg rect")[0].rect
    assert first["width"] > 40 and first["height"] > 20

    shot = tmp_path / "ontology.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("KG_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    browser.find_element(By.CSS_SELECTOR, '#diagram svg a.class-box[href="#Project"]').click()
    wait(browser, lambda d: d.execute_script("return location.hash") == "#Project",
          "a box in the diagram does not lead to its class")

    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert not [url for url in loaded if not url.startswith((base_url + "/", "data:"))], loaded


@pytest.mark.needs("yasgui")
def test_open_in_the_query_page_puts_the_query_with_its_defaults_in_yasgui(browser, base_url):
    from selenium.webdriver.common.by import By

    name = "project-budget"
    browser.get(base_url + "/api")
    link = browser.find_element(By.CSS_SELECTOR, f'#{name} a.open-in-query-page')
    expected = parse_qs(urlsplit(link.get_attribute("href")).query)["query"][0]
    assert expected.startswith(catalogue()[name].text.split("WHERE {", 1)[0])
    assert "VALUES (?project) { (<https://w3id.org/bg-inclusion/id/project/" in expected
    link.click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"),
          "YASGUI did not appear")
    wait(browser, lambda d: d.execute_script(
        "return window.kgYasgui && window.kgYasgui.getTab().getQuery()") == expected,
        "the query page did not take the query from the link")
