"""Index templates as versioned data, the .xlsx report, printable token sheets and the rating rate limit."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from evaluation.adapters.tables import ratings, templates, tokens
from evaluation.bootstrap import Evaluation
from evaluation.entrypoints.api.app import create_app
from services.evaluation.tests.conftest import TOWN_A, person_event
from services.evaluation.tests.support import flat, rate_all


def small_template(weight_b="0.5"):
    return {
        "code": "township",
        "name": "乡镇代表人士简化指标",
        "categories": [
            {"code": "A", "name": "履职", "weight": "0.5", "items": [{"code": "A1", "name": "参会", "weight": "1"}]},
            {"code": "B", "name": "贡献", "weight": weight_b, "items": [{"code": "B1", "name": "建言", "weight": "1"}]},
        ],
    }


def count(evaluation, table):
    with evaluation.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_templates_are_versioned_and_a_round_keeps_its_version(client, auth, people, evaluation):
    listed = client.get("/index-templates", headers=auth()).get_json()
    assert [(t["code"], t["version"]) for t in listed] == [("default", 1)]
    default = client.get("/index-templates/default/1", headers=auth()).get_json()
    assert len(default["categories"]) == 6 and sum(len(c["items"]) for c in default["categories"]) == 20

    assert client.post("/index-templates", json=small_template(), headers=auth()).status_code == 403  # evaluators
    bad = client.post("/index-templates", json=small_template("0.6"), headers=auth(("admin",)))
    assert bad.status_code == 422 and "1" in bad.get_json()["detail"]
    newline = client.post("/index-templates", json={**small_template(), "code": "town\n"}, headers=auth(("admin",)))
    assert newline.status_code == 422  # codes are matched in full: no trailing newline
    assert count(evaluation, templates) == 0
    v1 = client.post("/index-templates", json=small_template(), headers=auth(("admin",))).get_json()
    assert v1["version"] == 1

    people(person_event("p1"))
    r = client.post(
        "/rounds",
        json={"name": "乡镇评价", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "template_code": "township"},
        headers=auth(),
    ).get_json()
    assert [c["code"] for c in r["template"]["categories"]] == ["A", "B"] and r["template"]["version"] == 1

    changed = small_template()
    changed["categories"][0]["items"].append({"code": "A2", "name": "调研", "weight": "0"})
    assert client.post("/index-templates", json=changed, headers=auth(("admin",))).status_code == 422
    changed["categories"][0]["items"] = [
        {"code": "A1", "name": "参会", "weight": "0.5"},
        {"code": "A2", "name": "调研", "weight": "0.5"},
    ]
    assert client.post("/index-templates", json=changed, headers=auth(("admin",))).get_json()["version"] == 2
    kept = client.get(f"/rounds/{r['id']}", headers=auth()).get_json()["template"]
    assert kept["version"] == 1 and len(kept["categories"][0]["items"]) == 1
    missing = client.post(
        "/rounds",
        json={"name": "x", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "template_code": "nope"},
        headers=auth(),
    )
    assert missing.status_code == 404 and missing.get_json()["field"] == "template_code"


def test_the_report_spreadsheet_has_every_score_flag_and_decision_within_scope(client, auth, opened, evaluation):
    rate_all(client, auth, opened, {"p1": (9, 9, [9]), "p2": (5, 5, [5]), "p3": (8, 8, [8])})
    client.post(f"/rounds/{opened}/close", headers=auth())
    meeting = client.post(
        "/meetings",
        json={"title": "联席评价会议", "held_on": "2026-12-20", "bodies": ["cppcc"], "round_id": opened},
        headers=auth(),
    ).get_json()
    client.post(
        f"/meetings/{meeting['id']}/decisions",
        json={"person_id": "p2", "decision": "warning", "reason": "评价末位，警示谈话"},
        headers=auth(),
    )
    json_rows = client.get(f"/rounds/{opened}/report", headers=auth()).get_json()["rows"]
    assert [d["decision"] for d in json_rows[-1]["decisions"]] == ["warning"]

    r = client.get(f"/rounds/{opened}/report.xlsx", headers=auth())
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("名次", "姓名", "单位代码", "官评", "自评", "民评", "综合得分", "结果", "联席评价决定")
    assert [row[1] for row in rows[1:]] == ["代表p1", "代表p3", "代表p2"]
    assert rows[1][:8] == (1, "代表p1", "370783001001", 90, 90, 90, 90, "正常")
    assert rows[3][7:] == ("末位", "cppcc：警示谈话")

    town = client.get(f"/rounds/{opened}/report.xlsx", headers=auth(unit=TOWN_A))
    names = [row[1] for row in load_workbook(io.BytesIO(town.data)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["代表p1", "代表p2"]  # p3 lives in another town


def test_a_token_sheet_prints_working_qr_codes_once(client, auth, opened, evaluation):
    r = client.post(
        f"/rounds/{opened}/token-sheet", json={"person_id": "p1", "source": "public", "count": 3}, headers=auth()
    )
    assert r.status_code == 201 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert page.count("<svg") == 3 and "代表p1" in page and "民评" in page
    printed = re.findall(r'class="token">([^<]+)<', page)
    assert len(printed) == 3 and count(evaluation, tokens) == 3
    form = client.get(f"/rate/{printed[0]}").get_json()
    assert form["person_name"] == "代表p1" and form["source"] == "public" and len(form["template"]["categories"]) == 6
    assert client.post(f"/rate/{printed[0]}", json={**flat(8), "phone": "13800000001"}).status_code == 201
    assert client.get(f"/rate/{printed[0]}").status_code == 401  # used up
    assert (
        client.post(
            f"/rounds/{opened}/token-sheet", json={"person_id": "p1", "source": "x"}, headers=auth()
        ).status_code
        == 422
    )


@pytest.fixture
def strict_client(evaluation):
    strict = Evaluation(dataclasses.replace(evaluation.settings, rate_limit_per_minute=3), evaluation.engine)
    return create_app(strict).test_client()


def test_anonymous_rating_is_rate_limited_per_client_and_refusals_write_nothing(
    strict_client, auth, opened, evaluation
):
    client = strict_client
    issued = client.post(
        f"/rounds/{opened}/tokens", json={"person_id": "p1", "source": "public", "count": 5}, headers=auth()
    )
    toks = [t["token"] for t in issued.get_json()]
    guesses = [client.post(f"/rate/{toks[0][:17]}guess{i}", json=flat(10)) for i in range(3)]
    assert [g.status_code for g in guesses] == [401, 401, 401]
    refused = client.post(f"/rate/{toks[1]}", json={**flat(7), "phone": "13800000002"})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61 and refused.get_json()["detail_en"].startswith("More than 3")
    assert count(evaluation, ratings) == 0
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(tokens.c.used_at.is_not(None))).scalar() == 0
    other = client.post(
        f"/rate/{toks[1]}", json={**flat(7), "phone": "13800000002"}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 201  # another client address has its own allowance
    spoofed = client.post(
        f"/rate/{toks[2]}", json={**flat(7), "phone": "13800000003"}, headers={"X-Forwarded-For": "1.2.3.4"}
    )
    assert spoofed.status_code == 429  # no trusted proxy configured: the header changes nothing


def test_the_people_view_is_readable_in_scope_without_the_id_digest(client, auth, people):
    people(person_event("p1"), person_event("p3", unit="370783002001"))
    got = client.get("/people/p1", headers=auth(unit=TOWN_A))
    assert got.status_code == 200 and got.get_json()["is_representative"] and "id_digest" not in got.get_json()
    assert client.get("/people/p3", headers=auth(unit=TOWN_A)).status_code == 404
    assert client.get("/people/nobody", headers=auth()).status_code == 404
