"""The supervision page (督查考核) in headless chromium against the running platform: the demo data's
events reach the supervision worker over Kafka, and a county account sees its towns as tiles of the
ECharts grid (SVG: one labelled tile per town, the idle ones grey) and as rows of the ranking table;
the printable page opens without navigation."""

from __future__ import annotations

import datetime as dt
import time

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CST = dt.timezone(dt.timedelta(hours=8))


def measured_towns(console, month: str) -> int:
    answer = requests.get(f"{console.url('supervision')}/rankings/{month}", headers=console.api_headers(), timeout=10)
    answer.raise_for_status()
    return sum(1 for place in answer.json()["items"] if place["index"] is not None)


def test_the_grid_draws_a_tile_per_town_and_the_table_its_rows(console):
    month = dt.datetime.now(CST).strftime("%Y-%m")  # the demo data's requests and people are this month's
    deadline = time.monotonic() + 180
    while measured_towns(console, month) < 2:  # the supervision worker reads the topics behind the seeder
        assert time.monotonic() < deadline, "the supervision view did not rank two towns within 180 s"
        time.sleep(3)
    console.sign_in("county-viewer")
    console.driver.get_log("browser")  # what earlier tests in this browser left in its log (a refused /staff/new)
    d = console.go(f"/supervision?month={month}")
    rows = d.find_elements(By.CSS_SELECTOR, "#supervision-ranking tbody tr[data-unit]")
    names = [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows]
    assert len(rows) >= 14 and "圣城街道" in names  # every town of the county, measured or not
    ranked = [row for row in rows if row.find_elements(By.TAG_NAME, "td")[0].text != "—"]
    assert len(ranked) >= 2
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#unit-grid svg text"))
    labels = d.execute_script("return document.querySelector('#unit-grid svg').textContent")
    assert all(name in labels for name in names), (names, labels)  # a labelled tile per table row
    tiles = d.execute_script("return document.querySelectorAll('#unit-grid svg path[fill]').length")
    assert tiles >= len(rows)
    assert "90–100" in labels and "未计量" in labels  # the legend: score bands and grey for not measured
    console.shot("14-supervision-grid")
    d.find_element(By.ID, "print-link").click()
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.ID, "print-title"))
    assert "同心指数考核" in d.find_element(By.ID, "print-title").text and not d.find_elements(By.TAG_NAME, "nav")
    assert len(d.find_elements(By.CSS_SELECTOR, "#print-ranking tbody tr")) == len(rows)
    console.shot("15-supervision-print")
    # script errors and CSP violations, not the favicon the console does not serve
    errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert not errors, errors
