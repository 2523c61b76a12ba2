"""The evaluation API: index, rounds, scores, rating tokens, violations, joint meetings, reports."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from chassis.contracts import UNIT_CODE, FullMatch
from chassis.http import current_principal, public
from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter
from evaluation.adapters.tables import rate_windows
from evaluation.domain.scoring import MISSING_RULES
from evaluation.entrypoints.api import token_sheet
from evaluation.service_layer import meetings, read_model, rounds, scores, templates, violations
from evaluation.service_layer.meetings import EVENT_FOR

blp = Blueprint("evaluation", __name__, description="三评体系 / three-source evaluation")
UNIT = UNIT_CODE
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ev():
    return current_app.extensions["evaluation"]


class Tx:
    """One transaction per request: ``with Tx() as session``."""

    def __enter__(self) -> Session:
        self.session = Session(ev().engine)
        self.session.begin()
        return self.session

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()


class RoundIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    scope_unit = fields.String(validate=UNIT)
    categories = fields.List(fields.String(), load_default=list)
    bodies = fields.List(fields.String(), load_default=list)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    deadline = fields.AwareDateTime(load_default=None, allow_none=True)
    source_weights = fields.Dict(
        keys=fields.String(),
        values=fields.Decimal(),
        load_default=lambda: {"official": "0.5", "self": "0.2", "public": "0.3"},
    )
    missing_source = fields.String(load_default="renormalise", validate=validate.OneOf(MISSING_RULES))
    bottom_share = fields.Decimal(load_default=None, allow_none=True)
    bottom_count = fields.Integer(load_default=None, allow_none=True)
    template_code = fields.String(
        load_default=None, allow_none=True, metadata={"description": "default: the built-in 6x20 index"}
    )
    template_version = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "default: the template's latest version"}
    )


class RoundOut(Schema):
    id = fields.String()
    name = fields.String()
    scope_unit = fields.String()
    state = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    deadline = fields.DateTime(allow_none=True)
    policy = fields.Dict()
    cohort_filter = fields.Dict()
    template = fields.Dict()
    version = fields.Integer()
    reviewed_by = fields.String(allow_none=True)


class DecisionBrief(Schema):
    body = fields.String()
    decision = fields.String()
    held_on = fields.Date()


class ReportRow(Schema):
    person_id = fields.String()
    name = fields.String()
    unit_code = fields.String()
    official = fields.Decimal(as_string=True, allow_none=True)
    self_score = fields.Decimal(as_string=True, allow_none=True, data_key="self")
    public = fields.Decimal(as_string=True, allow_none=True)
    composite = fields.Decimal(as_string=True, allow_none=True)
    rank = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "ranked, bottom (末位), vetoed (一票否决) or incomplete"})
    decisions = fields.List(fields.Nested(DecisionBrief))


class ReportOut(Schema):
    round = fields.Nested(RoundOut)
    rows = fields.List(fields.Nested(ReportRow))


class ItemIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1))
    max_score = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class CategoryIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1))
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=50))


class TemplateIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    categories = fields.List(fields.Nested(CategoryIn), required=True, validate=validate.Length(min=1, max=20))


class TemplateBrief(Schema):
    code = fields.String()
    version = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime(allow_none=True)


class ScoresIn(Schema):
    scores = fields.Dict(keys=fields.String(), values=fields.Decimal(), required=True)


class TokenIn(Schema):
    person_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["self", "public"]))
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=500))


class TokenOut(Schema):
    token = fields.String()
    source = fields.String()
    person_id = fields.String()
    expires_at = fields.DateTime()
    rate_url = fields.String()


class PublicRatingIn(ScoresIn):
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))


class ViolationIn(Schema):
    case_reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    violation_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_on = fields.Date(required=True)
    authority = fields.String(required=True, validate=validate.Length(min=1, max=200))
    evidence_ref = fields.String(required=True, validate=validate.Length(min=1, max=300))


class RescindIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class IdOut(Schema):
    id = fields.String()


class MeetingIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True)
    bodies = fields.List(
        fields.String(validate=validate.OneOf(["npc", "cppcc", "united_front", "discipline", "other"])),
        required=True,
        validate=validate.Length(min=1),
    )
    round_id = fields.String(load_default=None, allow_none=True)


class DecisionIn(Schema):
    person_id = fields.String(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(list(EVENT_FOR)))
    body = fields.String(
        load_default="cppcc", validate=validate.OneOf(["npc", "cppcc", "chamber", "democratic_party", "other"])
    )
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    override_justification = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class DecisionOut(Schema):
    id = fields.String()
    person_id = fields.String()
    decision = fields.String()
    body = fields.String()
    reason = fields.String()
    computed_status = fields.String(allow_none=True)
    override_justification = fields.String(allow_none=True)
    decided_by = fields.String()
    decided_at = fields.DateTime()


class MeetingOut(Schema):
    id = fields.String()
    title = fields.String()
    held_on = fields.Date()
    bodies = fields.List(fields.String())
    round_id = fields.String(allow_none=True)
    decisions = fields.List(fields.Nested(DecisionOut))


@blp.route("/index-templates")
class Templates(MethodView):
    @blp.response(200, TemplateBrief(many=True))
    def get(self):
        """Index templates and their versions (the built-in 6x20 default first)"""
        with Tx() as s:
            return templates.listing(s)

    @blp.arguments(TemplateIn)
    @blp.response(201)
    def post(self, body):
        """Save a new template, or the next version of one (weights must add up to 1); admins only"""
        with Tx() as s:
            return templates.save(s, current_principal(), body)


@blp.route("/index-templates/<code>/<int:version>")
class Template(MethodView):
    @blp.response(200)
    def get(self, code, version):
        """One template version with its categories and items"""
        with Tx() as s:
            return templates.template_to_json(templates.find(s, code, version))


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.response(200, RoundOut(many=True))
    def get(self):
        """Rounds you can see, newest first"""
        with Tx() as s:
            return rounds.listing(s, current_principal())

    @blp.arguments(RoundIn)
    @blp.response(201, RoundOut)
    def post(self, body):
        """Create an evaluation round (draft)"""
        with Tx() as s:
            round_id = rounds.create(s, current_principal(), body)
            return rounds.get(s, current_principal(), round_id)


@blp.route("/rounds/<round_id>")
class Round(MethodView):
    @blp.response(200, RoundOut)
    def get(self, round_id):
        """One round"""
        with Tx() as s:
            return rounds.get(s, current_principal(), round_id)


@blp.route("/rounds/<round_id>/<any(open,close,review,publish):action>")
class RoundTransition(MethodView):
    @blp.response(200, RoundOut)
    def post(self, round_id, action):
        """Move a round on: open (fixes the cohort), close (computes outcomes), review, publish"""
        with Tx() as s:
            return rounds.transition(s, current_principal(), round_id, action)


@blp.route("/rounds/<round_id>/report")
class Report(MethodView):
    @blp.response(200, ReportOut)
    def get(self, round_id):
        """The ranked list with every component score and flag (your scope only)"""
        with Tx() as s:
            return rounds.report(s, current_principal(), round_id)


@blp.route("/rounds/<round_id>/report.xlsx")
class ReportSpreadsheet(MethodView):
    @blp.doc(responses={"200": {"description": "the report as .xlsx", "content": {XLSX: {}}}})
    def get(self, round_id):
        """The ranked list as a spreadsheet (your scope only)"""
        with Tx() as s:
            name, body = rounds.report_xlsx(s, current_principal(), round_id)
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/rounds/<round_id>/people/<person_id>/official-rating")
class OfficialRating(MethodView):
    @blp.arguments(ScoresIn)
    @blp.response(201, IdOut)
    def put(self, body, round_id, person_id):
        """Give (or replace) your official rating (官评) of a person: all 20 items"""
        with Tx() as s:
            return {"id": scores.official(s, current_principal(), round_id, person_id, body["scores"])}


@blp.route("/rounds/<round_id>/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut(many=True))
    def post(self, body, round_id):
        """Issue one-time self or public rating tokens (shown once; print them as QR codes)"""
        with Tx() as s:
            return _issue(s, body, round_id)


def _issue(s: Session, body: dict, round_id: str) -> list[dict]:
    return scores.issue_tokens(
        s,
        current_principal(),
        round_id,
        body["person_id"],
        body["source"],
        body["count"],
        dt.timedelta(days=ev().settings.token_days),
        ev().settings.public_tokens_per_member,
    )


@blp.route("/rounds/<round_id>/token-sheet")
class TokenSheet(MethodView):
    @blp.arguments(TokenIn)
    @blp.doc(responses={"201": {"description": "a printable page of QR codes", "content": {"text/html": {}}}})
    def post(self, body, round_id):
        """Issue tokens as a printable sheet of QR codes (shown once)"""
        with Tx() as s:
            issued = _issue(s, body, round_id)
            r = rounds.get(s, current_principal(), round_id)
            person = scores.member(s, round_id, body["person_id"])
        page = token_sheet.render(r, person["name"], issued, ev().settings.rating_form_url)
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


class RatingFormOut(Schema):
    round_name = fields.String()
    person_name = fields.String()
    source = fields.String()
    expires_at = fields.DateTime()
    template = fields.Dict()


@blp.route("/rate/<token>")
class Rate(MethodView):
    @public
    @blp.response(200, RatingFormOut)
    def get(self, token):
        """What a token lets you rate: the person's name and the index (no account needed)"""
        _limit_anonymous_client()
        with Tx() as s:
            return scores.rating_form(s, token)

    @public
    @blp.arguments(PublicRatingIn)
    @blp.response(201, IdOut)
    def post(self, body, token):
        """Rate with a one-time token (self or public; no account needed)"""
        origin = _limit_anonymous_client()
        with Tx() as s:
            result = scores.rate_with_token(
                s, token, body["scores"], body.get("phone"), origin, ev().settings.phone_hash_key()
            )
        return {"id": result["rating_id"]}


@blp.route("/people/<person_id>/violations")
class Violations(MethodView):
    @blp.arguments(ViolationIn)
    @blp.response(201, IdOut)
    def post(self, body, person_id):
        """Record a violation (违法违纪) with its evidence; vetoes the person in affected rounds"""
        with Tx() as s:
            return {"id": violations.staff_record(s, current_principal(), person_id, body)}


@blp.route("/violations/<violation_id>/rescind")
class Rescind(MethodView):
    @blp.arguments(RescindIn)
    @blp.response(200, IdOut)
    def post(self, body, violation_id):
        """Rescind a violation (e.g. on appeal); lifts the veto where it applied"""
        with Tx() as s:
            violations.staff_rescind(s, current_principal(), violation_id, body["reason"])
        return {"id": violation_id}


@blp.route("/meetings")
class Meetings(MethodView):
    @blp.arguments(MeetingIn)
    @blp.response(201, MeetingOut)
    def post(self, body):
        """Convene a joint evaluation meeting (联席评价)"""
        with Tx() as s:
            meeting_id = meetings.create(s, current_principal(), body)
            return meetings.view(s, current_principal(), meeting_id)


@blp.route("/meetings/<meeting_id>")
class Meeting(MethodView):
    @blp.response(200, MeetingOut)
    def get(self, meeting_id):
        """A meeting and its decisions"""
        with Tx() as s:
            return meetings.view(s, current_principal(), meeting_id)


@blp.route("/meetings/<meeting_id>/decisions")
class Decisions(MethodView):
    @blp.arguments(DecisionIn)
    @blp.response(201, DecisionOut)
    def post(self, body, meeting_id):
        """Decide on a person: retain, talk, warning or revoke (overrides need a justification)"""
        with Tx() as s:
            return meetings.decide(s, current_principal(), meeting_id, body)


class PersonOut(Schema):
    person_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    unit_code = fields.String()
    status = fields.String()
    categories = fields.List(fields.String())
    representative_roles = fields.List(fields.Dict())
    is_representative = fields.Boolean()


@blp.route("/people/<person_id>")
class Person(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        """What evaluation knows of a person from the registry (its local view), in your scope"""
        with Tx() as s:
            return read_model.person(s, current_principal(), person_id)
