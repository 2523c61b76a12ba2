"""Hostile input on the running platform, each answered with a clear 4xx problem+json and nothing
written: oversized and malformed bodies, injection strings that must round-trip as plain data,
and malformed spreadsheets. Bad tokens: test_abuse_tokens.py; scopes and grants:
test_abuse_scope.py."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import (
    COUNTY,
    HOME_A,
    count,
    is_problem,
    new_person,
    service_url,
    wait_for,
)


def test_hostile_bodies_get_problems_and_write_nothing(platform, tokens):
    reg = service_url(platform, "registry")
    h = {"Authorization": f"Bearer {tokens.issue('hostile', ['admin'], COUNTY)}"}
    before = count(platform, "registry", "people")
    huge = b'{"name": "' + b"x" * (13 * 1024 * 1024) + b'"}'
    r = requests.post(f"{reg}/people", data=huge, headers={**h, "Content-Type": "application/json"}, timeout=60)
    assert is_problem(r, 413)
    nested = b"[" * 100_000 + b"]" * 100_000
    r = requests.post(f"{reg}/people", data=nested, headers={**h, "Content-Type": "application/json"}, timeout=60)
    assert r.status_code in (400, 422) and is_problem(r, r.status_code)
    r = requests.post(
        f"{reg}/people",
        data=b'{"name": "' + bytes([0xFF, 0xFE]) + b'"}',
        headers={**h, "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code in (400, 422) and is_problem(r, r.status_code)
    r = requests.post(
        f"{reg}/people", data=b"name=x", headers={**h, "Content-Type": "application/x-www-form-urlencoded"}, timeout=30
    )
    assert r.status_code in (400, 415, 422) and is_problem(r, r.status_code)
    assert count(platform, "registry", "people") == before


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE people; --",
        "Robert'); DELETE FROM service_requests WHERE ('1'='1",
        "<script>alert('统战')</script>",
        '=HYPERLINK("http://evil","点我")',
        "{{7*7}} ${7*7} %s %n",
        "艾克拜尔·米吉提\u202e\u0000".replace("\u0000", ""),
    ],
)
def test_injection_strings_round_trip_as_plain_data(platform, tokens, text):
    reg = service_url(platform, "registry")
    h = {"Authorization": f"Bearer {tokens.issue('inject', ['admin'], COUNTY)}"}
    body = {**new_person(unit=HOME_A), "notes": text, "employer": text[:200]}
    r = requests.post(f"{reg}/people", json=body, headers=h, timeout=30)
    assert r.status_code == 201, r.text
    got = requests.get(f"{reg}/people/{r.json()['id']}", headers=h, timeout=30).json()
    assert got["notes"] == text and got["employer"] == text[:200]
    assert count(platform, "registry", "people") > 0  # the table is still there


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("people.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("people.xlsx", bytes(range(256)) * 40),
        ("people.csv", "姓名,身份证号码\n张三,1\n".encode("utf-16")),
        ("people.pdf", b"%PDF-1.7"),
        ("people.csv", b""),
    ],
)
def test_malformed_spreadsheets_are_refused_before_any_row(platform, tokens, filename, content):
    reg = service_url(platform, "registry")
    h = {"Authorization": f"Bearer {tokens.issue('sheets', ['admin'], COUNTY)}"}
    before = count(platform, "registry", "people")
    r = requests.post(
        f"{reg}/imports", params={"mode": "all_or_nothing"}, files={"file": (filename, content)}, headers=h, timeout=60
    )
    if r.status_code == 202:  # accepted as a job: the job must fail cleanly with a reason
        url = f"{reg}/imports/{r.json()['id']}"
        job = wait_for(
            lambda: (j := requests.get(url, headers=h, timeout=30).json())["state"] in ("failed", "succeeded") and j,
            60, 0.3, "the import job",
        )  # fmt: skip
        assert job["state"] == "failed" and job["message"], job
    else:
        assert is_problem(r, r.status_code) and 400 <= r.status_code < 500
    assert count(platform, "registry", "people") == before
