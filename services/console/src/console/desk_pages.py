"""The console's pages over the service desk and the sharing gateway: the request queue and a
request's page, suggestions, corps and charity, and the gateway's agencies, policies and ledger."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for

from console.api import ApiError
from console.page_kit import api, blp


@blp.route("/requests")
def requests_queue():
    state = request.args.get("state")
    page = api("servicedesk").get("/requests", state=state, limit=200)
    now = dt.datetime.now(dt.UTC)
    for item in page["items"]:
        due = item.get("resolution_due_at") or item.get("response_due_at")
        item["hours_left"] = round((dt.datetime.fromisoformat(due) - now).total_seconds() / 3600, 1) if due else None
    return render_template("requests.html", page=page, state=state)


@blp.route("/requests/<rid>", methods=["GET", "POST"])
def request_page(rid):
    desk = api("servicedesk")
    if request.method == "POST":
        body = {"note": request.form.get("note") or None}
        if request.form.get("satisfaction"):
            body["satisfaction"] = int(request.form["satisfaction"])
        try:
            desk.post(f"/requests/{rid}/{request.form['action']}", body)
            flash("已更新 / Updated")
        except ApiError as e:
            if e.status >= 500:
                raise
            flash(f"{e.detail} / {e.detail_en}")
        return redirect(url_for("pages.request_page", rid=rid))
    return render_template("request.html", r=desk.get(f"/requests/{rid}"))


@blp.route("/suggestions")
def suggestions():
    return render_template("suggestions.html", page=api("servicedesk").get("/suggestions", limit=100))


@blp.route("/community", methods=["GET", "POST"])
def community():
    desk = api("servicedesk")
    if request.method == "POST":
        form = request.form
        body = {"donor_person_id": form["donor_person_id"], "kind": form["kind"], "value_yuan": form["value_yuan"],
                "donated_on": form["donated_on"], "goods": form.get("goods") or None}  # fmt: skip
        try:
            desk.post(f"/charity/projects/{form['project_id']}/donations", body)
            flash("已记录捐赠 / Donation recorded")
        except ApiError as e:
            if e.status >= 500:
                raise
            flash(f"{e.detail} / {e.detail_en}")
        return redirect(url_for("pages.community"))
    return render_template(
        "community.html", projects=desk.get("/charity/projects"), activities=desk.get("/activities", limit=50)["items"]
    )


# --- sharing gateway -----------------------------------------------------------------------


@blp.route("/gateway")
def gateway():
    gw = api("gateway")
    try:
        verdict = gw.get("/ledger/verify")
    except ApiError as e:  # the chain is one for every agency: below the county, staff see their part only
        if e.status != 403:
            raise
        verdict = None
    return render_template(
        "gateway.html",
        agencies=gw.get("/agencies"),
        policies=gw.get("/policies"),
        ledger=gw.get("/ledger", limit=50),
        verdict=verdict,
    )
