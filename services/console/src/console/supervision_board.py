"""What the supervision page (督查考核) shows of a unit and a month, put together from the supervision
API as the signed-in user reads it: the unit's own figures and score, the ranking of the units one
level below (a county's towns, a town's communities) with each unit's figures, and the open alerts
of the unit's subtree. Unit names come from the registry's unit tree (the caller's scope).

Nothing is computed here that the API did not answer: a figure the API withholds or could not
measure is ``None`` and shows as "未计量" (grey on the grid), never as 0. Units of the tree that the
ranking does not name (no event of the month placed there) are listed after it, unranked, as the
API assesses them (a unit with nothing of the month is not measured there too: one answer on both
pages). Times are Beijing's (``i18n.beijing_time``); event types read by their catalogue names.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import quote

from chassis import units
from chassis.catalogue import DECLARATIONS
from console.api import Api, ApiError
from console.i18n import CST

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
CHILD_LEVEL = {"county": "town", "town": "village"}
LEVEL_ZH = {"county": "县（市、区）", "town": "镇（街道）", "village": "社区（村）"}
ROLE_ZH = {"counted": "计入", "met": "达标", "missed": "未达标", "value": "取值"}
#: Units whose figures are fetched at once (each is one call to the supervision API).
PARALLEL = 4
ALERTS_PAGE = 50
#: Each event type's Chinese name, as the data catalogue names it (``chassis.catalogue``).
EVENT_TYPE_ZH = {kind: name for d in DECLARATIONS for kind, name in d.event_names_zh.items()}
NOT_A_SEGMENT = ApiError(404, "没有该对象", "No such object")


def default_month(now: dt.datetime | None = None) -> str:
    """The last month that has ended, in Beijing."""
    today = (now or dt.datetime.now(dt.UTC)).astimezone(CST).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def current_month(now: dt.datetime | None = None) -> str:
    """The month in progress, in Beijing: the last one the supervision assesses."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(CST).strftime("%Y-%m")


def month_label(month: str) -> str:
    return f"{month[:4]}年{int(month[5:])}月" if MONTH.fullmatch(month) else month


def segment(value: str) -> str:
    """A value placed in an API path: one segment, whatever it holds (``../`` cannot climb: ``/`` is
    escaped, and ``.`` and ``..``, which an HTTP client removes as dot segments, are no object)."""
    if value in ("", ".", ".."):
        raise NOT_A_SEGMENT
    return quote(value, safe="")


def unit_tree(registry: Api) -> list[dict]:
    """The caller's units (registry: the caller's scope), or [] when the registry does not answer."""
    try:
        return [u for u in registry.get("/units") if not u.get("retired_at")]
    except ApiError:
        return []


def _figures_by_indicator(assessment: dict) -> dict[str, dict]:
    return {f["indicator"]: f for f in assessment["figures"]}


def _row(place: dict, assessment: dict | None, name: str) -> dict:
    return {
        "code": place["unit_code"],
        "name": name,
        "rank": place.get("rank"),
        "index": place.get("index"),
        "points": place.get("points"),
        "out_of": place.get("out_of"),
        "figures": _figures_by_indicator(assessment) if assessment else {},
    }


def _unranked(unit_code: str, assessment: dict) -> dict:
    """A unit the ranking does not name, placed as the API assessed it (unranked)."""
    score = assessment["score"]
    return {"unit_code": unit_code, "index": score["index"], "points": score["points"], "out_of": score["out_of"]}


def ranking_rows(sv: Api, month: str, unit: str, tree: list[dict]) -> list[dict]:
    """The units one level below ``unit``: ranked ones first, in the API's order, each with its
    figures; then the units of the tree the ranking does not name, unranked, each as the API
    assesses it (nothing of the month: not measured)."""
    if CHILD_LEVEL.get(units.level(unit)) is None:
        return []
    names = {u["code"]: u["name"] for u in tree}
    ranking = sv.get(f"/rankings/{segment(month)}", within=unit)
    places = ranking["items"]
    ranked = {p["unit_code"] for p in places}
    unranked = [
        u["code"] for u in sorted(tree, key=lambda u: u["code"])
        if u.get("parent_code") == unit and units.level(u["code"]) == CHILD_LEVEL[units.level(unit)]
        and u["code"] not in ranked
    ]  # fmt: skip
    codes = [p["unit_code"] for p in places] + unranked
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        found = list(pool.map(lambda code: sv.get(f"/assessments/{segment(month)}", unit=code), codes))
    places += [_unranked(code, a) for code, a in zip(unranked, found[len(places) :], strict=True)]
    return [_row(p, a, names.get(p["unit_code"], p["unit_code"])) for p, a in zip(places, found, strict=True)]


def open_alerts(sv: Api, unit: str, cursor: str | None) -> dict:
    return sv.get("/alerts", unit=unit, state="open", limit=ALERTS_PAGE, cursor=cursor)


def unmeasured_sections(sv: Api, assessment: dict) -> list[dict]:
    """The scheme's weight no event can measure yet (学习宣传 30, GET /scheme), section by section, so
    a unit's figures add up to the scheme's 100; [] when the month was scored under another version
    than the one served."""
    scheme = sv.get("/scheme")
    if scheme["version"] != assessment["scheme"]["version"]:
        return []
    return [
        {"name_zh": s["name_zh"], "name_en": s["name_en"], "weight": weight, "reason": s["unmeasured"]}
        for s in scheme["sections"]
        if (weight := Decimal(s["weight"]) - Decimal(s["measured_weight"])) > 0
    ]


def board(sv: Api, registry: Api, month: str, unit: str, alerts_cursor: str | None = None) -> dict:
    """Everything the page shows. The unit's assessment comes first: a month or unit the API
    refuses (bad month, a unit outside the caller's subtree) is its error, before anything else."""
    assessment = sv.get(f"/assessments/{segment(month)}", unit=unit)
    tree = unit_tree(registry)
    names = {u["code"]: u["name"] for u in tree}
    problems = [] if tree else ["单位名称暂时无法获取，以代码显示 / Unit names unavailable; codes shown"]
    rows = ranking_rows(sv, month, unit, tree)
    try:
        alerts = open_alerts(sv, unit, alerts_cursor)
    except ApiError as e:  # the ranking stands without the task list
        alerts = {"items": [], "next_cursor": None}
        problems.append(f"督查预警：{e.detail} / {e.detail_en}")
    return {
        "month": month,
        "month_label": month_label(month),
        "unit": unit,
        "unit_name": names.get(unit, unit),
        "level": units.level(unit),
        "child_level": CHILD_LEVEL.get(units.level(unit)),
        "assessment": assessment,
        "columns": assessment["figures"],
        "score_items": {i["indicator"]: i for i in assessment["score"]["items"]},
        "unmeasured": unmeasured_sections(sv, assessment),
        "rows": rows,
        "tiles": [{"code": r["code"], "name": r["name"], "index": r["index"], "rank": r["rank"]} for r in rows],
        "alerts": alerts,
        "names": names,
        "problems": problems,
    }
