"""What the department's staff see of the gateway: agencies and their feeds, pause and resume,
keys (issue, revoke) and policy activation (gateway admins: one asks, a second approves),
policies, and the disclosure ledger (auditors). Every read shows only the agencies whose policy
region lies in the caller's unit's subtree (``agencies.visible``)."""

from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.agency_views import gw
from sharing_gateway.service_layer import administration, approvals
from sharing_gateway.service_layer import agencies as agency_service

blp = Blueprint("staff", __name__, description="管理与审计 / administration and audit (staff JWT)")


class AgencyOut(Schema):
    code = fields.String()
    name = fields.String()
    policy_version = fields.String()
    last_seq = fields.Integer()
    acked_seq = fields.Integer()
    lag = fields.Integer()
    held = fields.Integer()
    paused = fields.Boolean()
    paused_reason = fields.String(allow_none=True)
    policy_awaiting = fields.String(
        allow_none=True, metadata={"description": "a deployed policy version not yet approved (events are held)"}
    )


class AdminRequestOut(Schema):
    id = fields.String()
    action = fields.String(
        metadata={"description": "issue_key, revoke_key, activate_policy, register_notice_key or retire_notice_key"}
    )
    public_key = fields.String(allow_none=True, metadata={"description": "a notice key to register or retire"})
    key_id = fields.String(
        allow_none=True, metadata={"description": "an API key's public id: the one to revoke, or the one issued"}
    )
    agency = fields.String()
    policy_version = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "pending or approved"})
    requested_by = fields.String()
    requested_at = fields.DateTime()
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class ApprovalOut(AdminRequestOut):
    api_key = fields.String(metadata={"description": "issue_key only: the new key, shown once"})
    older_keys_expire_in_days = fields.Integer()
    kid = fields.String(metadata={"description": "notice keys only: the registered or retired key's id"})


class NoticeKeyIn(Schema):
    jwk = fields.Dict(
        required=True, metadata={"description": "the agency's Ed25519 public key: {kty: OKP, crv: Ed25519, x}"}
    )


class PauseIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class LedgerQuery(Schema):
    agency = fields.String(load_default=None)
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


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


@blp.route("/admin-requests")
class PendingRequests(MethodView):
    @blp.response(200, AdminRequestOut(many=True))
    def get(self):
        """Requests waiting for a second gateway admin"""
        return administration.pending(gw().uow, gw().policies, current_principal())


@blp.route("/admin-requests/<request_id>/approve")
class Approve(MethodView):
    @blp.response(200, ApprovalOut)
    def post(self, request_id):
        """Approve another gateway admin's request: the key is issued (shown once) or the policy comes into force"""
        overlap = gw().settings.key_overlap_days
        done = administration.approve(
            gw().uow, gw().delivery, current_principal(), request_id, dt.timedelta(days=overlap)
        )
        return {**done, "older_keys_expire_in_days": overlap} if "api_key" in done else done


@blp.route("/policies")
class Policies(MethodView):
    @blp.response(200)
    def get(self):
        """The deployed policies of the agencies in your region: version, purpose, legal basis, region, audience,
        grants"""
        return [
            {
                "agency": p.agency,
                "version": p.version_label,
                "purpose": p.purpose,
                "legal_basis": p.legal_basis,
                "region": p.region,
                "audience": p.audience if isinstance(p.audience, str) else {"body": p.audience[1]},
                "notice_types": list(p.notice_types),
                "shares": [
                    {
                        "event": s.event,
                        "fields": list(s.fields),
                        "transforms": dict(s.transforms),
                        "purposes": dict(s.purposes),
                    }
                    for s in p.shares.values()
                ],
            }
            for p in agency_service.visible(current_principal(), gw().policies).values()
        ]


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200)
    def get(self, args):
        """Disclosure records of the agencies in your region after a position (auditors): agency, event, sequence,
        fields, policy, digest, time, who asked and who approved"""
        principal = current_principal()
        return administration.ledger_records(
            gw().uow, gw().policies, principal, args["agency"], args["after"], args["limit"]
        )


@blp.route("/ledger/verify")
class LedgerVerify(MethodView):
    @blp.response(200)
    def get(self):
        """Check the whole hash chain; names the first broken position (staff whose unit contains every agency's
        region: the chain is one for all of them)"""
        return administration.verify_ledger(gw().uow, gw().policies, current_principal())
