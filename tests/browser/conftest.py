"""The staff console in a real browser (Debian's chromium, headless, through Selenium) against the
running platform with demo data; screenshots go to tests/artifacts/console/."""

from __future__ import annotations

import os
import random
import shutil
import sys

import pytest

from tests.support.infra import ROOT, free_port, say

sys.path.insert(0, str(ROOT / "deploy"))
from run_platform import CONSOLE, SERVICES, Platform

ARTIFACTS = ROOT / "tests" / "artifacts" / "console"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.kafka)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    if not os.path.exists(CHROMEDRIVER):
        message = "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the browser tests", pytrace=False)
        pytest.skip(message)
    p = Platform(tmp_path_factory.mktemp("console"), free_port(), random.randint(5000, 7000))
    p.start()
    p.seed_demo_data(300)
    say(f"console platform ready in {p.ready_seconds:.1f}s: {p.url(CONSOLE)}")
    yield p
    p.stop()


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations show up there
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def console(platform, browser):
    """``console.go("/people")`` opens a page; ``console.shot("name")`` saves a screenshot."""

    class Console:
        base = platform.url(CONSOLE)
        driver = browser

        def go(self, path: str):
            browser.get(self.base + path)
            return browser

        def shot(self, name: str) -> None:
            browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))

        def sign_in(self, user: str = "county-admin"):
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import Select

            browser.delete_all_cookies()
            self.go("/login")
            from selenium.webdriver.support import expected_conditions as EC
            from selenium.webdriver.support.ui import WebDriverWait

            Select(browser.find_element(By.ID, "demo")).select_by_value(user)
            button = browser.find_element(By.ID, "demo-sign-in")
            button.click()
            WebDriverWait(browser, 20).until(EC.staleness_of(button))

        def url(self, service: str) -> str:
            return platform.url(next(s for s in SERVICES if s.name == service))

    return Console()
