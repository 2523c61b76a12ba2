"""The service desk's demo data: requests in every state (one urgent), suggestions, the
volunteer corps' branches, volunteers and activities, and charity projects with donations.

Called by ``demo_data.seed`` once the registry's representatives exist; the service desk learns
them from Kafka, so this waits until it knows every one.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from demo_api import Api, wait
from demo_people import COUNTY


def seed_servicedesk(
    desk: Api, reps: list[dict], villages: list[str], towns: list[str], rnd: random.Random, say: Callable
) -> None:
    members = reps[:60]
    pending = [r["id"] for r in reps]

    def desk_knows_all() -> bool:
        pending[:] = [pid for pid in pending if desk.call("GET", f"/people/{pid}")[0] != 200]
        return not pending

    wait("the service desk to learn the representatives", desk_knows_all)
    wait(
        "the service desk to learn the people",
        lambda: (
            desk.call(
                "POST",
                "/requests",
                {
                    "person_id": members[-1]["id"],
                    "category": "policy",
                    "title": "惠企政策咨询",
                    "description": "咨询2026年惠企政策申报条件",
                },
            )[0]
            == 201
        ),
    )
    paths = {
        "submitted": [],
        "accepted": ["accept"],
        "in_progress": ["accept", "start"],
        "waiting": ["accept", "start", "wait"],
        "resolved": ["accept", "start", "resolve"],
        "closed": ["accept", "start", "resolve", "close"],
        "rejected": ["reject"],
        "reopened": ["accept", "start", "resolve", "reopen"],
    }
    asks = [
        ("school_enrollment", "子女入学", "孩子明年入学，户籍与居住地不一致"),
        ("financing", "融资贷款", "企业扩大生产需流动资金贷款"),
        ("recruitment", "招聘用工", "企业急需数控技工20名"),
        ("legal", "法律咨询", "合同纠纷需要法律援助"),
        ("medical", "就医协调", "家属需转诊至省级医院"),
    ]
    notes = {
        "wait": "等待申请人补充材料",
        "resolve": "已协调相关部门办结",
        "reject": "不属于受理范围，已告知其他渠道",
        "reopen": "申请人反映问题仍未解决",
    }
    count = 0
    for n, member in enumerate(members[:48]):
        state = list(paths)[n % len(paths)]
        category, title, text = asks[n % len(asks)]
        r = desk.must(
            "POST",
            "/requests",
            {
                "person_id": member["id"],
                "category": category,
                "title": title,
                "description": text,
                "priority": ("normal", "high")[n % 2],
                "channel": "contact_system",
            },
        )
        for action in paths[state]:
            body = (
                {"note": notes.get(action)}
                if action in notes
                else ({"satisfaction": 4 + n % 2} if action == "close" else {})
            )
            desk.must("POST", f"/requests/{r['id']}/{action}", body)
        count += 1
    urgent = desk.must(
        "POST",
        "/requests",
        {
            "person_id": members[0]["id"],
            "category": "other",
            "title": "企业劳资纠纷",
            "description": "某企业拖欠工资，工人有聚集苗头",
            "urgent": True,
            "urgent_summary": "企业劳资纠纷，有聚集苗头，需协调处置",
        },
    )
    for topic, content in [
        ("蔬菜产业", "建议建设蔬菜冷链物流中心，减少损耗。"),
        ("营商环境", "建议简化小微企业融资担保手续。"),
        ("教育", "建议增加城区学位供给。"),
    ]:
        desk.must("POST", "/suggestions", {"unit_code": rnd.choice(villages), "topic": topic, "content": content})
    branch_names = [
        ("medical", "医疗卫生分团", "义诊"),
        ("legal", "法律服务分团", "法律咨询"),
        ("education", "教育助学分团", "助学支教"),
        ("agriculture", "农业科技分团", "科技对接"),
        ("economy", "经济服务分团", "企业服务"),
        ("culture", "文化艺术分团", "文化惠民"),
    ]
    for code, name, specialty in branch_names:
        desk.must("POST", "/corps/branches", {"code": code, "name": name, "specialty": specialty, "unit_code": COUNTY})
    volunteers = reps[60:96]
    for k, v in enumerate(volunteers):
        desk.must(
            "POST",
            "/corps/volunteers",
            {"person_id": v["id"], "branch_code": branch_names[k % 6][0], "expertise": branch_names[k % 6][2]},
        )
    kinds = [
        "free_clinic",
        "legal_advice",
        "education_aid",
        "technology_matchmaking",
        "enterprise_service",
        "elderly_visit",
    ]
    for k in range(12):
        team = volunteers[k % 6 :: 6][:4]
        desk.must(
            "POST",
            "/activities",
            {
                "kind": kinds[k % 6],
                "title": f"同心·社会服务团{['义诊', '普法', '助学', '科技下乡', '企业服务月', '敬老'][k % 6]}活动",
                "held_on": f"2026-{k % 11 + 1:02d}-15",
                "unit_code": rnd.choice(towns),
                "branch_code": branch_names[k % 6][0],
                "people_served": 80 + 23 * k,
                "volunteers": [{"person_id": t["id"], "hours": "3.5"} for t in team],
            },
        )
    donors = [r for r in reps if "non_public_economy" in r["categories"]][:24]
    for k, (programme, name) in enumerate(
        [("guangcai", "光彩助学·圆梦行动"), ("guangcai", "光彩事业·乡村振兴"), ("gratitude", "感恩行动·走访慰问老人")]
    ):
        project = desk.must(
            "POST",
            "/charity/projects",
            {"programme": programme, "name": name, "unit_code": COUNTY, "started_on": "2026-01-10"},
        )
        for d in donors[k::3]:
            desk.must(
                "POST",
                f"/charity/projects/{project['id']}/donations",
                {
                    "donor_person_id": d["id"],
                    "kind": "money",
                    "value_yuan": f"{rnd.randrange(5, 200) * 1000}.00",
                    "donated_on": "2026-03-05",
                },
            )
        desk.must(
            "POST",
            f"/charity/projects/{project['id']}/donations",
            {
                "donor_person_id": donors[k]["id"],
                "kind": "in_kind",
                "value_yuan": "36800.00",
                "goods": "冬季棉衣200件",
                "donated_on": "2026-11-20",
            },
        )
        desk.must(
            "POST",
            f"/charity/projects/{project['id']}/beneficiaries",
            {"kind": ("pupils_sponsored", "families_helped", "elderly_visited")[k], "count": (120, 45, 500)[k]},
        )
    say(
        f"  service desk: {count + 2} requests in every state (one urgent: {urgent['id'][:8]}), 3 suggestions, "
        "6 branches, 12 activities, 3 charity projects"
    )
