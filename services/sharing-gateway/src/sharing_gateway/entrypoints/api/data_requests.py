"""Data requests (申请–答复): agencies apply for catalogue items and follow their requests with their
API key; gateway admins review and answer them with a staff token (an approval or narrowing is
carried out by a second gateway admin: ``POST /admin-requests/{id}/approve``). An agency sees only its
own requests; staff only those of agencies whose region lies in their unit's subtree."""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.errors import InvalidInput
from chassis.http import current_principal, public, token_optional
from sharing_gateway.entrypoints.api.common import agency_key_first, agency_key_or_staff_token, gw
from sharing_gateway.entrypoints.api.schemas import DataRequestIn, DataRequestOut, DecisionIn, InformationIn, QuestionIn
from sharing_gateway.service_layer import data_answers, data_requests

blp = Blueprint("data_requests", __name__, description="数据申请与答复 / data requests (API key or staff JWT)")

IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": "the same key again returns the request it made (200) instead of making another",
}


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInput("Idempotency-Key 须为1至100个字符", "Idempotency-Key must be 1 to 100 characters")
    return key


@blp.route("/data-requests")
class DataRequests(MethodView):
    @public
    @agency_key_first
    @blp.doc(parameters=[IDEMPOTENCY])
    @blp.arguments(DataRequestIn)
    @blp.response(201, DataRequestOut)
    def post(self, body):
        """Apply for catalogue items (agencies): not_shared items refuse the application (422, naming them);
        items you already receive are pointed out (`already_granted`); unconditional ones are granted at once
        (`granted_at_once`); conditional ones wait for the answer (`due_at`: 2 working days for the review,
        then 5 for the answer, counted from the application; paused while we wait for your information)"""
        made, new = data_requests.apply(gw().uow, gw().policies, gw().calendar, g.agency, body, _idempotency_key())
        return made, 201 if new else 200

    @token_optional
    @agency_key_or_staff_token
    @blp.response(200, DataRequestOut(many=True))
    def get(self):
        """Your agency's requests (API key), or those of the agencies of your region (staff: admin, auditor,
        gateway_admin), newest first; `escalated` names the deadlines a request missed"""
        if g.agency is None:
            return data_answers.visible(gw().uow, gw().policies, gw().calendar, current_principal())
        return data_requests.own(gw().uow, gw().calendar, g.agency)


@blp.route("/data-requests/<request_id>")
class DataRequest(MethodView):
    @token_optional
    @agency_key_or_staff_token
    @blp.response(200, DataRequestOut)
    def get(self, request_id):
        """One request: yours (API key), or of an agency of your region (staff); any other is 404"""
        if g.agency is None:
            return data_answers.visible(gw().uow, gw().policies, gw().calendar, current_principal(), request_id)
        return data_requests.own(gw().uow, gw().calendar, g.agency, request_id)


@blp.route("/data-requests/<request_id>/information")
class Information(MethodView):
    @public
    @agency_key_first
    @blp.arguments(InformationIn)
    @blp.response(200, DataRequestOut)
    def post(self, body, request_id):
        """Answer the gateway admin's question (agencies): the request's clock runs again with what is left"""
        return data_requests.supply_information(
            gw().uow, gw().policies, gw().calendar, g.agency, request_id, body["information"]
        )


@blp.route("/data-requests/<request_id>/review")
class Review(MethodView):
    @blp.response(200, DataRequestOut)
    def post(self, request_id):
        """The compliance review passed (受理/合规审查, gateway_admin): the answer's deadline runs"""
        principal = current_principal()
        return data_answers.act(gw().uow, gw().policies, gw().calendar, principal, request_id, "review", {})


@blp.route("/data-requests/<request_id>/information-requests")
class Question(MethodView):
    @blp.arguments(QuestionIn)
    @blp.response(200, DataRequestOut)
    def post(self, body, request_id):
        """Ask the agency for more information (gateway_admin): the clock pauses until it answers"""
        principal = current_principal()
        return data_answers.act(gw().uow, gw().policies, gw().calendar, principal, request_id, "ask_information", body)


@blp.route("/data-requests/<request_id>/decision")
class Decision(MethodView):
    @blp.arguments(DecisionIn)
    @blp.response(200, DataRequestOut)
    def post(self, body, request_id):
        """Answer a reviewed request (gateway_admin): `refuse` with `reason_zh` (nothing changes), or `approve`
        or `narrow` (fewer `items`, a smaller `region`, an earlier `ends_on`), which a second gateway admin
        carries out (`admin_request_id`, `POST /admin-requests/{id}/approve`): a new policy version"""
        if body["outcome"] == "refuse" and not body.get("reason_zh"):
            raise InvalidInput("拒绝须说明理由（中文）", "A refusal needs a reason (reason_zh)")
        return data_answers.decide(gw().uow, gw().policies, gw().calendar, current_principal(), request_id, body)
