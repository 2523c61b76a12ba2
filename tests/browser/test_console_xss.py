"""Hostile names in the console, in chromium against the running platform: a town renamed to
a script (the issue's break), and a round, a person and an activity named the same way, must
render as text on every console page that shows them; nothing runs (``window.__pwned`` stays
undefined) and every page carries the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from chassis import idnumber

SCRIPT = "</script><script>window.__pwned=1</script>"
IMAGE = "<img src=x onerror=window.__pwned=2>"
TEMPLATE = "{{7*7}}"
EVERYTHING = SCRIPT + IMAGE + TEMPLATE  # 85 characters: fits a unit, a round and an activity
TOWN = "370783001000"


def must(console, method: str, url: str, body: dict | None = None) -> dict:
    r = requests.request(method, url, json=body, headers=console.api_headers(), timeout=15)
    assert r.status_code < 300, f"{method} {url}: {r.status_code} {r.text[:300]}"
    return r.json()


def wait_until_ready(url: str, seconds: float = 60) -> None:
    """An earlier test may have just restarted a service."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} not ready after {seconds}s")


@pytest.fixture
def hostile(console):
    """The hostile objects, made through the APIs as a careless or malicious user would."""
    reg, ev, desk = console.url("registry"), console.url("evaluation"), console.url("servicedesk")
    for url in (reg, ev, desk):
        wait_until_ready(url)
    town = next(u for u in must(console, "GET", f"{reg}/units") if u["code"] == TOWN)
    must(console, "PATCH", f"{reg}/units/{TOWN}", {"name": EVERYTHING})
    born = dt.date(1970, 1, 1) + dt.timedelta(days=uuid.uuid4().int % 9000)
    people = [
        must(
            console,
            "POST",
            f"{reg}/people",
            {
                "name": name + TEMPLATE,
                "unit_code": "370783001001",
                "id_number": idnumber.make("370783", born, k, "male"),
                "categories": ["non_party_intellectual"],
            },
        )
        for k, name in enumerate((SCRIPT, IMAGE))
    ]
    round_ = must(
        console, "POST", f"{ev}/rounds", {"name": EVERYTHING, "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    )
    some = must(console, "GET", f"{desk}/activities", None)["items"][0]
    volunteer = must(console, "GET", f"{desk}/activities/{some['id']}")["volunteers"][0]["person_id"]
    activity = must(console, "POST", f"{desk}/activities", {
        "kind": "free_clinic", "title": EVERYTHING, "held_on": "2026-12-30", "unit_code": TOWN,
        "people_served": 1, "volunteers": [{"person_id": volunteer, "hours": "1"}]})  # fmt: skip
    yield {"people": people, "round": round_, "activity": activity}
    must(console, "PATCH", f"{reg}/units/{TOWN}", {"name": town["name"]})


def assert_inert(console, path: str, texts: list[str]) -> None:
    console.driver.get_log("browser")  # drop what earlier pages logged
    d = console.go(path)
    WebDriverWait(d, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    refused = [e["message"] for e in d.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, (path, refused)  # the console's own pages need nothing the policy forbids
    assert d.execute_script("return typeof window.__pwned") == "undefined", path
    assert not d.find_elements(By.CSS_SELECTOR, "main img[src=x], main script:not([type='application/json'])"), path
    shown = d.find_element(By.TAG_NAME, "main").text
    for text in texts:
        assert text in shown, (path, text, shown[:500])


def csp_of(console, path: str) -> str:
    """The page's Content-Security-Policy, fetched with the browser's own session."""
    jar = {c["name"]: c["value"] for c in console.driver.get_cookies()}
    r = requests.get(console.base + path, cookies=jar, timeout=15, allow_redirects=False)
    assert r.status_code == 200, (path, r.status_code)
    return r.headers.get("Content-Security-Policy", "")


def test_hostile_names_render_as_text_and_never_run(console, hostile):
    console.sign_in("county-admin")
    person_a, person_b = hostile["people"]
    round_id = hostile["round"]["id"]
    pages = {
        "/": [],
        "/rounds": [EVERYTHING],
        f"/rounds/{round_id}": [EVERYTHING],
        f"/people/{person_a['id']}": [SCRIPT + TEMPLATE],
        f"/people/{person_b['id']}": [IMAGE + TEMPLATE],
        f"/people/{person_b['id']}/edit": [IMAGE + TEMPLATE],
        "/community": [EVERYTHING],
    }
    for path, texts in pages.items():
        assert_inert(console, path, texts)
        csp = csp_of(console, path)
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, path
    # The edit form keeps the name in an attribute: the value comes back intact, not as markup.
    d = console.go(f"/people/{person_b['id']}/edit")
    assert d.find_element(By.ID, "name").get_attribute("value") == IMAGE + TEMPLATE
    console.shot("14-hostile-person-edit")
    # The dashboard: the renamed town reaches the chart as data, and the charts still draw.
    d = console.go("/")
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-units canvas"))
    units = d.execute_script("return JSON.parse(document.getElementById('chart-data').textContent).units")
    assert any(row[0] == EVERYTHING for row in units), units
    assert d.execute_script("return typeof window.__pwned") == "undefined"
    assert len(d.find_elements(By.CSS_SELECTOR, ".chart canvas")) >= 5
    console.shot("15-dashboard-with-a-hostile-town")
    console.go("/community")
    console.shot("16-hostile-activity")


def cohort_member(console, ev: str, round_id: str) -> str:
    """Someone in the round's cohort: the first representative evaluation issues a token for."""
    reps = must(console, "GET", f"{console.url('registry')}/people?representative=true&limit=50")["items"]
    for rep in reps:
        r = requests.post(f"{ev}/rounds/{round_id}/tokens", json={"person_id": rep["id"], "source": "public"},
                          headers=console.api_headers(), timeout=10)  # fmt: skip
        if r.status_code == 201:
            return rep["id"]
    raise AssertionError("nobody of the first 50 representatives is in the round's cohort")


def test_the_token_sheet_of_a_hostile_round_prints_its_name_and_runs_nothing(console, hostile):
    ev, round_id = console.url("evaluation"), hostile["round"]["id"]
    must(console, "POST", f"{ev}/rounds/{round_id}/open", {})
    member = cohort_member(console, ev, round_id)
    console.sign_in("county-evaluator")
    d = console.go(f"/rounds/{round_id}")
    form = d.find_element(By.CSS_SELECTOR, "form[action$='/token-sheet']")
    form.find_element(By.NAME, "person_id").send_keys(member)
    form.find_element(By.NAME, "count").clear()
    form.find_element(By.NAME, "count").send_keys("2")
    console_window = d.current_window_handle
    form.find_element(By.TAG_NAME, "button").click()  # the sheet opens in a new window
    WebDriverWait(d, 15).until(lambda d: len(d.window_handles) == 2)
    d.switch_to.window(next(w for w in d.window_handles if w != console_window))
    try:
        WebDriverWait(d, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".card svg"))
        assert EVERYTHING in d.find_element(By.TAG_NAME, "h1").text
        assert d.execute_script("return typeof window.__pwned") == "undefined"
        assert len(d.find_elements(By.CSS_SELECTOR, ".card")) == 2
        console.shot("17-token-sheet-of-a-hostile-round")
    finally:
        d.close()
        d.switch_to.window(console_window)
