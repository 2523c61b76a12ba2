"""Staff on agencies' feeds: status, pause and resume, and asking for keys (issue, revoke,
notice keys) and policy activation, which a second gateway admin approves.
Every read shows only the agencies whose policy region lies in the caller's unit's subtree
(``agencies.visible``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.entrypoints.api.schemas import AdminRequestOut, AgencyOut, NoticeKeyIn, PauseIn
from sharing_gateway.service_layer import administration, approvals

blp = Blueprint("agencies", __name__, description="机构与密钥 / agencies, feeds and keys (staff JWT)")


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.response(200, AgencyOut(many=True))
    def get(self):
        """Each agency's feed: head, acknowledged sequence, lag, held events, paused, policy version"""
        return administration.feed_status(gw().uow, current_principal(), gw().policies)


@blp.route("/agencies/<code>/<any(pause,resume):action>")
class Pause(MethodView):
    @blp.arguments(PauseIn)
    @blp.response(200, AgencyOut)
    def post(self, body, code, action):
        """Pause an agency's feed (its events are held) or resume it (held events are delivered in order)"""
        paused, reason = action == "pause", body.get("reason")
        return administration.pause_or_resume(gw().uow, gw().delivery, current_principal(), code, paused, reason)


@blp.route("/agencies/<code>/key-requests")
class KeyRequests(MethodView):
    @blp.response(201, AdminRequestOut)
    def post(self, code):
        """Ask for a new API key for an agency; a second gateway admin approves (and receives it, once)"""
        return administration.ask(gw().uow, gw().policies, current_principal(), code, approvals.ISSUE_KEY)


@blp.route("/agencies/<code>/keys/<key_id>/revocation")
class KeyRevocation(MethodView):
    @blp.response(201, AdminRequestOut)
    def post(self, code, key_id):
        """Ask to revoke an agency's API key (`tx.<key id>.…`, leaked or lost): once a second gateway admin
        approves, it stops at once"""
        principal = current_principal()
        return administration.ask(gw().uow, gw().policies, principal, code, approvals.REVOKE_KEY, key_id=key_id)


@blp.route("/agencies/<code>/notice-keys")
class NoticeKeyRequests(MethodView):
    @blp.arguments(NoticeKeyIn)
    @blp.response(201, AdminRequestOut)
    def post(self, body, code):
        """Ask to register a public key an agency signs its notices with; a second gateway admin approves"""
        return administration.ask_notice_key(gw().uow, gw().policies, current_principal(), code, body["jwk"])


@blp.route("/agencies/<code>/notice-keys/<kid>/retirement")
class NoticeKeyRetirement(MethodView):
    @blp.response(201, AdminRequestOut)
    def post(self, code, kid):
        """Ask to retire a key an agency signs its notices with (lost or replaced); a second gateway admin approves"""
        principal = current_principal()
        return administration.ask_notice_key_retirement(gw().uow, gw().policies, principal, code, kid)


@blp.route("/agencies/<code>/policy-activations")
class PolicyActivations(MethodView):
    @blp.response(201, AdminRequestOut)
    def post(self, code):
        """Ask for the deployed version of an agency's policy to come into force; a second gateway admin approves"""
        return administration.ask(gw().uow, gw().policies, current_principal(), code, approvals.ACTIVATE_POLICY)
