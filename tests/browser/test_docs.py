"""Each service's Swagger UI at /docs, in chromium: it draws the API from files the service
serves itself (no CDN) under its strict Content-Security-Policy, with no violation reported."""

from __future__ import annotations

import pytest
from run_platform import SERVICES  # deploy/ is on the path (tests/browser/conftest.py)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_swagger_ui_draws_from_the_service_itself(console, service):
    d = console.driver
    d.get_log("browser")  # drop what earlier pages logged
    d.get(console.url(service) + "/docs")
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"))
    assert d.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    scripts = [s.get_attribute("src") for s in d.find_elements(By.TAG_NAME, "script")]
    assert scripts and all(src.startswith(console.url(service) + "/docs/assets/") for src in scripts)
    refused = [e["message"] for e in d.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused
    console.shot(f"docs-{service}")
