"""The query page at ``/``: the plain form, ``kg assets``, and YASGUI in a real browser.

The browser tests drive headless Chromium with Selenium against a real ``kg serve``. They need
Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``) and YASGUI's
assets (``kg assets``); .ci/run installs both before the README's test command. Missing, they
are skipped, saying so, except under ``KG_TEST_ALL=1`` (.ci/run), where they fail: a green CI
run means the page was seen working (tests/tools.py).

Set ``KG_UPDATE_SCREENSHOTS=1`` to refresh docs/screenshots/query-page.png from the run; every
run saves its screenshots in pytest's temporary directory.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import tools
from browser import WAIT, chrome, wait

from kg.cli import main
from kg.query.catalogue import catalogue
from server import assets, create_app
from server.views import query_page
from server.views.query_page import prefix_block

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshots" / "query-page.png"
EXAMPLE = "plan-measures-per-priority"  # six priorities in Kyustendil's plan -> six rows
ID = "https://w3id.org/bg-inclusion/id/"


# --- the page without YASGUI: the plain form (Flask test client) -------------------------------

@pytest.fixture(scope="module")
def app(built):
    from kg.store.oxigraph import OxigraphStore

    return create_app(OxigraphStore.open_read_only(built / "store"), build_dir=built)


def _page(app) -> str:
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _assert_catalogue_and_prefixes(page: str) -> None:
    text = html.unescape(page)
    saved = catalogue()
    assert len(saved) >= 10
    for name, query in saved.items():
        assert f'data-name="{name}"' in page, name
        assert f'<template id="query-{name}">' in page, name
        assert query.title in text and query.title_bg in text, name
        # The whole query, runnable as it is, with its defaults bound as the API binds them.
        assert query.text_with_defaults() in text, name
    declared = re.search(r"window\.KG_PREFIXES = (.*);", page)
    assert declared and json.loads(declared.group(1)) == prefix_block()


def test_without_assets_the_page_is_a_plain_form_with_every_saved_query(app, monkeypatch, tmp_path):
    monkeypatch.delenv("KG_NO_YASGUI", raising=False)
    monkeypatch.setattr(query_page, "STATIC", tmp_path)  # no yasgui/ in it
    assert not query_page.yasgui_available()
    page = _page(app)
    assert '<form id="plain-form" method="post" action="/sparql">' in page
    assert "yasgui.min.js" not in page and "query-page.js" not in page
    textarea = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea, "no query box"
    assert html.unescape(textarea.group(1)).startswith(prefix_block())
    assert 'name="format"' in page
    _assert_catalogue_and_prefixes(page)


def test_the_catalogue_offers_a_per_resource_query_for_its_default_resource(app):
    """fact-provenance unbound lists every resource (over a minute at 100 000 contracts); the
    page offers it as the API runs it: for its default subject, as an editable VALUES line."""
    text = html.unescape(_page(app))
    offered = re.search(r'<template id="query-fact-provenance">(.*?)</template>', text, re.S)
    assert offered, "fact-provenance is not in the catalogue"
    assert ("VALUES (?subject) { (<https://w3id.org/bg-inclusion/id/project/BG05M9OP001-2.018-0031>) }"
            in offered.group(1))


def test_with_assets_the_page_loads_yasgui_and_nothing_from_elsewhere(app, monkeypatch, tmp_path):
    monkeypatch.delenv("KG_NO_YASGUI", raising=False)
    (tmp_path / "yasgui").mkdir()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        (tmp_path / "yasgui" / name).write_text("/* stand-in */", encoding="utf-8")
    monkeypatch.setattr(query_page, "STATIC", tmp_path)
    page = _page(app)
    assert '<div id="yasgui"></div>' in page and "plain-form" not in page
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page
    assert '<script src="/static/query-page.js"></script>' in page
    assert '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">' in page
    for reference in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert not reference.startswith(("http:", "https:", "//")), reference
    _assert_catalogue_and_prefixes(page)


def test_kg_no_yasgui_hides_installed_assets(app, monkeypatch, tmp_path):
    (tmp_path / "yasgui").mkdir()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        (tmp_path / "yasgui" / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(query_page, "STATIC", tmp_path)
    monkeypatch.setenv("KG_NO_YASGUI", "0")
    assert query_page.yasgui_available()
    monkeypatch.setenv("KG_NO_YASGUI", "1")
    assert not query_page.yasgui_available()
    assert "plain-form" in _page(app)


def test_query_page_script_uses_no_cdn():
    script = (REPO / "server" / "static" / "query-page.js").read_text(encoding="utf-8")
    assert not re.search(r"""["'](?:https?:)?//""", script), "query-page.js names a remote URL"


# --- kg assets ----------------------------------------------------------------------------------

def test_package_json_pins_yasgui_and_the_lock_file_agrees():
    manifest = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    assert manifest["private"] is True
    assert manifest["name"] == assets.PACKAGE_NAME
    pinned = manifest["dependencies"][assets.YASGUI]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"{pinned!r} is not an exact version"
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"][assets.YASGUI] == pinned
    assert lock["packages"][f"node_modules/{assets.YASGUI}"]["version"] == pinned


def test_node_modules_and_the_installed_assets_are_not_committed():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "node_modules/" in ignored
    assert "server/static/yasgui/" in ignored


def test_kg_assets_without_npm_says_what_to_do(capsys):
    assert main(["assets", "--npm", "no-such-npm-here"]) == 2
    error = capsys.readouterr().err
    assert "no-such-npm-here: not found" in error
    assert "npm" in error and "plain query form" in error


def test_kg_assets_fills_the_served_static_directory():
    targets = assets.target_dirs()
    assert REPO / "server" / "static" / "yasgui" in targets
    assert assets.npm_dir() == REPO


def test_kg_assets_outside_a_clone_runs_npm_on_the_bundled_lock_file(tmp_path, monkeypatch):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(REPO / name, bundle / name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setattr(assets.paths, "REPO_DIR", elsewhere)  # as if installed from a wheel
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("KG_HOME", str(bundle))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert assets.clone_dir() is None
    workdir = assets.npm_dir()
    assert workdir == tmp_path / "cache" / "bg-inclusion-kg" / "assets"
    assert (workdir / "package-lock.json").read_bytes() == (REPO / "package-lock.json").read_bytes()
    assert assets.npm_command(workdir, sys.executable)[1:] == ["ci", *assets.NPM_FLAGS]


def test_kg_assets_copies_the_build_and_replaces_what_was_there(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    for name in assets.BUILT_FILES:
        (build / name).write_text(name, encoding="utf-8")
    target = tmp_path / "static" / "yasgui"
    target.mkdir(parents=True)
    (target / "stale.js").write_text("old", encoding="utf-8")
    assets._copy_build(build, target, "9.9.9")
    assert sorted(path.name for path in target.iterdir()) == sorted([*assets.BUILT_FILES, "VERSION"])
    assert (target / "VERSION").read_text(encoding="utf-8") == f"{assets.YASGUI} 9.9.9\n"
    assert [path.name for path in target.parent.iterdir()] == ["yasgui"]  # no staging left


# --- YASGUI in headless Chromium -----------------------------------------------------------------

@pytest.fixture(scope="session")
def yasgui_assets() -> Path:
    """The installed assets (``kg assets``), in this clone's server/static."""
    return tools.require("yasgui")


@pytest.fixture(scope="session")
def chrome_paths() -> tuple[str, str]:
    """Chromium's and chromedriver's paths."""
    return tools.require("chromium")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def _serving(build: Path, log: Path, **env: str) -> Iterator[str]:
    """``python -m kg serve --build BUILD --port P`` from the clone; yields its base URL."""
    environment = {key: value for key, value in os.environ.items() if key != "KG_NO_YASGUI"}
    environment.update(env, PYTHONUNBUFFERED="1")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--build", str(build),
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=REPO, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if _get(base + "/healthz", timeout=2)[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"kg serve did not start (exit {process.poll()}):\n"
                            + log.read_text(encoding="utf-8", errors="replace")[-3000:])
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def yasgui_server(built, yasgui_assets, tmp_path_factory) -> Iterator[str]:
    with _serving(built, tmp_path_factory.mktemp("serve") / "kg-serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def plain_server(built, tmp_path_factory) -> Iterator[str]:
    with _serving(built, tmp_path_factory.mktemp("serve") / "kg-serve.log", KG_NO_YASGUI="1") as base:
        yield base


@pytest.fixture
def browser(chrome_paths, tmp_path):
    with chrome(chrome_paths, tmp_path / "chromium-profile", downloads=tmp_path / "downloads") as driver:
        yield driver



@pytest.mark.needs("yasgui")
def test_built_assets_load_nothing_from_a_cdn(yasgui_assets):
    css = (yasgui_assets / "yasgui.min.css").read_text(encoding="utf-8")
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css), "the CSS loads a remote file"
    script = (yasgui_assets / "yasgui.min.js").read_text(encoding="utf-8")
    for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com",
                 "fonts.gstatic.com"):
        assert host not in script and host not in css, host


@pytest.mark.needs("chromium", "yasgui")
def test_yasgui_runs_an_example_and_links_iris_to_their_pages(browser, yasgui_server, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(yasgui_server + "/")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror"),
          "YASGUI's editor did not appear")
    assert not browser.find_elements(By.ID, "plain-form")
    editor = browser.execute_script("return window.kgYasgui.getTab().getQuery()")
    assert editor.startswith(prefix_block()), editor[:200]
    assert "SELECT ?project ?title" in editor

    browser.find_element(By.CSS_SELECTOR, f'a.example[data-name="{EXAMPLE}"]').click()
    rows = "#yasgui .yasr tbody tr a.iri[href^='/id/plan/']"
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody tr")) == 6
          and d.find_elements(By.CSS_SELECTOR, rows), f"{EXAMPLE}: the table did not show 6 rows")
    query = browser.execute_script("return window.kgYasgui.getTab().getQuery()")
    assert query == catalogue()[EXAMPLE].text_with_defaults()
    assert "6 results" in browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr").text

    links = browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr tbody a.iri")
    local = [link.get_attribute("href") for link in links
             if link.get_attribute("href").startswith(yasgui_server + "/id/")]
    assert f"{yasgui_server}/id/plan/kyustendil-roma-2022-2024" in local
    assert not [link for link in links if link.get_attribute("href").startswith(ID)]
    assert _get(local[0])[0] == 200  # the Linked Data page is there

    # download: YASR's own icon is on, and the buttons fetch the answer again in a format
    icon = browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr .yasr_downloadIcon")
    assert "disabled" not in (icon.get_attribute("class") or "")
    buttons = {button.text: button for button in browser.find_elements(By.CSS_SELECTOR, "#downloads button")}
    assert set(buttons) == {"CSV", "TSV", "JSON", "XML"}

    browser.save_screenshot(str(tmp_path / "query-page.png"))
    if os.environ.get("KG_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "query-page.png", SCREENSHOT)

    buttons["CSV"].click()
    csv_file = browser.downloads / f"{EXAMPLE}.csv"
    wait(browser, lambda d: csv_file.is_file() and csv_file.stat().st_size > 0,
          f"the CSV download did not arrive in {browser.downloads}")
    lines = csv_file.read_text(encoding="utf-8").strip().splitlines()
    assert lines[0].split(",")[:3] == ["plan", "position", "priority"]
    assert len(lines) == 7

    # offline: every resource the page loaded came from this server
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert loaded, "no resources recorded"
    foreign = [url for url in loaded if not url.startswith((yasgui_server + "/", "data:", "blob:"))]
    assert not foreign, foreign


@pytest.mark.needs("chromium")
def test_the_plain_form_works_in_the_browser(browser, plain_server):
    from selenium.webdriver.common.by import By

    browser.get(plain_server + "/")
    assert not browser.find_elements(By.ID, "yasgui")
    box = browser.find_element(By.ID, "query")
    assert box.get_attribute("value").startswith(prefix_block())
    browser.find_element(By.CSS_SELECTOR, "#plain-form button[type=submit]").click()
    answer = wait(browser, lambda d: _json_body(d), "the plain form's answer did not appear")
    assert answer["head"]["vars"] == ["project", "title"]
    assert answer["results"]["bindings"]

    browser.get(plain_server + "/")
    browser.find_element(By.CSS_SELECTOR, f'a.example[data-name="{EXAMPLE}"]').click()
    answer = wait(browser, lambda d: _json_body(d), f"{EXAMPLE}: no answer")
    assert len(answer["results"]["bindings"]) == 6
    assert answer["results"]["bindings"][0]["plan"]["value"] == ID + "plan/kyustendil-roma-2022-2024"


def _json_body(driver) -> dict | None:
    from selenium.webdriver.common.by import By

    try:
        return json.loads(driver.find_element(By.TAG_NAME, "body").text)
    except Exception:  # not there yet: no body, or not JSON
        return None
