"""Demo data for ``make run``, generated deterministically and sent through the real APIs.

Shouguang's registry (about 23,000 people across its towns and sub-districts, valid ID
numbers, category memberships) goes in as one spreadsheet import; 300 representatives
(CPPCC members, NPC deputies, chamber officers) are registered one by one. Everything
else follows from the events: evaluation and the service desk learn the people from
Kafka. Then a finished evaluation round (official, self and public ratings, published)
with a joint meeting's decisions (a revocation the registry then holds against re-adding the
role), a court's violation notice and the CPPCC's membership-ended notice through the gateway, service
requests in every state, suggestions, the volunteer corps' branches and activities, charity
projects with donations (one completed), members' resource offers, a matchmaking event with
its outcomes, study materials with an assignment and its study records, and representatives'
responsible cadres with their follow-ups, and stability reports (one severe, closed by the police's notices).

Run by ``make run`` (``Platform.seed_demo_data``, in ``demo_credentials``, calls ``seed``) with access tokens
from its Keycloak: the demo seeder's client credentials and two demo reviewers' accounts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from demo_api import Api, wait
from demo_community import seed_community
from demo_contacts import seed_contacts
from demo_education import seed_education
from demo_people import People, multipart, registry_workbook, units
from demo_qualification import ineligibility, say_figures
from demo_servicedesk import seed_servicedesk
from demo_stability import seed_stability
from sharing_gateway import notice_sender


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
        p["vetting_basis"] = "2021年换届人选考察合格（统战部部务会审议）"  # 凡进必评
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
            {"person_id": r["person_id"], "decision": decision, "reason": "评价结果居末位，联席会议研究决定"}
            | ineligibility(decision),
        )
    say(
        f"  evaluation: round published, {len(rows)} ranked, {len(bottom)} in the bottom share, "
        f"{min(len(bottom), 6)} meeting decisions"
    )
    say_figures(evaluation, 2026, say)

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
    # The CPPCC ends a member's membership: the registry removes the role, the notice its source.
    leaving = reps[3]  # a CPPCC member (every third representative)
    signed, headers = notice_sender.signed(
        notice_sender.load((notice_keys or {})["cppcc"]),
        {
            "specversion": "1.0",
            "id": "SGZX-2026-0001",
            "type": "cn.tongxin.notice.membership_ended.v1",
            "source": "/cppcc/shouguang",
            "data": {
                "id_number": leaving["id_number"],
                "body": "cppcc",
                "level": "county",
                "effective_on": "2026-12-01",
            },
        },
    )
    Api(urls["sharing-gateway"], api_key=agency_keys["cppcc"]).must("POST", "/notices", raw=signed, headers=headers)
    say("  gateway: the CPPCC's membership-ended notice sent (the registry drops the role)")

    seed_servicedesk(desk, reps, villages, towns, rnd, say)
    seed_community(desk, reps, say)
    seed_contacts(registry, reps, say)
    seed_education(desk, reps, say)
    police = Api(urls["sharing-gateway"], api_key=agency_keys["public_security"])
    seed_stability(desk, police, (notice_keys or {})["public_security"], reps, say)
    summary = {
        "people": people_count,
        "representatives": len(reps),
        "round_id": rid,
        "seconds": round(time.monotonic() - began, 1),
    }
    say(f"  demo data ready in {summary['seconds']} s")
    return summary
