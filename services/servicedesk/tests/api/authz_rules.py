"""The rule of every operation of the servicedesk API for the authorization matrix
(``tests/support/authz_matrix.py``): who may call it from which unit level, and what the answer
may show. ``test_authz_matrix`` seeds the objects and runs it."""

from __future__ import annotations

from tests.support import authz_matrix as m

TOWN_A = "370783001000"
OTHER_TOWN = "370782001000"
OTHER_BRANCH = {"code": "xb", "name": "外县医疗分团", "specialty": "义诊"}
LEVELS = {
    "own": TOWN_A,
    "parent": "370783000000",
    "child": "370783001001",
    "sibling": "370783002000",
    "other county": "370782001000",
}
EDITORS = ("editor",)
SLA = {p: {"response_days": "1", "resolution_days": "5"} for p in ("normal", "high", "urgent")}
REQUEST = {"person_id": "m1", "category": "school_enrollment", "title": "入学咨询", "description": "咨询入学办法。"}
ACTIVITY = {
    "kind": "free_clinic",
    "title": "义诊",
    "held_on": "2026-05-01",
    "unit_code": TOWN_A,
    "people_served": 30,
    "volunteers": [{"person_id": "m1", "hours": "3"}],
}
PROJECT = {"programme": "guangcai", "name": "助学项目", "unit_code": TOWN_A, "started_on": "2026-01-01"}
STABILITY = {
    "unit_code": TOWN_A,
    "place": "镇政府门前",
    "occurred_at": "2026-11-26T08:30:00+08:00",
    "category": "labour_dispute",
    "severity": "general",
    "summary": "讨薪聚集。",
    "person_ids": ["m1"],
    "others_count": 5,
}
#: Stability reports name an ethnic or religious matter: editors and auditors read them, not every viewer.
READERS = ("editor", "auditor")
DONATION = {"donor_person_id": "m2", "kind": "money", "value_yuan": "1000.00", "donated_on": "2026-02-01"}
MATERIAL = {"kind": "article", "category": "theory", "title": "理论学习", "body": "正文", "unit_code": TOWN_A}
ASSIGNMENT = {"title": "理论学习任务", "unit_code": TOWN_A, "due_on": "2099-12-31",
              "quiz": [{"text": "题目", "options": ["甲", "乙"], "answer": [0]}]}  # fmt: skip
#: Published to town A: its community reads it too (published downwards), but acts on nothing.
DOWNWARDS = frozenset({"own", "parent", "child"})
MEMBERS = ("member",)  # no staff role holds it: every staff token is refused the member's endpoints
OFFER = {"person_id": "m1", "field": "financing", "kind": "expertise", "title": "融资咨询",
         "description": "熟悉中小企业融资。", "visibility": "unit", "consent": True}  # fmt: skip
MM_EVENT = {"kind": "bank_enterprise", "unit_code": TOWN_A, "held_on": "2026-04-16", "title": "银企对接会",
            "participants": [{"role": "bank", "organisation": "寿光农商银行"}]}  # fmt: skip
OUTCOME = {"kind": "loan_granted", "enterprise": "寿光蔬菜集团", "amount_yuan": "500000.00", "agreed_on": "2026-04-16"}
YEAR = {"year": 2026, "unit": TOWN_A}


def listed(key: str, items: str | None = "items"):
    return lambda r, seed: any(i.get("id") == seed[key] for i in (r.get_json()[items] if items else r.get_json()))


def units_of(items: str | None = "items"):
    return lambda r: [i["unit_code"] for i in (r.get_json()[items] if items else r.get_json())]


MATRIX = {
    ("GET", "/requests"): m.Rule(
        lambda c, h, s: c.get("/requests", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("request"),
        listed_units=units_of(),
    ),
    ("POST", "/requests"): m.Rule(
        lambda c, h, s: c.post("/requests", json=REQUEST, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/requests/{request_id}"): m.Rule(lambda c, h, s: c.get(f"/requests/{s['request']}", headers=h)),
    ("POST", "/requests/{request_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/requests/{s['request']}/accept", json={}, headers=h), roles=EDITORS
    ),
    ("GET", "/request-categories"): m.Rule(lambda c, h, s: c.get("/request-categories", headers=h), levels=m.ANY_LEVEL),
    ("PUT", "/request-categories/{code}"): m.Rule(
        lambda c, h, s: c.put(
            "/request-categories/school_enrollment",
            json={"name_zh": "入学", "name_en": "School", "sla": SLA},
            headers=h,
        ),
        roles=("admin",),
        levels=frozenset({"parent"}),  # department-wide: county level only
        out_of_scope=403,
    ),
    ("GET", "/people/{person_id}"): m.Rule(lambda c, h, s: c.get("/people/m1", headers=h)),
    ("GET", "/suggestions"): m.Rule(
        lambda c, h, s: c.get("/suggestions", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("suggestion"),
        listed_units=units_of(),
    ),
    ("POST", "/suggestions"): m.Rule(
        lambda c, h, s: c.post(
            "/suggestions", json={"unit_code": TOWN_A, "topic": "建议", "content": "建议增加公交线路。"}, headers=h
        ),
        audience="public",
        ok=201,
    ),
    ("GET", "/suggestions/receipts/{receipt}"): m.Rule(
        lambda c, h, s: c.get(f"/suggestions/receipts/{s['receipt']}", headers=h), audience="public"
    ),
    ("GET", "/suggestions/{suggestion_id}"): m.Rule(
        lambda c, h, s: c.get(f"/suggestions/{s['suggestion']}", headers=h)
    ),
    ("POST", "/suggestions/{suggestion_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/suggestions/{s['suggestion']}/forward", json={"department": "交通局"}, headers=h),
        roles=EDITORS,
    ),
    ("GET", "/corps/branches"): m.Rule(lambda c, h, s: c.get("/corps/branches", headers=h), levels=m.ANY_LEVEL),
    ("POST", "/corps/branches"): m.Rule(
        lambda c, h, s: c.post(
            "/corps/branches",
            json={"code": "medical", "name": "医疗分团改", "specialty": "义诊", "unit_code": TOWN_A},
            headers=h,
        ),
        roles=("admin",),
        ok=201,
        out_of_scope=422,
    ),
    ("POST", "/corps/volunteers"): m.Rule(
        lambda c, h, s: c.post("/corps/volunteers", json={"person_id": "m2", "branch_code": "medical"}, headers=h),
        roles=EDITORS,
        ok=201,
        out_of_scope=422,
    ),
    ("GET", "/activities"): m.Rule(
        lambda c, h, s: c.get("/activities", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("activity"),
        listed_units=units_of(),
    ),
    ("POST", "/activities"): m.Rule(
        lambda c, h, s: c.post("/activities", json=ACTIVITY, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/activities/{activity_id}"): m.Rule(lambda c, h, s: c.get(f"/activities/{s['activity']}", headers=h)),
    ("GET", "/charity/projects"): m.Rule(
        lambda c, h, s: c.get("/charity/projects", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("project", items=None),
        listed_units=units_of(None),
    ),
    ("POST", "/charity/projects"): m.Rule(
        lambda c, h, s: c.post("/charity/projects", json=PROJECT, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/charity/projects/{project_id}"): m.Rule(
        lambda c, h, s: c.get(f"/charity/projects/{s['project']}", headers=h)
    ),
    ("POST", "/charity/projects/{project_id}/donations"): m.Rule(
        lambda c, h, s: c.post(f"/charity/projects/{s['project']}/donations", json=DONATION, headers=h),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/charity/projects/{project_id}/beneficiaries"): m.Rule(
        lambda c, h, s: c.post(
            f"/charity/projects/{s['project']}/beneficiaries", json={"kind": "pupils_sponsored", "count": 3}, headers=h
        ),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/charity/projects/{project_id}/complete"): m.Rule(
        lambda c, h, s: c.post(f"/charity/projects/{s['project']}/complete", json={}, headers=h), roles=EDITORS
    ),
    ("GET", "/resources/offers"): m.Rule(
        lambda c, h, s: c.get("/resources/offers", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("offer"),
        listed_units=units_of(),
    ),
    ("POST", "/resources/offers"): m.Rule(
        lambda c, h, s: c.post("/resources/offers", json={**OFFER, "person_id": "m2"}, headers=h),
        roles=EDITORS,
        ok=201,
        out_of_scope=422,
    ),
    ("GET", "/resources/offers/{offer_id}"): m.Rule(
        lambda c, h, s: c.get(f"/resources/offers/{s['offer']}", headers=h)
    ),
    ("POST", "/resources/offers/{offer_id}/withdraw"): m.Rule(
        lambda c, h, s: c.post(f"/resources/offers/{s['offer']}/withdraw", json={"by": "member"}, headers=h),
        roles=EDITORS,
    ),
    ("POST", "/resources/offers/{offer_id}/citations"): m.Rule(
        lambda c, h, s: c.post(
            f"/resources/offers/{s['offer']}/citations",
            json={"subject": "request", "subject_id": s["request"]},
            headers=h,
        ),
        roles=EDITORS,
        ok=201,
    ),
    ("GET", "/matchmaking/events"): m.Rule(
        lambda c, h, s: c.get("/matchmaking/events", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("mm_event"),
        listed_units=units_of(),
    ),
    ("POST", "/matchmaking/events"): m.Rule(
        lambda c, h, s: c.post("/matchmaking/events", json=MM_EVENT, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/matchmaking/events/{event_id}"): m.Rule(
        lambda c, h, s: c.get(f"/matchmaking/events/{s['mm_event']}", headers=h)
    ),
    ("POST", "/matchmaking/events/{event_id}/outcomes"): m.Rule(
        lambda c, h, s: c.post(f"/matchmaking/events/{s['mm_event']}/outcomes", json=OUTCOME, headers=h),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/matchmaking/outcomes/{outcome_id}/state"): m.Rule(
        lambda c, h, s: c.post(f"/matchmaking/outcomes/{s['outcome']}/state", json={"state": "completed"}, headers=h),
        roles=EDITORS,
    ),
    ("GET", "/matchmaking/figures"): m.Rule(
        lambda c, h, s: c.get("/matchmaking/figures", query_string=YEAR, headers=h), out_of_scope=422
    ),
    ("GET", "/matchmaking/figures.xlsx"): m.Rule(
        lambda c, h, s: c.get("/matchmaking/figures.xlsx", query_string=YEAR, headers=h), out_of_scope=422
    ),
    ("GET", "/education/materials"): m.Rule(
        lambda c, h, s: c.get("/education/materials", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("material"),
        visible_at=DOWNWARDS,
        listed_units=units_of(),
        lists_above=True,
    ),
    ("POST", "/education/materials"): m.Rule(
        lambda c, h, s: c.post("/education/materials", json=MATERIAL, headers=h),
        roles=EDITORS,
        ok=201,
        out_of_scope=422,
    ),
    ("GET", "/education/materials/{material_id}"): m.Rule(
        lambda c, h, s: c.get(f"/education/materials/{s['material']}", headers=h), levels=DOWNWARDS
    ),
    ("POST", "/education/materials/{material_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/education/materials/{s['material']}/withdraw", headers=h),
        roles=EDITORS,
        refused={"child": 403},
    ),
    ("GET", "/education/assignments"): m.Rule(
        lambda c, h, s: c.get("/education/assignments", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("assignment"),
        visible_at=DOWNWARDS,
        listed_units=units_of(),
        lists_above=True,
    ),
    ("POST", "/education/assignments"): m.Rule(
        lambda c, h, s: c.post(
            "/education/assignments", json={**ASSIGNMENT, "material_ids": [s["material"]]}, headers=h
        ),
        roles=EDITORS,
        ok=201,
        out_of_scope=422,
    ),
    ("GET", "/education/assignments/{assignment_id}"): m.Rule(
        lambda c, h, s: c.get(f"/education/assignments/{s['assignment']}", headers=h), levels=DOWNWARDS
    ),
    ("POST", "/education/assignments/{assignment_id}/study-sessions"): m.Rule(
        lambda c, h, s: c.post(
            f"/education/assignments/{s['assignment']}/study-sessions",
            json={"person_ids": ["m1", "m2"], "minutes": 90},
            headers=h,
        ),
        roles=EDITORS,
        ok=201,
        refused={"child": 422},  # reads the town's assignment, but its members are not in the community's scope
    ),
    ("GET", "/education/assignments/{assignment_id}/completion"): m.Rule(
        lambda c, h, s: c.get(f"/education/assignments/{s['assignment']}/completion", headers=h),
        levels=DOWNWARDS,
        listed_units=units_of(),
    ),
    ("GET", "/education/assignments/{assignment_id}/completion.xlsx"): m.Rule(
        lambda c, h, s: c.get(f"/education/assignments/{s['assignment']}/completion.xlsx", headers=h),
        levels=DOWNWARDS,
    ),
    ("GET", "/education/my/assignments"): m.Rule(
        lambda c, h, s: c.get("/education/my/assignments", headers=h), roles=MEMBERS
    ),
    ("GET", "/education/my/assignments/{assignment_id}"): m.Rule(
        lambda c, h, s: c.get(f"/education/my/assignments/{s['assignment']}", headers=h), roles=MEMBERS
    ),
    ("POST", "/education/my/assignments/{assignment_id}/study"): m.Rule(
        lambda c, h, s: c.post(f"/education/my/assignments/{s['assignment']}/study", json={"minutes": 5}, headers=h),
        roles=MEMBERS,
    ),
    ("POST", "/education/my/assignments/{assignment_id}/attempts"): m.Rule(
        lambda c, h, s: c.post(
            f"/education/my/assignments/{s['assignment']}/attempts",
            json={"submission_id": "matrix-attempt", "answers": [[0]]},
            headers=h,
        ),
        roles=MEMBERS,
    ),
    ("GET", "/stability-reports"): m.Rule(
        lambda c, h, s: c.get("/stability-reports", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=listed("stability"),
        listed_units=units_of(),
    ),
    ("POST", "/stability-reports"): m.Rule(
        lambda c, h, s: c.post("/stability-reports", json=STABILITY, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/stability-reports/export"): m.Rule(
        lambda c, h, s: c.get("/stability-reports/export", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, seed: any(i["report_id"] == seed["stability"] for i in r.get_json()["items"]),
        listed_units=units_of(),
    ),
    ("GET", "/stability-reports/{report_id}"): m.Rule(
        lambda c, h, s: c.get(f"/stability-reports/{s['stability']}", headers=h), roles=READERS
    ),
    ("POST", "/stability-reports/{report_id}/escalation"): m.Rule(
        lambda c, h, s: c.post(
            f"/stability-reports/{s['stability']}/escalation", json={"severity": "serious"}, headers=h
        ),
        roles=EDITORS,
    ),
    ("POST", "/stability-reports/{report_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/stability-reports/{s['stability']}/handle", json={}, headers=h), roles=EDITORS
    ),
    ("GET", "/statistics"): m.Rule(
        lambda c, h, s: c.get(
            "/statistics", query_string={"from": "2026-01-01", "to": "2026-12-31", "unit": TOWN_A}, headers=h
        ),
        out_of_scope=422,
    ),
}
