"""The staff console in a real browser (Debian's chromium, headless, through Selenium) against the
running platform with demo data and its Keycloak: every sign-in goes through Keycloak's own
pages (administrators enrol TOTP at their first sign-in, then give a code each time);
screenshots go to tests/artifacts/console/."""

from __future__ import annotations

import os
import random
import shutil
import sys

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import click_and_wait_for_next_page
from tests.support.identity import demo_password
from tests.support.infra import ROOT, free_port, say
from tests.support.keycloak_pages import SECRETS, next_code

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
    p.with_keycloak(free_port())
    p.start()
    p.api_token = p.seeder_token()
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


#: Whose Keycloak session the session's browser holds (signing in again as them needs no password).
_SSO: dict[str, str | None] = {"user": None}


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

        def sign_in(self, user: str = "county-admin", password: str | None = None, next_path: str = ""):
            """Through Keycloak's pages with the user name and password (and a TOTP code for admins).

            Signing in again as the user of the last sign-in reuses their Keycloak session (single
            sign-on: no password asked), which spares administrators a wait for a fresh TOTP code.
            """
            if user == _SSO["user"] and not password:
                self.go("/login")
                browser.delete_cookie("console")
            else:
                self.forget_everyone()
            self.go("/login" + (f"?next={next_path}" if next_path else ""))
            if user == _SSO["user"] and not password:
                browser.find_element(By.ID, "sign-in").click()
            else:
                self.start_keycloak_sign_in()
                self.keycloak_password(user, password or demo_password(user))
                self.keycloak_second_factor(user)
            WebDriverWait(browser, 30).until(
                lambda d: d.current_url.startswith(self.base) and "/login" not in d.current_url
            )
            _SSO["user"] = user

        def forget_everyone(self):
            """Drop every cookie: the console's and Keycloak's (whose paths are under /realms/)."""
            browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
            _SSO["user"] = None

        def start_keycloak_sign_in(self):
            browser.find_element(By.ID, "sign-in").click()
            WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "username"))

        def keycloak_password(self, user: str, password: str):
            browser.find_element(By.ID, "username").clear()
            browser.find_element(By.ID, "username").send_keys(user)
            browser.find_element(By.ID, "password").send_keys(password)
            click_and_wait_for_next_page(browser, browser.find_element(By.ID, "kc-login"))

        def keycloak_second_factor(self, user: str):
            """Enrol TOTP (first sign-in of an administrator) or give the current code; nothing otherwise."""
            WebDriverWait(browser, 30).until(
                lambda d: (
                    d.current_url.startswith(self.base)
                    or d.find_elements(By.ID, "totp")
                    or d.find_elements(By.ID, "otp")
                )
            )
            if browser.current_url.startswith(self.base):
                return
            if browser.find_elements(By.ID, "totp"):
                SECRETS[user] = browser.find_element(By.ID, "totpSecret").get_attribute("value")
                browser.find_element(By.ID, "totp").send_keys(next_code(user))
            else:
                browser.find_element(By.ID, "otp").send_keys(next_code(user))
            browser.find_element(By.CSS_SELECTOR, "[type=submit]").click()

        def sign_out(self):
            button = browser.find_element(By.CSS_SELECTOR, "form[action$='/logout'] button")
            button.click()
            WebDriverWait(browser, 30).until(lambda d: d.current_url.startswith(self.base + "/login"))
            _SSO["user"] = None

        def api_headers(self) -> dict:
            """For arranging data through the APIs: the demo seeder's Keycloak token (county admin)."""
            return {"Authorization": f"Bearer {platform.api_token()}"}

        def url(self, service: str) -> str:
            return platform.url(next(s for s in SERVICES if s.name == service))

    return Console()


@pytest.fixture
def keycloak_admin(platform):
    """Keycloak's admin REST API on the platform's Keycloak, as its bootstrap admin (a fresh token)."""
    import requests

    from tests.support.identity import Admin

    class PlatformKeycloak:
        url, issuer = platform.keycloak.url, platform.keycloak.issuer

        def admin_token(self) -> str:
            answer = requests.post(
                f"{self.url}/realms/master/protocol/openid-connect/token",
                data={"grant_type": "password", "client_id": "admin-cli", **platform.keycloak.bootstrap_admin()},
                timeout=30,
            )
            answer.raise_for_status()
            return answer.json()["access_token"]

    return Admin(PlatformKeycloak())
