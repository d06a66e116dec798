"""Headless Chromium for the browser tests: one way to start it and one way to wait in it.

The query page, the charts, the search box and the ontology reference are each checked in a
real browser (selenium + chromedriver). They share the flags, the time limit and the failure
message that quotes the browser's console, so a change of Chromium's options is made once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

#: Headless, no sandbox (CI runs as root), nothing fetched behind the page's back.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run")
WAIT = 30


@contextmanager
def chrome(paths: tuple[str, str], profile: Path, window: str = "1400,1700",
           downloads: Path | None = None) -> Iterator[Any]:
    """A Chromium driver (``paths``: the binary and chromedriver) with its own profile; with
    ``downloads``, files it downloads go there without asking (``driver.downloads``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = paths
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, f"--window-size={window}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if downloads is not None:
        downloads.mkdir(exist_ok=True)
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: Any, condition: Callable[[Any], Any], message: str, timeout: float = WAIT) -> Any:
    """What ``condition`` returns once it is truthy; else the test fails with ``message`` and
    the browser's console log."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        logs = ""
        with suppress(Exception):  # the console log is a courtesy
            logs = "\n".join(entry["message"] for entry in driver.get_log("browser"))
        pytest.fail(f"{message} (waited {timeout} s)\nbrowser console:\n{logs}")
