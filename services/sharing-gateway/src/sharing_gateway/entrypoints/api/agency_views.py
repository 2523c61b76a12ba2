"""What partner agencies call, with their API key: their feed, their notices, their policy;
and the public keys that verify every feed entry."""

from __future__ import annotations

import functools

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.errors import Unauthorized
from chassis.http import public
from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter
from sharing_gateway.adapters.tables import rate_windows
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.service_layer import agency_access, notices

blp = Blueprint("agency", __name__, description="机构接口 / for partner agencies (API key)")


def gw() -> Gateway:
    return current_app.extensions["gateway"]


def _limiter() -> RateLimiter:
    limiter = current_app.extensions.get("gateway.rate_limiter")
    if limiter is None:
        limiter = RateLimiter(gw().engine, rate_windows, gw().settings.agency_rate_limit_per_minute, 60)
        current_app.extensions["gateway.rate_limiter"] = limiter
    return limiter


def calling_agency() -> str:
    """The agency whose key came with the request (``Authorization: ApiKey <key>`` or ``X-Api-Key``).
    Failed attempts count against the client address; calls against the agency's own limit."""
    header = request.headers.get("Authorization", "")
    key = header.removeprefix("ApiKey ").strip() if header.startswith("ApiKey ") else request.headers.get("X-Api-Key")
    try:
        agency = agency_access.authenticate(gw().uow, key)
    except Unauthorized:
        _limiter().hit(f"agency-auth:{client_network()}")
        raise
    _limiter().hit(f"agency:{agency}")
    return agency


def agency_key_first(view):
    """Check the agency's key before anything of the request is parsed: a caller without a valid
    key learns nothing, not even what a valid body looks like. The agency is in ``g.agency``."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        g.agency = calling_agency()
        return view(*args, **kwargs)

    return checked


class FeedQuery(Schema):
    after = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=2**62), metadata={"description": "last sequence you have"}
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    wait = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=60), metadata={"description": "long poll, seconds"}
    )


class FeedPage(Schema):
    agency = fields.String()
    entries = fields.List(fields.Dict(), metadata={"description": "signed CloudEvents in sequence order"})
    next_after = fields.Integer(metadata={"description": "pass as `after` next time"})
    head = fields.Integer(metadata={"description": "the feed's last sequence number"})
    paused = fields.Boolean()


NOTICE_BODY = {
    "required": True,
    "description": "A JWS (EdDSA, Ed25519; `kid` names your registered key) whose payload is the notice "
    "as a CloudEvent (`specversion`, `id`, `type` cn.tongxin.notice.<kind>.v1, `source`, `data`).",
    "content": {
        "application/jose": {"schema": {"type": "string", "description": "compact serialization"}},
        "application/jose+json": {
            "schema": {
                "type": "object",
                "required": ["protected", "payload", "signature"],
                "properties": {k: {"type": "string"} for k in ("protected", "payload", "signature")},
            }
        },
    },
}


@blp.route("/.well-known/tongxin-feed-keys")
class Keys(MethodView):
    @public
    @blp.response(200)
    def get(self):
        """Public keys (JWK, Ed25519) with their validity periods: every feed entry and checkpoint verifies"""
        return {"keys": agency_access.published_keys(gw().uow, gw().signer)}


@blp.route("/feed")
class Feed(MethodView):
    @public
    @agency_key_first
    @blp.arguments(FeedQuery, location="query")
    @blp.response(200, FeedPage)
    def get(self, args):
        """Your feed after a sequence number, in order, gap-free; `wait` long-polls for new entries"""
        wait_s = min(args["wait"], gw().settings.max_long_poll_seconds)
        return agency_access.feed_page(gw().uow, g.agency, args["after"], args["limit"], wait_s)


@blp.route("/notices")
class Notices(MethodView):
    @public
    @agency_key_first
    @blp.doc(requestBody=NOTICE_BODY)
    @blp.response(201)
    def post(self):
        """Send a signed notice (JWS over a CloudEvent): violation, violation_rescinded, membership_confirmed
        or membership_ended, as your policy allows. Answered with a signed receipt carrying the SHA-256 of
        what you signed; the same notice again gets the same receipt with 200, the same id with other
        content a 409."""
        body = request.get_data(cache=False)
        receipt, created = notices.receive(gw().uow, gw().delivery, gw().intake, g.agency, body)
        return receipt, 201 if created else 200


@blp.route("/agency")
class Me(MethodView):
    @public
    @agency_key_first
    @blp.response(200)
    def get(self):
        """Your agency's policy: what you receive (event types and fields) and may send, and why"""
        p = gw().policies[g.agency]
        kids = agency_access.notice_keys_of(gw().uow, g.agency)
        return {
            "agency": p.agency,
            "name": p.name,
            "policy_version": p.version_label,
            "purpose": p.purpose,
            "legal_basis": p.legal_basis,
            "region": p.region,
            "notice_types": list(p.notice_types),
            "notice_keys": kids,
            "receives": {t: list(s.sent_fields()) for t, s in p.shares.items()},
        }
