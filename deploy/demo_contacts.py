"""Demo contacts (联系人) for ``make run``: six representatives get a responsible cadre (four the
demo account ``county-editor``, so its "my follow-ups" list has work; two a cadre of their own
town) and follow-ups around today in China: one overdue, one due today, some later, one done."""

from __future__ import annotations

import datetime as dt

from demo_api import Api

COUNTY_CADRE = {"subject": "county-editor", "name": "寿光市委统战部 编辑", "unit": "370783000000"}
#: Days from today (China time) of each representative's follow-up; None: no follow-up planned.
PLAN = [(-3, "走访了解企业融资需求，协调银企对接"), (0, "电话回访提案办理情况"), (4, "参加其所在商会年会"),
        (9, "走访了解子女入学问题办理进展"), (-1, "座谈听取对年度评价的意见"), (None, "")]  # fmt: skip


def seed_contacts(registry: Api, reps: list[dict], say=print) -> None:
    today = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date()
    assigned: list[str] = []
    for rep in reps[10:]:  # past the members the evaluation's meeting and the CPPCC's notice take out
        if len(assigned) == len(PLAN):
            break
        n = len(assigned)
        town = rep["unit_code"][:9] + "000"
        cadre = COUNTY_CADRE if n < 4 else {"subject": f"liaison-{town}", "name": f"联络员{n}", "unit": town}
        status, _ = registry.call("PUT", f"/people/{rep['id']}/cadre", {"cadre": cadre, "reason": "年度联系分工"})
        if status == 200:  # a representative who lost the role meanwhile gets no cadre
            assigned.append(rep["id"])
    for pid, (days, note) in zip(assigned, PLAN, strict=False):
        if days is None:
            continue
        due = (today + dt.timedelta(days=days)).isoformat()
        planned = registry.must("POST", f"/people/{pid}/follow-ups", {"due_on": due, "note": note})
        if days == -1:
            outcome = {"state": "done", "outcome": "已座谈，意见已转评价组"}
            registry.must("POST", f"/follow-ups/{planned['id']}/close", outcome)
    say(f"  registry: {len(assigned)} representatives with a responsible cadre, follow-ups planned (one overdue)")
