"""Charts: Chart.js pinned and served like YASGUI, the query page's chart view and the budget
charts of the Linked Data pages of projects and programmes.

The browser tests drive headless Chromium against a real ``kg serve`` and need Chromium, its
driver and the assets of ``kg assets`` (YASGUI and Chart.js): missing, they are skipped, or fail
under ``KG_TEST_ALL=1`` (tests/tools.py). A chart is checked drawn, not just present: its canvas
has pixels of the chart's colours, and its labels and legend are the data's.
``KG_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/query-chart.png and budget-chart.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import tools
from browser import chrome, wait
from server_process import running_server

from server import assets, create_app
from server.views import query_page
from server.views.budget import budget_of
from server.views.linked_data import Describer

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "docs" / "screenshots"
ID = "https://w3id.org/bg-inclusion/id/"
KYUSTENDIL = "project/BG05M9OP001-2.018-0031"  # amended: only its new total is current
VIDIN = "project/BG05M9OP001-2.056-0025"  # under two programmes, with EU and national shares
OP_HRD = "programme/2014BG05M9OP001"
BLUE = (0x1F, 0x77, 0xB4)  # the first colour of the palette (chart-view.js, budget-chart.js)


# --- the pin and the page's references --------------------------------------------------------

def test_package_json_pins_chart_js_exactly_and_the_lock_file_agrees():
    manifest = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    pinned = manifest["dependencies"][assets.CHART_JS]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"{pinned!r} is not an exact version"
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"][assets.CHART_JS] == pinned
    assert lock["packages"][f"node_modules/{assets.CHART_JS}"]["version"] == pinned
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"server/static/{assets.CHART_DIRECTORY}/" in ignored


def test_kg_assets_copies_chart_js_beside_yasgui(tmp_path, monkeypatch):
    """install_assets with a stand-in npm: YASGUI's and Chart.js's built files land in
    static/yasgui and static/chartjs, each with its VERSION."""
    work = tmp_path / "work"
    for package, built, files, version in ((assets.YASGUI, "build", assets.BUILT_FILES, "4.6.2"),
                                           (assets.CHART_JS, "dist", assets.CHART_FILES, "4.5.1")):
        directory = work / "node_modules" / package
        (directory / built).mkdir(parents=True)
        (directory / "package.json").write_text(json.dumps({"version": version}), encoding="utf-8")
        for name in files:
            (directory / built / name).write_text(f"/* {name} */", encoding="utf-8")
    monkeypatch.setattr(assets, "npm_dir", lambda: work)
    monkeypatch.setattr(assets, "npm_command", lambda workdir, npm: ["true", "ci"])
    target = tmp_path / "static" / "yasgui"
    target.parent.mkdir()
    assert assets.install_assets(targets=[target], quiet=True) == [target]
    charts = tmp_path / "static" / assets.CHART_DIRECTORY
    assert sorted(path.name for path in charts.iterdir()) == sorted([*assets.CHART_FILES, "VERSION"])
    assert (charts / "VERSION").read_text(encoding="utf-8") == f"{assets.CHART_JS} 4.5.1\n"
    assert (target / "VERSION").read_text(encoding="utf-8") == f"{assets.YASGUI} 4.6.2\n"


@pytest.fixture(scope="module")
def app(built):
    from kg.store.oxigraph import OxigraphStore

    return create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)


def _stand_in_assets(tmp_path: Path, charts: bool = True) -> None:
    (tmp_path / "yasgui").mkdir()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        (tmp_path / "yasgui" / name).write_text("/* stand-in */", encoding="utf-8")
    if charts:
        (tmp_path / "chartjs").mkdir()
        (tmp_path / "chartjs" / "chart.umd.min.js").write_text("/* stand-in */", encoding="utf-8")


def _local_references(page: str) -> list[str]:
    """The scripts and style sheets the page loads: each from this server."""
    references = re.findall(r'<script[^>]* src="([^"]*)"', page) + \
        re.findall(r'<link rel="stylesheet" href="([^"]*)"', page)
    assert references
    assert not [ref for ref in references if ref.startswith(("http:", "https:", "//"))], references
    return references


def test_the_query_page_loads_chart_js_and_the_chart_view_from_this_server(app, monkeypatch, tmp_path):
    monkeypatch.delenv("KG_NO_YASGUI", raising=False)
    _stand_in_assets(tmp_path)
    monkeypatch.setattr(query_page, "STATIC", tmp_path)
    page = app.test_client().get("/").get_data(as_text=True)
    references = _local_references(page)
    for script in ("/static/chartjs/chart.umd.min.js", "/static/chart-view.js"):
        assert script in references
    order = [page.index(name) for name in ("yasgui.min.js", "chart.umd.min.js", "chart-view.js",
                                           "query-page.js")]
    assert order == sorted(order), "the plugin must be registered before query-page.js makes YASGUI"


def test_without_chart_js_the_query_page_has_no_chart_view(app, monkeypatch, tmp_path):
    monkeypatch.delenv("KG_NO_YASGUI", raising=False)
    _stand_in_assets(tmp_path, charts=False)
    monkeypatch.setattr(query_page, "STATIC", tmp_path)
    page = app.test_client().get("/").get_data(as_text=True)
    assert "chart-view.js" not in page and "chart.umd.min.js" not in page
    assert "yasgui.min.js" in page


def test_chart_scripts_name_no_remote_url():
    for name in ("chart-view.js", "budget-chart.js", "charts.css"):
        text = (REPO / "server" / "static" / name).read_text(encoding="utf-8")
        assert not re.search(r"""["'(](?:https?:)?//(?!www\.w3\.org/)""", text), name


# --- the budget on the Linked Data pages (server side) -----------------------------------------

@pytest.fixture(scope="module")
def store(built):
    from kg.store.oxigraph import OxigraphStore

    return OxigraphStore.open_read_only(built / "store")


def _budget(store, path: str):
    return budget_of(store, ID + path, Describer(store).labels)


def test_the_budget_of_an_amended_project_counts_its_current_amounts_only(store):
    budget = _budget(store, KYUSTENDIL)
    assert [(row.component, row.currency, row.amount, row.amounts) for row in budget.by_component] \
        == [("total", "BGN", Decimal("1032658.75"), 1)]
    assert budget.superseded == 5  # the first total, direct, indirect and the two programme parts
    assert budget.by_source == []


def test_the_budget_of_a_project_by_component_and_by_source(store):
    budget = _budget(store, VIDIN)
    components = {row.component: row.amount for row in budget.by_component}
    assert components == {"total": Decimal("1589270.65"), "programme-total": Decimal("1589270.65"),
                          "eu-share": Decimal("1350880.06"), "national-share": Decimal("238390.59")}
    assert components["eu-share"] + components["national-share"] == components["total"]
    sources = {(row.source_href, row.component): row.amount for row in budget.by_source}
    assert sources[("/id/" + OP_HRD, "eu-share")] == Decimal("1019458.47")
    assert sources[("/id/programme/2014BG05M2OP001", "programme-total")] == Decimal("389907.75")
    assert {row.currency for row in budget.by_source} == {"BGN"}
    # the EU shares come from the ESF: their source names the programme and the fund
    assert all(row.source.endswith(" · ЕСФ") for row in budget.by_source if row.component == "eu-share")


def test_the_budget_of_a_programme_adds_its_projects_amounts(store):
    budget = _budget(store, OP_HRD)
    components = {row.component: row.amount for row in budget.by_component}
    # Vidin's 1 199 362.90 and BG05M9OP001-2.018-0039's 628 749.03 under OP HRD
    assert components["programme-total"] == Decimal("1828111.93")
    assert components["eu-share"] == Decimal("1019458.47")
    assert budget.superseded == 1  # Kyustendil's programme-direct amount, superseded


def test_currencies_are_never_added(store):
    """Grouped by currency in the query and in Python: a made-up store answering one component
    in BGN and EUR gives two rows."""

    class Rows:
        def __init__(self, rows):
            self._rows = rows

        def rows(self):
            return self._rows

    component = f"<{ID}concept/budget-components/total>"
    true = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'

    class TwoCurrencies:
        def query(self, text):
            if text.startswith("ASK"):
                return Rows([("true",)] if "Project" in text else [("false",)])
            return Rows([(component, '"BGN"', None, None, true, true, '"100"', '"1"'),
                         (component, '"EUR"', None, None, true, true, '"50"', '"1"')])

    budget = budget_of(TwoCurrencies(), ID + "project/x", lambda nodes: {})
    assert sorted((row.currency, row.amount) for row in budget.by_component) \
        == [("BGN", Decimal(100)), ("EUR", Decimal(50))]
    assert budget.currencies == ["BGN", "EUR"]


def test_other_resources_have_no_budget_section(app):
    page = app.test_client().get("/id/fund/esf", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="budget"' not in page


def test_the_budget_tables_read_without_javascript(app, monkeypatch, tmp_path):
    monkeypatch.setattr(query_page, "STATIC", tmp_path)  # no Chart.js: tables only
    page = app.test_client().get(f"/id/{VIDIN}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<table class="facts budget" id="budget-by-component"' in page
    assert '<table class="facts budget" id="budget-by-source"' in page
    assert "1\u202f589\u202f270.65" in page and "budget-chart.js" not in page
    _stand_in_assets(tmp_path)
    page = app.test_client().get(f"/id/{VIDIN}", headers={"Accept": "text/html"}).get_data(as_text=True)
    references = _local_references(page)
    assert "/static/chartjs/chart.umd.min.js" in references and "/static/budget-chart.js" in references


# --- in headless Chromium -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(built) -> Iterator[str]:
    tools.require("yasgui")
    tools.require("chartjs")
    with running_server(["--build", str(built)]) as url:
        yield url


@pytest.fixture
def browser(tmp_path) -> Iterator:
    with chrome(tools.require("chromium"), tmp_path / "profile", window="1400,1500") as driver:
        yield driver



#: What a chart on a canvas says: its type, labels, legend, and how many of its pixels are drawn
#: at all and in the palette's first colour.
CHART_STATE = """
var canvas = arguments[0];
var chart = canvas.kgChart || Chart.getChart(canvas);
var context = canvas.getContext("2d");
var pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
var colour = arguments[1], drawn = 0, blue = 0;
for (var i = 0; i < pixels.length; i += 4) {
  if (pixels[i + 3] > 0) { drawn++; }
  if (pixels[i + 3] > 200 && Math.abs(pixels[i] - colour[0]) < 8 &&
      Math.abs(pixels[i + 1] - colour[1]) < 8 && Math.abs(pixels[i + 2] - colour[2]) < 8) { blue++; }
}
return {type: chart.config.type, labels: chart.data.labels.slice(),
        legend: chart.legend.legendItems.map(function (item) { return item.text; }),
        datasets: chart.data.datasets.map(function (set) { return set.data.slice(); }),
        drawn: drawn, blue: blue, size: canvas.width * canvas.height};
"""


def _chart_state(driver, canvas) -> dict:
    return driver.execute_script(CHART_STATE, canvas, list(BLUE))


def _assert_drawn(state: dict) -> None:
    assert state["size"] > 100_000, state
    assert state["drawn"] > 2_000, f"the canvas is blank: {state['drawn']} pixels drawn"
    assert state["blue"] > 500, f"hardly any bar or slice in the chart's colour: {state['blue']}"


def _screenshot(driver, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("KG_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOTS / name)


def _only_local(driver, base_url: str) -> None:
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert any("/static/chartjs/chart.umd.min.js" in url for url in loaded), loaded
    assert not [url for url in loaded if not url.startswith((base_url + "/", "data:", "blob:"))], loaded


@pytest.mark.needs("chromium", "yasgui", "chartjs")
def test_the_query_page_charts_a_saved_aggregate_as_bar_line_and_pie(browser, base_url, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(base_url + "/")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"), "no YASGUI")
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="project-budget-totals"]').click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody tr")) == 4,
          "project-budget-totals: the table did not show its 4 components")
    selectors = [button.text for button in
                 browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr_btnGroup button")]
    assert selectors == ["Table", "Response", "Chart"]
    browser.find_element(By.CSS_SELECTOR, "#yasgui .select_chart").click()
    canvas = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .kg-chart canvas"),
                   "the chart view did not appear")[0]

    # the label column is ?component (?project is the same on every row), the value ?sum; of
    # ?project ?component ?sum ?amounts only the last two are numeric
    assert Select(browser.find_element(By.CSS_SELECTOR, ".kg-chart-label")).first_selected_option.text \
        == "?component"
    boxes = {box.get_attribute("value"): box for box in
             browser.find_elements(By.CSS_SELECTOR, ".kg-chart-values input[type=checkbox]")}
    assert set(boxes) == {"sum", "amounts"}
    state = _chart_state(browser, canvas)
    assert state["type"] == "bar"
    assert state["labels"] == ["eu-share", "national-share", "programme-total", "total"]
    assert state["legend"] == ["?sum"]
    assert state["datasets"] == [[1350880.06, 238390.59, 1589270.65, 1589270.65]]
    _assert_drawn(state)
    _screenshot(browser, tmp_path, "query-chart.png")

    # two value columns as lines
    boxes["amounts"].click()
    Select(browser.find_element(By.CSS_SELECTOR, ".kg-chart-type")).select_by_value("line")
    canvas = browser.find_element(By.CSS_SELECTOR, "#yasgui .kg-chart canvas")
    state = _chart_state(browser, canvas)
    assert state["type"] == "line" and state["legend"] == ["?sum", "?amounts"]
    assert state["datasets"][1] == [2, 2, 2, 1]
    _assert_drawn(state)

    # a pie: one slice per component, one value column (said so)
    Select(browser.find_element(By.CSS_SELECTOR, ".kg-chart-type")).select_by_value("pie")
    canvas = browser.find_element(By.CSS_SELECTOR, "#yasgui .kg-chart canvas")
    state = _chart_state(browser, canvas)
    assert state["type"] == "pie"
    assert state["legend"] == ["eu-share", "national-share", "programme-total", "total"]
    assert len(state["datasets"]) == 1
    assert "?sum" in browser.find_element(By.CSS_SELECTOR, ".kg-chart-note").text
    _assert_drawn(state)

    # back to the table, and a non-numeric answer offers no chart
    browser.find_element(By.CSS_SELECTOR, "#yasgui .select_table").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody tr"), "no table again")
    _only_local(browser, base_url)


@pytest.mark.needs("chromium", "yasgui", "chartjs")
def test_a_project_page_charts_its_budget_by_component_and_by_source(browser, base_url, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/id/{VIDIN}")
    charts = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#budget .budget-chart canvas"),
                   "no budget chart")
    assert [canvas.get_attribute("id") for canvas in charts] \
        == ["budget-by-component-chart", "budget-by-source-chart"]
    by_component = _chart_state(browser, charts[0])
    table = [row.get_attribute("data-label") for row in
             browser.find_elements(By.CSS_SELECTOR, "#budget-by-component tbody tr")]
    assert by_component["labels"] == table
    assert by_component["labels"][:2] == ["обща стойност", "обща стойност по програма"]
    assert by_component["legend"] == ["BGN"]
    assert by_component["datasets"] == [[1589270.65, 1589270.65, 1350880.06, 238390.59]]
    _assert_drawn(by_component)
    by_source = _chart_state(browser, charts[1])
    assert len([label for label in by_source["labels"] if label.endswith(" · ЕСФ")]) == 2
    assert by_source["legend"] == ["обща стойност по програма (BGN)", "национално съфинансиране (BGN)",
                                   "европейско финансиране (BGN)"]
    _assert_drawn(by_source)
    _screenshot(browser, tmp_path, "budget-chart.png")
    _only_local(browser, base_url)

    # the Kyustendil project: its amended total only; the superseded amounts are counted
    browser.get(f"{base_url}/id/{KYUSTENDIL}")
    canvas = wait(browser, lambda d: d.find_elements(By.ID, "budget-by-component-chart"), "no chart")[0]
    state = _chart_state(browser, canvas)
    assert state["labels"] == ["обща стойност"] and state["datasets"] == [[1032658.75]]
    _assert_drawn(state)
    assert "5 superseded amounts" in browser.find_element(By.ID, "budget").text
    assert not browser.find_elements(By.ID, "budget-by-source-chart")


@pytest.mark.needs("chromium", "yasgui", "chartjs")
def test_a_programme_page_charts_the_budget_of_its_projects(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/id/{OP_HRD}")
    charts = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#budget .budget-chart canvas"),
                   "no budget chart")
    state = _chart_state(browser, charts[0])
    assert state["labels"] == ["обща стойност по програма", "европейско финансиране",
                               "национално съфинансиране"]
    assert state["datasets"] == [[1828111.93, 1019458.47, 179904.43]]
    assert state["legend"] == ["BGN"]
    _assert_drawn(state)
    cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#budget-by-component td.amount")]
    assert "1\u202f828\u202f111.93" in cells
    _only_local(browser, base_url)
