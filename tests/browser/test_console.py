"""The staff console, as staff use it, in headless chromium against the running platform:
sign in, dashboard, search, edit with inline errors and history, an import with a bad row,
a round, a public rating on a phone-sized screen, a request through its states, the gateway,
and readable errors instead of blank pages."""

from __future__ import annotations

import datetime as dt
import uuid

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from chassis import idnumber
from tests.support.browser import click_and_wait_for_next_page


def public_token(console, ev: str, round_id: str) -> str:
    """A public rating token for someone in the round's cohort (the registry may be ahead of evaluation)."""
    reps = requests.get(
        f"{console.url('registry')}/people",
        params={"representative": "true", "limit": 50},
        headers=console.api_headers(),
        timeout=10,
    ).json()["items"]
    for rep in reps:
        r = requests.post(
            f"{ev}/rounds/{round_id}/tokens",
            json={"person_id": rep["id"], "source": "public"},
            headers=console.api_headers(),
            timeout=10,
        )
        if r.status_code == 201:
            return r.json()[0]["token"]
    raise AssertionError("nobody of the first 50 representatives is in the round's cohort")


def submit(driver, element_id: str) -> None:
    """Click a button that posts a form, and wait for the next page."""
    click_and_wait_for_next_page(driver, driver.find_element(By.ID, element_id), timeout=15)


def text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def test_sign_in_and_the_dashboard_draws_its_charts(console):
    console.sign_in("county-admin")
    d = console.driver
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-categories canvas"))
    assert int(text(d, "#active-people")) >= 300
    assert len(d.find_elements(By.CSS_SELECTOR, ".chart canvas")) >= 5
    console.shot("01-dashboard")
    d.find_element(By.XPATH, "//header//button[normalize-space()='English']").click()  # a POST form with its token
    WebDriverWait(d, 20).until(lambda d: '<html lang="en"' in d.page_source)
    assert "Dashboard" in d.page_source
    d.find_element(By.XPATH, "//header//button[normalize-space()='中文']").click()
    WebDriverWait(d, 20).until(lambda d: '<html lang="zh-CN"' in d.page_source)


def test_search_edit_and_the_change_history(console):
    console.sign_in("county-admin")
    someone = requests.get(
        f"{console.url('registry')}/people", params={"limit": 1}, headers=console.api_headers(), timeout=10
    )
    initials = "".join(syllable[0] for syllable in someone.json()["items"][0]["name_pinyin"].split())
    d = console.go(f"/people?q={initials}")  # pinyin initials, as staff type them
    rows = d.find_elements(By.CSS_SELECTOR, "#people tbody tr")
    assert rows, "pinyin search found nobody"
    console.shot("02-search")
    rows[0].find_element(By.TAG_NAME, "a").click()
    d.find_element(By.ID, "edit").click()
    phone = d.find_element(By.ID, "phone")
    phone.clear()
    phone.send_keys("not a phone")
    d.find_element(By.ID, "save").click()
    # The form re-renders with its errors: find the field afresh until it says it is invalid.
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda drv: drv.find_element(By.ID, "phone").get_attribute("aria-invalid") == "true"
    )
    assert "电话" in text(d, "#phone-error") or "phone" in text(d, "#phone-error")
    console.shot("03-inline-error")
    employer = f"寿光新材料{uuid.uuid4().hex[:4]}"
    for field, value in (("phone", "13800138000"), ("employer", employer)):
        box = d.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    d.find_element(By.ID, "save").click()
    WebDriverWait(d, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda drv: text(drv, "#employer") == employer
    )
    assert employer in text(d, "#history")
    console.shot("04-person-history")


def test_an_import_with_a_bad_row_shows_the_row_report(console, tmp_path):
    console.sign_in("county-admin")
    good = [idnumber.make("370783", dt.date(1980, 1, 1) + dt.timedelta(days=i), i, "male") for i in range(3)]
    csv = "姓名,身份证号码,行政区划代码,基础库\n" + "".join(
        f"导入{i},{n},370783001001,党外知识分子\n" for i, n in enumerate(good)
    )
    csv += "坏行,370783198001011234,370783001001,党外知识分子\n"
    path = tmp_path / "登记表.csv"
    path.write_text(csv, encoding="utf-8")
    d = console.go("/imports")
    d.find_element(By.ID, "file").send_keys(str(path))
    d.find_element(By.ID, "upload").click()  # dry run by default
    WebDriverWait(d, 30).until(lambda d: text(d, "#job-state") in ("succeeded", "failed"))
    report = d.find_elements(By.CSS_SELECTOR, "#row-report tbody tr")
    assert len(report) == 1 and report[0].find_elements(By.TAG_NAME, "td")[0].text == "5"
    console.shot("05-import-row-report")
    d = console.go("/imports")
    d.find_element(By.ID, "file").send_keys(str(path))
    d.find_element(By.CSS_SELECTOR, "input[value=good_rows]").click()
    d.find_element(By.ID, "upload").click()
    WebDriverWait(d, 30).until(lambda d: text(d, "#job-state") == "succeeded")
    assert d.find_element(By.ID, "job-progress").get_attribute("value") in ("1", "1.0")
    console.shot("06-import-done")


def test_a_round_runs_and_a_public_rating_is_answered_on_a_phone(console):
    console.sign_in("county-evaluator")
    d = console.go("/rounds")
    d.find_element(By.NAME, "name").send_keys("浏览器测试轮次")
    for name, value in (("starts_on", "01012026"), ("ends_on", "12312026")):
        d.find_element(By.NAME, name).send_keys(value)
    d.find_element(By.ID, "create-round").click()
    assert text(d, "#round-state") == "draft"
    submit(d, "round-next")
    assert text(d, "#round-state") == "open"
    round_id = d.current_url.rsplit("/", 1)[1]
    ev = console.url("evaluation")
    people = requests.get(f"{ev}/rounds/{round_id}/report", headers=console.api_headers(), timeout=10)
    assert people.status_code == 200
    # A public rating token, as a printed QR code would carry it.
    token = public_token(console, ev, round_id)
    d.set_window_size(390, 844)
    d.delete_all_cookies()
    d = console.go(f"/rate/{token}")
    for box in d.find_elements(By.CSS_SELECTOR, "input[type=number]"):
        box.send_keys("9")
    d.find_element(By.ID, "phone").send_keys("13912340000")
    console.shot("07-rating-form-phone")
    d.find_element(By.ID, "rate-submit").click()
    assert d.find_element(By.ID, "thanks").is_displayed()
    console.shot("08-rating-thanks")
    d = console.go(f"/rate/{token}")  # used up: a readable refusal, not a blank page
    assert "无效" in d.page_source
    d.set_window_size(1280, 1000)
    console.sign_in("county-evaluator")
    d = console.go(f"/rounds/{round_id}")
    assert d.find_elements(By.ID, "round-next"), d.find_element(By.TAG_NAME, "main").text[:500]
    submit(d, "round-next")
    assert text(d, "#round-state") == "scoring_closed"
    assert d.find_elements(By.CSS_SELECTOR, "#ranking tbody tr")
    console.shot("09-round-ranking")


def test_a_request_moves_through_its_states(console):
    desk, reg = console.url("servicedesk"), console.url("registry")
    member = requests.get(
        f"{reg}/people", params={"representative": "true", "limit": 1}, headers=console.api_headers(), timeout=10
    ).json()["items"][0]
    r = requests.post(
        f"{desk}/requests",
        json={"person_id": member["id"], "category": "legal", "title": "浏览器诉求", "description": "合同纠纷咨询"},
        headers=console.api_headers(),
        timeout=10,
    )
    assert r.status_code == 201, r.text
    console.sign_in("county-admin")
    d = console.go("/requests?state=submitted")
    assert "浏览器诉求" in text(d, "#queue")
    d = console.go(f"/requests/{r.json()['id']}")
    for action in ("accept", "start"):
        submit(d, f"action-{action}")
    d.find_element(By.ID, "note").send_keys("已协调律师提供咨询")
    submit(d, "action-resolve")
    Select(d.find_element(By.ID, "satisfaction")).select_by_visible_text("5")
    submit(d, "action-close")
    assert text(d, "#request-state") == "已关闭"
    assert len(d.find_elements(By.CSS_SELECTOR, "#timeline li")) == 5
    console.shot("10-request-timeline")


def test_the_gateway_page_and_readable_errors(console, platform):
    console.sign_in("county-auditor")
    d = console.go("/gateway")
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "ledger-verdict")))
    assert "完好" in text(d, "#ledger-verdict")
    assert len(d.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")) == 4
    console.shot("11-gateway")
    d = console.go("/people/no-such-person")  # an auditor may not read people at all: said plainly
    assert "403" in text(d, "h1") and "viewer" in d.find_element(By.CSS_SELECTOR, "[role=alert]").text
    console.sign_in("county-admin")
    d = console.go("/people/no-such-person")
    assert "404" in text(d, "h1") and d.find_element(By.CSS_SELECTOR, "[role=alert]").text
    console.shot("12-readable-404")
    platform.restart("registry-api", hard=True)  # and while it restarts, still a message, never blank
    d = console.go("/people?q=wang")
    assert d.find_element(By.TAG_NAME, "main").text.strip()
    console.shot("13-service-restarting")
