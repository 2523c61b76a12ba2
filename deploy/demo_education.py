"""Policy and theory education's demo data (理论政策宣传教育): the county's materials (an article, a
policy document and a video link) and a town's draft, an assignment of the town with the most
representatives whose study sessions (集中学习) the seeder records for most of them, and a second
assignment with a short quiz that members answer through the portal.

Called by ``demo_data.seed`` after the service desk's own demo data, once the desk knows the people.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from demo_api import Api
from demo_people import COUNTY

MATERIALS = [
    {"kind": "article", "category": "theory", "title": "深入学习贯彻新时代爱国统一战线理论",
     "body": "统一战线是党克敌制胜、执政兴国的重要法宝……（学习材料全文）"},
    {"kind": "document", "category": "policy", "title": "中国共产党统一战线工作条例（全文）",
     "url": "https://www.gov.cn/zhengce/2021-01/05/content_5577289.htm"},
    {"kind": "video", "category": "united_front", "title": "统一战线知识专题讲座（视频）",
     "url": "https://www.12371.cn/special/tzzs/"},
]  # fmt: skip
QUIZ = [
    {"text": "统一战线是中国共产党的什么？", "options": ["重要法宝", "临时策略", "群众组织"], "answer": [0]},
    {"text": "下列哪些属于统一战线工作对象？", "options": ["民主党派成员", "无党派人士", "党外知识分子"],
     "answer": [0, 1, 2]},
]  # fmt: skip


def seed_education(desk: Api, reps: list[dict], say: Callable) -> None:
    published = []
    for material in MATERIALS:
        made = desk.must("POST", "/education/materials", {**material, "unit_code": COUNTY})
        published.append(desk.must("POST", f"/education/materials/{made['id']}/publish")["id"])
    town = Counter(r["unit_code"][:9] + "000" for r in reps).most_common(1)[0][0]
    draft = {"kind": "article", "category": "policy", "title": "本街道学习安排（草稿）", "body": "待审定"}
    desk.must("POST", "/education/materials", {**draft, "unit_code": town})
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    plain = desk.must("POST", "/education/assignments", {"title": "学习《统一战线工作条例》", "unit_code": town,
                                                         "material_ids": published[:2], "due_on": due})  # fmt: skip
    members = [r["id"] for r in reps if r["unit_code"].startswith(town[:9])]
    studied = members[: max(1, len(members) * 2 // 3)]
    for start in range(0, len(studied), 500):
        desk.must("POST", f"/education/assignments/{plain['id']}/study-sessions",
                  {"person_ids": studied[start : start + 500], "minutes": 90})  # fmt: skip
    quizzed = {"title": "统战知识测试", "material_ids": published[2:], "quiz": QUIZ, "pass_mark": 100}
    desk.must("POST", "/education/assignments", {**quizzed, "unit_code": town, "due_on": due})
    say(
        f"  service desk: 4 study materials, 2 assignments of {town} ({plain['members_assigned']} members each), "
        f"{len(studied)} representatives' study recorded at a session"
    )
