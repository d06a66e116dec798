"""The search box in a real browser: on the query page (YASGUI) and on a Linked Data page,
typing Кюстендил shows suggestions and submitting finds its page.

Headless Chromium against a real ``kg serve``, with the fixtures of tests/test_query_page.py
(skipped without Chromium or the YASGUI assets, failed under ``KG_TEST_ALL=1``).
``KG_UPDATE_SCREENSHOTS=1`` refreshes docs/screenshots/search.png (the results page).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import wait
from test_query_page import _serving, browser, chrome_paths, yasgui_assets  # noqa: F401

ID = "https://w3id.org/bg-inclusion/id/"
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "search.png"


@pytest.fixture(scope="module")
def server(built, yasgui_assets, tmp_path_factory) -> Iterator[str]:  # noqa: F811
    with _serving(built, tmp_path_factory.mktemp("serve") / "kg-serve.log") as base:
        yield base


def _search_from(driver, page: str, screenshot: Path | None = None) -> None:
    """Type Кюстендил in the header's box of ``page``: a suggestion links to its page; Enter
    (no suggestion chosen) submits the form and the results page links to it too."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page)
    box = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#search-form input[name=q]"),
                "no search box")
    box.send_keys("Кюстендил")
    suggestion = wait(driver, lambda d: d.find_elements(
        By.CSS_SELECTOR, '#search-suggestions a[href="/id/place/kyustendil"]'), "no suggestion")
    assert "Кюстендил" in suggestion[0].text
    box.send_keys(Keys.ENTER)
    wait(driver, lambda d: "/search?" in d.current_url, "the form was not submitted")
    link = wait(driver, lambda d: d.find_elements(
        By.CSS_SELECTOR, '.search-results a[href="/id/place/kyustendil"]'), "no result")
    assert link[0].text == "Кюстендил"
    if screenshot is not None:
        driver.save_screenshot(str(screenshot))
        if os.environ.get("KG_UPDATE_SCREENSHOTS"):
            shutil.copyfile(screenshot, SCREENSHOT)
    link[0].click()
    wait(driver, lambda d: d.current_url.endswith("/id/place/kyustendil"), "no Linked Data page")
    assert "Кюстендил" in driver.find_element(By.TAG_NAME, "h1").text


@pytest.mark.needs("chromium", "yasgui")
def test_the_search_box_on_the_query_page_finds_kyustendil(browser, server, tmp_path):  # noqa: F811
    _search_from(browser, server + "/", tmp_path / "search.png")


@pytest.mark.needs("chromium", "yasgui")
def test_the_search_box_on_a_linked_data_page_finds_kyustendil(browser, server):  # noqa: F811
    _search_from(browser, server + "/id/project/BG05M9OP001-2.018-0031")


@pytest.mark.needs("chromium", "yasgui")
def test_a_chosen_suggestion_opens_its_page(browser, server):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/id/place/kyustendil")
    box = browser.find_element(By.CSS_SELECTOR, "#search-form input[name=q]")
    box.send_keys("Kyust")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-suggestions a"),
          "no suggestion")
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait(browser, lambda d: "/id/" in d.current_url and "/search" not in d.current_url,
          "the chosen suggestion did not open")
