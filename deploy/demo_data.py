"""Demo data for ``make run``, generated deterministically and sent through the real APIs.

Shouguang's registry (about 23,000 people across its towns and sub-districts, valid ID
numbers, category memberships) goes in as one spreadsheet import; 300 representatives
(CPPCC members, NPC deputies, chamber officers) are registered one by one. Everything
else follows from the events: evaluation and the service desk learn the people from
Kafka. Then a finished evaluation round (official, self and public ratings, published)
with a joint meeting's decisions, a court's violation notice through the gateway, service
requests in every state, suggestions, the volunteer corps' branches and activities, and
charity projects with donations.

Run by ``make run`` (``run_platform.Platform.seed_demo_data`` calls ``seed``) with access tokens
from its Keycloak: the demo seeder's client credentials and two demo reviewers' accounts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from sharing_gateway import notice_sender

from chassis import idnumber

ROOT = Path(__file__).resolve().parents[1]
COUNTY = "370783000000"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华建国玉兰志永海燕红梅文博子涵浩然欣"
    "怡雨轩梓萱宇航德胜淑珍春英庆丰立新振华"
)
CATEGORIES = [
    ("non_public_economy", 30),
    ("new_social_strata", 20),
    ("non_party_intellectual", 18),
    ("democratic_party_member", 10),
    ("non_party_representative", 8),
    ("overseas_returnee", 5),
    ("non_party_figure", 4),
    ("ethnic_minority", 3),
    ("hmt_overseas_chinese", 1),
    ("religious_figure", 1),
]
ZH_CATEGORY = {
    "non_party_representative": "党外代表人士",
    "non_public_economy": "非公有制经济代表人士",
    "democratic_party_member": "民主党派成员",
    "non_party_figure": "无党派人士",
    "non_party_intellectual": "党外知识分子",
    "ethnic_minority": "少数民族人士",
    "religious_figure": "宗教界人士",
    "new_social_strata": "新的社会阶层人士",
    "overseas_returnee": "出国和归国留学人员",
    "hmt_overseas_chinese": "港澳台侨",
}
EMPLOYERS = [
    "寿光蔬菜产业集团",
    "晨鸣纸业",
    "寿光农产品物流园",
    "巨能控股",
    "鲁丽集团",
    "寿光市人民医院",
    "寿光现代中学",
    "寿光市律师事务所",
    "个体工商户",
    "寿光市工商联",
]


class Api:
    """A tiny JSON client for the services' public APIs."""

    def __init__(self, base: str, token: str | Callable[[], str] | None = None, api_key: str | None = None):
        self.base = base.rstrip("/")
        self.token = token
        self.headers = {"Accept": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"ApiKey {api_key}"

    def call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None, ok=(200, 201, 202)):
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        h = {**self.headers, **(headers or {})}
        if self.token:  # a callable gives a fresh access token (Keycloak's live five minutes)
            h["Authorization"] = f"Bearer {self.token() if callable(self.token) else self.token}"
        if body is not None:
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)  # noqa: S310 (http only)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 (our own services)
                payload = r.read()
                return (
                    r.status,
                    (json.loads(payload) if payload and r.headers.get_content_type().endswith("json") else payload),
                )
        except urllib.error.HTTPError as e:
            payload = e.read()
            if e.code in ok:
                return e.code, json.loads(payload or b"null")
            return e.code, json.loads(payload) if payload.startswith(b"{") else payload

    def must(self, method: str, path: str, body=None, **kw):
        status, payload = self.call(method, path, body, **kw)
        if status not in (200, 201, 202):
            raise RuntimeError(f"{method} {self.base}{path} -> {status}: {payload}")
        return payload


def wait(what: str, probe: Callable[[], object], timeout: float = 180) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError(f"demo data: timed out waiting for {what}")


def units() -> tuple[list[str], list[str]]:
    rows = [
        line.split(",")
        for line in (ROOT / "services/registry/src/registry/data/shouguang.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    ]
    return [r[0] for r in rows if r[2] == "village"], [r[0] for r in rows if r[2] == "town"]


class People:
    """Deterministic people: realistic names, valid and unique Shouguang ID numbers."""

    def __init__(self, seed: int = 2026):
        self.rnd = random.Random(seed)
        self.numbers: set[str] = set()

    def one(self, villages: list[str]) -> dict:
        rnd = self.rnd
        gender = rnd.choice(("male", "female"))
        while True:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 52))
            number = idnumber.make("370783", born, rnd.randrange(100), gender)
            if number not in self.numbers:
                self.numbers.add(number)
                break
        given = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        category = rnd.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        return {
            "name": rnd.choice(SURNAMES) + given,
            "gender": gender,
            "birth_date": born.isoformat(),
            "id_number": number,
            "unit_code": rnd.choice(villages),
            "categories": [category],
            "employer": rnd.choice(EMPLOYERS),
        }


def registry_workbook(people: list[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("登记表")
    ws.append(["姓名", "性别", "出生日期", "身份证号码", "行政区划代码", "基础库", "工作单位"])
    for p in people:
        ws.append(
            [
                p["name"],
                "男" if p["gender"] == "male" else "女",
                p["birth_date"],
                p["id_number"],
                p["unit_code"],
                ZH_CATEGORY[p["categories"][0]],
                p["employer"],
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def seed(
    urls: dict[str, str],
    agency_keys: dict[str, str],
    people_count: int = 23_000,
    representatives: int = 300,
    say=print,
    notice_keys: dict[str, Path] | None = None,
    *,
    token: Callable[[], str],
    staff_token: Callable[[str], str],
) -> dict:
    """``notice_keys``: each agency's private notice-signing key (PEM), registered with the gateway.
    ``token``: the seeder's access token from the identity provider (a fresh one per call), and
    ``staff_token(username)`` a demo account's (the two reviewers)."""
    registry, evaluation = Api(urls["registry"], token), Api(urls["evaluation"], token)
    desk, gateway = Api(urls["servicedesk"], token), Api(urls["sharing-gateway"], token)
    villages, towns = units()
    gen = People()
    began = time.monotonic()

    # 1. The registry: representatives one by one, then everyone else as one spreadsheet.
    reps = []
    bodies = [("cppcc", "county", "政协委员"), ("npc", "county", "人大代表"), ("chamber", "county", "商会副会长")]
    for i in range(representatives):
        p = gen.one(villages)
        body, level, title = bodies[i % 3]
        p["categories"] = ["non_party_representative"] if i % 2 else ["non_public_economy"]
        p["representative_roles"] = [{"body": body, "level": level, "title": title, "since": "2022-01-01"}]
        created = registry.must("POST", "/people", p)
        reps.append({**p, "id": created["id"]})
    say(f"  registry: {len(reps)} representatives registered")
    others = [gen.one(villages) for _ in range(people_count - representatives)]
    payload, content_type = multipart("寿光市统战对象登记表.xlsx", registry_workbook(others))
    job = registry.must("POST", "/imports?mode=good_rows", raw=payload, headers={"Content-Type": content_type})
    job = wait(
        "the registry import",
        lambda: (j := registry.must("GET", f"/imports/{job['id']}"))["state"] in ("succeeded", "failed") and j,
        600,
    )
    say(f"  registry: spreadsheet import {job['state']}: {job['created']} created, {job['error_count']} rows refused")

    # 2. Evaluation learns the people from Kafka; a round runs to publication.
    # Partitions deliver in their own order: wait until evaluation knows every representative.
    pending = [r["id"] for r in reps]

    def all_known() -> bool:
        pending[:] = [pid for pid in pending if evaluation.call("GET", f"/people/{pid}")[0] != 200]
        return not pending

    wait("evaluation to learn the representatives", all_known)
    rnd = random.Random(7)
    items = [i["code"] for c in evaluation.must("GET", "/index-templates/default/1")["categories"] for i in c["items"]]
    rnd_round = evaluation.must(
        "POST",
        "/rounds",
        {
            "name": "2026年度党外代表人士综合评价",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "bottom_share": "0.05",
        },
    )
    rid = rnd_round["id"]
    evaluation.must("POST", f"/rounds/{rid}/open")
    for n, rep in enumerate(reps):
        base = rnd.choice([6, 7, 8, 8, 9, 9, 10]) if n % 40 else 4

        def scores(base: int = base) -> dict:
            return {code: max(0, min(10, base + rnd.choice((-1, 0, 0, 1)))) for code in items}

        evaluation.must("PUT", f"/rounds/{rid}/people/{rep['id']}/official-rating", {"scores": scores()})
        (self_token,) = evaluation.must("POST", f"/rounds/{rid}/tokens", {"person_id": rep["id"], "source": "self"})
        evaluation.must("POST", f"/rate/{self_token['token']}", {"scores": scores()})
        for k, public in enumerate(
            evaluation.must("POST", f"/rounds/{rid}/tokens", {"person_id": rep["id"], "source": "public", "count": 2})
        ):
            evaluation.must("POST", f"/rate/{public['token']}", {"scores": scores(), "phone": f"139{n:05d}{k:03d}"})
    evaluation.must("POST", f"/rounds/{rid}/close")
    # Separation of duties: one reviewer reviews, a second one publishes (neither scored).
    for step, reviewer in (("review", "county-reviewer"), ("publish", "county-reviewer-2")):
        Api(urls["evaluation"], staff_token(reviewer)).must("POST", f"/rounds/{rid}/{step}")
    rows = evaluation.must("GET", f"/rounds/{rid}/report")["rows"]
    bottom = [r for r in rows if r["status"] == "bottom"]
    meeting = evaluation.must(
        "POST",
        "/meetings",
        {
            "title": "2026年度联席评价会议",
            "held_on": "2026-12-20",
            "bodies": ["npc", "cppcc", "united_front"],
            "round_id": rid,
        },
    )
    for k, r in enumerate(bottom[:6]):
        decision = ("warning", "talk", "revoke_membership_recommendation")[k % 3]
        evaluation.must(
            "POST",
            f"/meetings/{meeting['id']}/decisions",
            {"person_id": r["person_id"], "decision": decision, "reason": "评价结果居末位，联席会议研究决定"},
        )
    say(
        f"  evaluation: round published, {len(rows)} ranked, {len(bottom)} in the bottom share, "
        f"{min(len(bottom), 6)} meeting decisions"
    )

    # 3. A court's violation notice through the gateway (the veto follows in evaluation).
    court = Api(urls["sharing-gateway"], api_key=agency_keys["court"])
    offender = reps[1]
    wait("the gateway to learn the representatives", lambda: gateway.call("GET", "/agencies")[0] == 200)
    signed, headers = notice_sender.signed(
        notice_sender.load((notice_keys or {})["court"]),
        {
            "specversion": "1.0",
            "id": "SGFY-2026-0001",
            "type": "cn.tongxin.notice.violation.v1",
            "source": "/court/shouguang",
            "data": {
                "id_number": offender["id_number"],
                "case_reference": "(2026)鲁0783民初1024号",
                "violation_type": "失信被执行人",
                "occurred_on": "2026-06-18",
                "authority": "寿光市人民法院",
            },
        },
    )
    court.must("POST", "/notices", raw=signed, headers=headers)
    say("  gateway: the court's violation notice sent (signed with the court's key)")

    # 4. The service desk: requests in every state, suggestions, corps, charity.
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
    summary = {
        "people": people_count,
        "representatives": len(reps),
        "round_id": rid,
        "seconds": round(time.monotonic() - began, 1),
    }
    say(f"  demo data ready in {summary['seconds']} s")
    return summary
