"""The service desk's demo data for members' resources and matchmaking: a few members' offers
(financing, legal, technology; shared with their unit, town or county, one linked to the member's
corps branch), a bank–enterprise matchmaking event with a signed project, a loan and people
placed at different follow-up states, and a charity project that is completed.

Called by ``demo_data.seed`` after ``seed_servicedesk``, which has waited until the service desk
knows every representative and enrolled the corps' volunteers.
"""

from __future__ import annotations

from collections.abc import Callable

from demo_api import Api
from demo_people import COUNTY


def seed_community(desk: Api, reps: list[dict], say: Callable) -> None:
    offers = [
        (reps[64], "financing", "expertise", "中小企业融资方案与银行授信咨询", "county", True, "economy"),
        (reps[96], "financing", "funds", "为返乡创业青年提供小额周转资金担保", "town", False, None),
        (reps[97], "legal", "expertise", "合同纠纷、劳动争议法律咨询", "town", True, None),
        (reps[98], "technology", "expertise", "设施蔬菜新品种与智能温室技术指导", "county", True, None),
        (reps[99], "employment", "jobs", "蔬菜加工企业提供20个就业岗位", "unit", False, None),
    ]
    for person, field, kind, title, visibility, show_name, branch in offers:
        desk.must(
            "POST",
            "/resources/offers",
            {
                "person_id": person["id"],
                "field": field,
                "kind": kind,
                "title": title,
                "description": f"{title}。经本人同意发布，联系请通过所在单位统战干部。",
                "visibility": visibility,
                "show_name": show_name,
                "consent": True,
                "consented_on": "2026-03-01",
                "branch_code": branch,
            },
        )
    event = desk.must(
        "POST",
        "/matchmaking/events",
        {
            "kind": "bank_enterprise",
            "unit_code": COUNTY,
            "held_on": "2026-04-16",
            "title": "2026年寿光市银企对接会",
            "participants": [
                {"role": "enterprise", "organisation": "寿光市蔬菜产业集团"},
                {"role": "enterprise", "organisation": "寿光市种业科技公司"},
                {"role": "bank", "organisation": "寿光农村商业银行"},
                {"role": "expert", "person_id": reps[64]["id"]},
            ],
        },
    )
    outcomes = [
        (
            {
                "kind": "project_signed",
                "enterprise": "寿光市蔬菜产业集团",
                "partner": "山东省农业发展投资公司",
                "amount_yuan": "23000000.00",
            },
            ["in_progress", "completed"],
        ),
        (
            {
                "kind": "loan_granted",
                "enterprise": "寿光市种业科技公司",
                "partner": "寿光农村商业银行",
                "amount_yuan": "5000000.00",
            },
            ["in_progress"],
        ),
        ({"kind": "people_placed", "enterprise": "寿光市种业科技公司", "people_placed": 12}, []),
    ]
    for body, moves in outcomes:
        outcome = desk.must("POST", f"/matchmaking/events/{event['id']}/outcomes", {**body, "agreed_on": "2026-04-16"})
        for state in moves:
            desk.must("POST", f"/matchmaking/outcomes/{outcome['id']}/state", {"state": state})
    project = desk.must(
        "POST",
        "/charity/projects",
        {
            "programme": "guangcai",
            "name": "光彩事业·乡村学校图书室",
            "unit_code": COUNTY,
            "started_on": "2026-02-01",
        },
    )
    desk.must("POST", f"/charity/projects/{project['id']}/complete", {"completed_on": "2026-09-01"})
    say(
        f"  service desk: {len(offers)} members' offers, 1 matchmaking event with {len(outcomes)} outcomes, "
        "1 completed charity project"
    )
