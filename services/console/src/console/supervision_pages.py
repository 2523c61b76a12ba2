"""The console's supervision pages (督查考核) over the supervision API: a unit's month (ranking table,
grid of tiles coloured by score, open alerts), the events behind a figure, the printable
assessment, the .xlsx report, and acknowledging an alert (editors).

Every call goes out with the signed-in user's token, so a page shows what the supervision API
allows that user (any staff role, within their unit's subtree) and no more. Parameters are checked
here first so that a mistyped month or unit gets a readable page without a call; the API checks
them again (an alert id is a UUID, so no other value reaches the API's path). Who may open each
route: ``console.access``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from flask import Response, flash, g, redirect, render_template, request, url_for

from chassis import units
from console.api import ApiError
from console.page_kit import api, blp
from console.supervision_board import (
    CST,
    EVENT_TYPE_ZH,
    LEVEL_ZH,
    MONTH,
    ROLE_ZH,
    board,
    current_month,
    default_month,
    month_label,
    segment,
    unit_tree,
)

INDICATOR = re.compile(r"[a-z_]{1,64}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_MONTH = ApiError(422, "月份格式应为 YYYY-MM，例如 2026-10", "A month is written YYYY-MM, e.g. 2026-10", "month")
BAD_UNIT = ApiError(422, "单位代码应为 12 位数字", "A unit code is 12 digits", "unit")
BAD_INDICATOR = ApiError(404, "没有该指标", "No such indicator", "indicator")
NO_ALERT = ApiError(404, "您的管辖范围内没有该预警", "No such alert in your scope")


def _month() -> str:
    month = (request.values.get("month") or "").strip() or default_month()
    if not MONTH.fullmatch(month):
        raise BAD_MONTH
    return month


def _unit() -> str:
    unit = (request.values.get("unit") or "").strip() or (g.user or {}).get("unit", "")
    if not units.is_code(unit):
        raise BAD_UNIT
    return unit


def _context(**extra) -> dict:
    return {"LEVEL_ZH": LEVEL_ZH, "ROLE_ZH": ROLE_ZH, "this_month": current_month(), **extra}


def _alert_id(value: str) -> str:
    """An alert id as the supervision API makes them (a UUID), else no alert: nothing else is sent."""
    try:
        return str(uuid.UUID(value)) if len(value) == 36 else ""
    except ValueError:
        return ""


@blp.route("/supervision")
def supervision():
    month, unit = _month(), _unit()
    view = board(api("supervision"), api("registry"), month, unit, request.args.get("alerts_cursor") or None)
    return render_template("supervision.html", **_context(b=view))


@blp.route("/supervision/print")
def supervision_print():
    """The month's assessment on A4: no navigation, the scheme's version and when it was generated."""
    month, unit = _month(), _unit()
    view = board(api("supervision"), api("registry"), month, unit)
    generated = dt.datetime.now(CST).strftime("%Y-%m-%d %H:%M")
    return render_template("supervision_print.html", **_context(b=view, generated=generated))


@blp.route("/supervision/report.xlsx")
def supervision_report():
    """The supervision API's spreadsheet of the units below ``unit``, fetched with the user's token."""
    month, unit = _month(), _unit()
    answer = api("supervision").call("GET", f"/assessments/{segment(month)}/report.xlsx", params={"within": unit})
    page = Response(answer.content, mimetype=XLSX)
    # the name from the checked month and unit only (never the upstream header as it came)
    page.headers["Content-Disposition"] = f'attachment; filename="supervision-{month}-{unit}.xlsx"'
    page.headers["Cache-Control"] = "private, no-store"
    return page


@blp.route("/supervision/events")
def supervision_events():
    """The events behind one figure of a unit (drill-down), a page at a time."""
    month, unit = _month(), _unit()
    indicator = request.args.get("indicator", "")
    if not INDICATOR.fullmatch(indicator):
        raise BAD_INDICATOR
    sv = api("supervision")
    page = sv.get(
        f"/assessments/{segment(month)}/indicators/{segment(indicator)}/events",
        unit=unit, limit=50, cursor=request.args.get("cursor") or None,
    )  # fmt: skip
    figure = next((f for f in sv.get(f"/assessments/{segment(month)}", unit=unit)["figures"]
                   if f["indicator"] == indicator), None)  # fmt: skip
    names = {u["code"]: u["name"] for u in unit_tree(api("registry"))}
    return render_template(
        "supervision_events.html",
        **_context(page=page, figure=figure, month=month, month_label=month_label(month), unit=unit,
                   names=names, EVENT_TYPE_ZH=EVENT_TYPE_ZH),
    )  # fmt: skip


@blp.route("/supervision/alerts/<alert_id>/acknowledge", methods=["POST"])
def supervision_acknowledge(alert_id):
    """Acknowledge an open alert with a note (editor); back to the page it was sent from."""
    month, unit = _month(), _unit()
    note = (request.form.get("note") or "").strip()
    if not note:
        flash("请填写处理说明 / Write a note on what is being done")
    else:
        try:
            if not (alert := _alert_id(alert_id)):
                raise NO_ALERT
            api("supervision").post(f"/alerts/{segment(alert)}/acknowledge", {"note": note})
            flash("已签收 / Acknowledged")
        except ApiError as e:
            if e.status >= 500 or e.status == 401:
                raise
            flash(f"{e.detail} / {e.detail_en}")
    return redirect(url_for("pages.supervision", month=month, unit=unit) + "#alerts")
