"""The evaluation API: index, rounds, scores, rating tokens, violations, joint meetings, reports.

Each view validates its input (``schemas``), calls one service function with the unit-of-work
factory and the caller, and shapes the answer; the service layer owns the transaction.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal, public
from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter
from evaluation.adapters.tables import rate_windows
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api import token_sheet
from evaluation.service_layer import meetings, rating_tokens, read_model, reports, rounds, scores, templates, violations

blp = Blueprint("evaluation", __name__, description="三评体系 / three-source evaluation")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ev():
    return current_app.extensions["evaluation"]


def uow():
    """The unit-of-work factory the service layer opens its transactions with."""
    return ev().uow


@blp.route("/index-templates")
class Templates(MethodView):
    @blp.response(200, s.TemplateBrief(many=True))
    def get(self):
        """Index templates and their versions (the built-in 6x20 default first)"""
        return templates.listing(uow())

    @blp.arguments(s.TemplateIn)
    @blp.response(201)
    def post(self, body):
        """Save a new template, or the next version of one (weights must add up to 1); admins only"""
        return templates.save(uow(), current_principal(), body)


@blp.route("/index-templates/<code>/<int:version>")
class Template(MethodView):
    @blp.response(200)
    def get(self, code, version):
        """One template version with its categories and items"""
        return templates.find(uow(), code, version)


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.response(200, s.RoundOut(many=True))
    def get(self):
        """Rounds you can see, newest first"""
        return rounds.listing(uow(), current_principal())

    @blp.arguments(s.RoundIn)
    @blp.response(201, s.RoundOut)
    def post(self, body):
        """Create an evaluation round (draft)"""
        return rounds.create(uow(), current_principal(), body)


@blp.route("/rounds/<round_id>")
class Round(MethodView):
    @blp.response(200, s.RoundOut)
    def get(self, round_id):
        """One round"""
        return rounds.get(uow(), current_principal(), round_id)


@blp.route("/rounds/<round_id>/<any(open,close,review,publish):action>")
class RoundTransition(MethodView):
    @blp.response(200, s.RoundOut)
    def post(self, round_id, action):
        """Move a round on: open (fixes the cohort), close (computes outcomes), review, publish"""
        return rounds.transition(uow(), current_principal(), round_id, action)


@blp.route("/rounds/<round_id>/report")
class Report(MethodView):
    @blp.response(200, s.ReportOut)
    def get(self, round_id):
        """The ranked list with every component score and flag (your scope only)"""
        return reports.report(uow(), current_principal(), round_id)


@blp.route("/rounds/<round_id>/report.xlsx")
class ReportSpreadsheet(MethodView):
    @blp.doc(responses={"200": {"description": "the report as .xlsx", "content": {XLSX: {}}}})
    def get(self, round_id):
        """The ranked list as a spreadsheet (your scope only)"""
        name, body = reports.report_xlsx(uow(), current_principal(), round_id)
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/rounds/<round_id>/people/<person_id>/official-rating")
class OfficialRating(MethodView):
    @blp.arguments(s.ScoresIn)
    @blp.response(201, s.IdOut)
    def put(self, body, round_id, person_id):
        """Give (or replace) your official rating (官评) of a person: all 20 items"""
        return {"id": scores.official(uow(), current_principal(), round_id, person_id, body["scores"])}


def _wanted(body: dict, round_id: str) -> rating_tokens.TokenRequest:
    settings = ev().settings
    return rating_tokens.TokenRequest(
        round_id,
        body["person_id"],
        body["source"],
        body["count"],
        dt.timedelta(days=settings.token_days),
        settings.public_tokens_per_member,
    )


@blp.route("/rounds/<round_id>/tokens")
class Tokens(MethodView):
    @blp.arguments(s.TokenIn)
    @blp.response(201, s.TokenOut(many=True))
    def post(self, body, round_id):
        """Issue one-time self or public rating tokens (shown once; print them as QR codes)"""
        return rating_tokens.issue_tokens(uow(), current_principal(), _wanted(body, round_id))


@blp.route("/rounds/<round_id>/token-sheet")
class TokenSheet(MethodView):
    @blp.arguments(s.TokenIn)
    @blp.doc(responses={"201": {"description": "a printable page of QR codes", "content": {"text/html": {}}}})
    def post(self, body, round_id):
        """Issue tokens as a printable sheet of QR codes (shown once)"""
        sheet = rating_tokens.token_sheet(uow(), current_principal(), _wanted(body, round_id))
        page = token_sheet.render(sheet["round"], sheet["person_name"], sheet["issued"], ev().settings.rating_form_url)
        return Response(page, status=201, mimetype="text/html")


def _limit_anonymous_client() -> str:
    """Count the request against its client's network; 429 past the limit. Returns the network."""
    origin = client_network()
    limiter = current_app.extensions.get("evaluation.rate_limiter")
    if limiter is None:
        limiter = RateLimiter(ev().engine, rate_windows, ev().settings.rate_limit_per_minute, 60)
        current_app.extensions["evaluation.rate_limiter"] = limiter
    limiter.hit(f"rate:{origin}")
    return origin


@blp.route("/rate/<token>")
class Rate(MethodView):
    @public
    @blp.response(200, s.RatingFormOut)
    def get(self, token):
        """What a token lets you rate: the person's name and the index (no account needed)"""
        _limit_anonymous_client()
        return rating_tokens.rating_form(uow(), token)

    @public
    @blp.arguments(s.PublicRatingIn)
    @blp.response(201, s.IdOut)
    def post(self, body, token):
        """Rate with a one-time token (self or public; no account needed)"""
        origin = _limit_anonymous_client()
        phone_key = ev().settings.phone_hash_key()
        result = rating_tokens.rate_with_token(uow(), token, body["scores"], body.get("phone"), origin, phone_key)
        return {"id": result["rating_id"]}


@blp.route("/people/<person_id>/violations")
class Violations(MethodView):
    @blp.arguments(s.ViolationIn)
    @blp.response(201, s.IdOut)
    def post(self, body, person_id):
        """Record a violation (违法违纪) with its evidence; vetoes the person in affected rounds"""
        return {"id": violations.staff_record(uow(), current_principal(), person_id, body)}


@blp.route("/violations/<violation_id>/rescind")
class Rescind(MethodView):
    @blp.arguments(s.RescindIn)
    @blp.response(200, s.IdOut)
    def post(self, body, violation_id):
        """Rescind a violation (e.g. on appeal); lifts the veto where it applied"""
        violations.staff_rescind(uow(), current_principal(), violation_id, body["reason"])
        return {"id": violation_id}


@blp.route("/meetings")
class Meetings(MethodView):
    @blp.arguments(s.MeetingIn)
    @blp.response(201, s.MeetingOut)
    def post(self, body):
        """Convene a joint evaluation meeting (联席评价)"""
        return meetings.create(uow(), current_principal(), body)


@blp.route("/meetings/<meeting_id>")
class Meeting(MethodView):
    @blp.response(200, s.MeetingOut)
    def get(self, meeting_id):
        """A meeting and its decisions"""
        return meetings.view(uow(), current_principal(), meeting_id)


@blp.route("/meetings/<meeting_id>/decisions")
class Decisions(MethodView):
    @blp.arguments(s.DecisionIn)
    @blp.response(201, s.DecisionOut)
    def post(self, body, meeting_id):
        """Decide on a person: retain, talk, warning or revoke (overrides need a justification)"""
        return meetings.decide(uow(), current_principal(), meeting_id, body)


@blp.route("/people/<person_id>")
class Person(MethodView):
    @blp.response(200, s.PersonOut)
    def get(self, person_id):
        """What evaluation knows of a person from the registry (its local view), in your scope"""
        return read_model.person(uow(), current_principal(), person_id)
