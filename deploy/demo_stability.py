"""Demo stability reports (涉稳信息反馈) for ``make run``: a few reports of each kind and severity in
the service desk, and one severe gathering that reaches public security's feed and is closed by the
police's signed notices (received, handling, closed), as a new user sees it on first start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from demo_api import Api, wait
from sharing_gateway import notice_sender

REPORTS = [
    ("labour_dispute", "general", "某建筑工地项目部", "2026-11-20T09:30:00+08:00", "工人讨要拖欠工资", 15),
    ("petition", "serious", "镇政府信访接待室", "2026-11-22T14:00:00+08:00", "征地补偿问题集体上访，约8人", 8),
    ("religious", "general", "某村民间信仰活动点", "2026-11-24T10:00:00+08:00", "未登记活动点聚会，已劝导", 30),
    ("ethnic", "serious", "某社区农贸市场", "2026-11-25T16:20:00+08:00", "经营摊位纠纷涉及少数民族商户，已调解", 6),
]


def seed_stability(desk: Api, police: Api, police_key: Path, reps: list[dict], say: Callable) -> None:
    for category, severity, place, occurred_at, summary, others in REPORTS:
        desk.must("POST", "/stability-reports", _report(reps[7]["unit_code"], category, severity, place, occurred_at,
                                                         summary, [], others))  # fmt: skip
    involved = reps[8]
    gathering = _report(involved["unit_code"], "gathering", "severe", "镇政府门前广场", "2026-11-26T08:40:00+08:00",
                        "企业停产引发职工聚集，情绪激动，有堵路苗头", [involved["id"]], 79)  # fmt: skip
    gathering["police_summary"] = "镇政府门前广场约80人聚集，有堵路苗头，请求派警力维持秩序"
    severe = desk.must("POST", "/stability-reports", gathering)
    report_id = severe["id"]
    wait("public security's feed to carry the severe report", lambda: _in_feed(police, report_id))
    key = notice_sender.load(police_key)
    answers = [("received", {"case_reference": "寿公(2026)0118号"}), ("handling", {"summary": "已派警力到场维持秩序"}),
               ("closed", {"summary": "经劝导人员已疏散，交通恢复"})]  # fmt: skip
    for n, (kind, data) in enumerate(answers, 1):
        event = {
            "specversion": "1.0",
            "id": f"SGGA-2026-{n:04d}",
            "type": f"cn.tongxin.notice.stability_{kind}.v1",
            "source": "/public_security/shouguang",
            "data": {"report_id": report_id, **data},
        }
        body, headers = notice_sender.signed(key, event)
        police.must("POST", "/notices", raw=body, headers=headers)
    wait("the police's notices to close the report",
         lambda: desk.must("GET", f"/stability-reports/{report_id}")["state"] == "closed")  # fmt: skip
    say(f"  servicedesk: {len(REPORTS) + 1} stability reports; the severe one closed by public security's notices")


def _report(unit, category, severity, place, occurred_at, summary, person_ids, others) -> dict:
    return {"unit_code": unit, "place": place, "occurred_at": occurred_at, "category": category,
            "severity": severity, "summary": summary, "person_ids": person_ids, "others_count": others}  # fmt: skip


def _in_feed(police: Api, report_id: str) -> bool:
    after = 0
    while True:
        page = police.must("GET", f"/feed?after={after}&limit=1000")
        if any(e["data"].get("report_id") == report_id for e in page["entries"]):
            return True
        if not page["entries"] or page["next_after"] == after:
            return False
        after = page["next_after"]
