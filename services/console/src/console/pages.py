"""The console's pages over the registry and evaluation: dashboard, people, imports, evaluation
rounds and the public rating form (the service desk's and the gateway's: ``desk_pages``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from console.api import Api, ApiError
from console.page_kit import CATEGORY_ZH, EDITABLE, STATE_ZH, TOKEN_SHEET_CSP, api, blp

# --- dashboard ---------------------------------------------------------------------------------


@blp.route("/")
def dashboard():
    charts, problems = {}, []
    today = dt.date.today()

    def attempt(label, fn):
        try:
            fn()
        except ApiError as e:  # one unavailable figure never blanks the page
            problems.append(f"{label}：{e.detail}")

    def people():
        stats = api("registry").get("/statistics/categories")
        totals = Counter()
        for row in stats["rows"]:
            # null: a community's small count the registry withholds from viewers; left out of sums
            totals.update({k: v for k, v in row["counts"].items() if v is not None})
        charts["categories"] = [[CATEGORY_ZH.get(k, k), v] for k, v in totals.most_common()]
        charts["units"] = [[row["unit_name"], sum(v or 0 for v in row["counts"].values())] for row in stats["rows"]][
            :20
        ]
        charts["active_people"] = stats["active_people"]

    def bodies():
        charts["bodies"] = [
            [f"{b['body']}·{b['level']}", b["count"]] for b in api("registry").get("/statistics/representatives")
        ]

    def scores():
        rounds = api("evaluation").get("/rounds")
        done = [r for r in rounds if r["state"] in ("scoring_closed", "reviewed", "published")]
        if done:
            rows = api("evaluation").get(f"/rounds/{done[0]['id']}/report")["rows"]
            bins = Counter(min(9, int(float(r["composite"]) // 10)) for r in rows if r["composite"])
            charts["scores"] = {
                "round": done[0]["name"],
                "bins": [[f"{b * 10}–{b * 10 + 9}", bins.get(b, 0)] for b in range(5, 10)],
            }

    def requests_by_state():
        items = api("servicedesk").get("/requests", limit=500)["items"]
        charts["states"] = [[STATE_ZH[s], n] for s, n in Counter(i["state"] for i in items).items()]
        charts["sla"] = [["按时", sum(not i["breached"] for i in items)], ["超时", sum(i["breached"] for i in items)]]

    def monthly():
        months = []
        for m in range(1, today.month + 1):
            start = dt.date(today.year, m, 1)
            end = dt.date(today.year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
            s = api("servicedesk").get("/statistics", **{"from": start.isoformat(), "to": end.isoformat()})
            months.append([f"{m}月", s["volunteering"]["people_served"], float(s["charity"]["total_yuan"])])
        charts["monthly"] = months

    for label, fn in (
        ("登记", people),
        ("代表人士", bodies),
        ("评价", scores),
        ("诉求", requests_by_state),
        ("统计", monthly),
    ):
        attempt(label, fn)
    # The template serialises the figures with tojson into a JSON data block: names that users
    # typed (units, rounds) can never close the block or run as script.
    return render_template("dashboard.html", charts=charts, problems=problems)


# --- people --------------------------------------------------------------------------------


@blp.route("/people")
def people():
    args = {k: request.args.get(k) for k in ("q", "text", "category", "unit", "cursor")}
    page = api("registry").get("/people", limit=50, **args) if any(args.values()) else None
    return render_template("people.html", page=page, args=args)


@blp.route("/people/<pid>")
def person(pid):
    reg = api("registry")
    return render_template("person.html", p=reg.get(f"/people/{pid}"), history=reg.get(f"/people/{pid}/history"))


@blp.route("/people/<pid>/edit", methods=["GET", "POST"])
def edit_person(pid):
    reg = api("registry")
    response = reg.call("GET", f"/people/{pid}")
    p, etag, errors = response.json(), response.headers.get("ETag"), {}
    if request.method == "POST":
        changes = {k: (request.form.get(k) or None) for k in EDITABLE if (request.form.get(k) or None) != p.get(k)}
        if changes.get("name") is None:
            changes.pop("name", None)
        try:
            reg.patch(f"/people/{pid}", changes, headers={"If-Match": request.form["etag"]})
            flash("已保存 / Saved")
            return redirect(url_for("pages.person", pid=pid))
        except ApiError as e:
            if e.status not in (409, 412, 422):
                raise
            errors = {"_": e.detail + " / " + e.detail_en}
            for err in e.errors or []:
                errors[err.get("field") or "_"] = err.get("message") or err.get("message_en")
            if e.field:
                errors[e.field] = e.detail
            p.update(changes)
    return render_template("person_form.html", p=p, etag=etag, errors=errors, fields=EDITABLE)


# --- imports -------------------------------------------------------------------------------


@blp.route("/imports", methods=["GET", "POST"])
def imports():
    if request.method == "POST":
        upload = request.files.get("file")
        if not upload or not upload.filename:
            flash("请选择文件 / Choose a file")
            return redirect(url_for("pages.imports"))
        r = api("registry").call(
            "POST", "/imports", params={"mode": request.form.get("mode", "dry_run")},
            files={"file": (upload.filename, upload.read())},
        )  # fmt: skip
        return redirect(url_for("pages.import_job", job_id=r.json()["id"]))
    return render_template("imports.html")


@blp.route("/imports/<job_id>")
def import_job(job_id):
    return render_template("import_job.html", job=api("registry").get(f"/imports/{job_id}"))


@blp.route("/imports/<job_id>/status")
def import_status(job_id):
    job = api("registry").get(f"/imports/{job_id}")
    return {k: job.get(k) for k in ("state", "progress", "processed_rows", "total_rows", "error_count")}


# --- evaluation ----------------------------------------------------------------------------


@blp.route("/rounds", methods=["GET", "POST"])
def rounds():
    ev = api("evaluation")
    if request.method == "POST":
        body = {k: request.form[k] for k in ("name", "starts_on", "ends_on")}
        if request.form.get("bottom_share"):
            body["bottom_share"] = request.form["bottom_share"]
        created = ev.post("/rounds", body)
        return redirect(url_for("pages.round_page", round_id=created["id"]))
    return render_template("rounds.html", rounds=ev.get("/rounds"))


@blp.route("/rounds/<round_id>", methods=["GET", "POST"])
def round_page(round_id):
    ev = api("evaluation")
    if request.method == "POST":
        ev.post(f"/rounds/{round_id}/{request.form['action']}")
        flash("已完成 / Done")
        return redirect(url_for("pages.round_page", round_id=round_id))
    r = ev.get(f"/rounds/{round_id}")
    report = ev.get(f"/rounds/{round_id}/report") if r["state"] != "draft" else {"rows": []}
    return render_template("round.html", r=r, rows=report["rows"])


@blp.route("/rounds/<round_id>/token-sheet", methods=["POST"])
def token_sheet(round_id):
    body = {
        "person_id": request.form["person_id"],
        "source": request.form["source"],
        "count": int(request.form["count"]),
    }
    sheet = api("evaluation").call("POST", f"/rounds/{round_id}/token-sheet", json=body)
    page = Response(sheet.content, mimetype="text/html")
    # A print-out from evaluation with its own <style> and inline SVG codes: styles may be
    # inline here, and nothing may run, load or be sent.
    page.headers["Content-Security-Policy"] = TOKEN_SHEET_CSP
    page.headers["Cache-Control"] = "no-store"  # the tokens are shown once
    return page


@blp.route("/rate/<token>", methods=["GET", "POST"])
def rate(token):
    """The public rating form: no sign-in, works on a phone."""
    ev = Api(current_app.extensions["console"].evaluation_url, None)
    # the client as resolved through this console's own trusted proxies (TRUSTED_PROXY_HOPS);
    # evaluation trusts exactly one hop: this console
    forwarded = {"X-Forwarded-For": request.remote_addr or ""}
    try:
        form = ev.call("GET", f"/rate/{token}", headers=forwarded).json()
    except ApiError as e:
        return render_template("rate.html", error=e, form=None), e.status
    error = None
    if request.method == "POST":
        scores = {k.removeprefix("item_"): v for k, v in request.form.items() if k.startswith("item_")}
        try:
            ev.call(
                "POST", f"/rate/{token}", json={"scores": scores, "phone": request.form.get("phone")}, headers=forwarded
            )
            return render_template("rate.html", done=True, form=form)
        except ApiError as e:
            error = e
    return render_template("rate.html", form=form, error=error)


# --- service desk --------------------------------------------------------------------------
