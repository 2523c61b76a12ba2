"""What partner agencies call, with their API key: their feed, their notices, their policy;
and the public keys that verify every feed entry."""

from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import public
from sharing_gateway.entrypoints.api.common import agency_key_first, gw
from sharing_gateway.entrypoints.api.schemas import NOTICE_BODY, FeedPage, FeedQuery
from sharing_gateway.service_layer import agency_access, notices

blp = Blueprint("agency", __name__, description="机构接口 / for partner agencies (API key)")


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
        """Your agency's policy: what you receive (event types and fields) and may send, and why; with the data
        grants in force (`limited_to_regions`: fields granted for part of your region only, and where)"""
        p = agency_access.policy_now(gw().uow, gw().policies, g.agency)
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
            "limited_to_regions": {
                t: {f: list(r) for f, r in s.field_regions.items()} for t, s in p.shares.items() if s.field_regions
            },
        }
