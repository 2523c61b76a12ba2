"""The suggestions mailbox (建言献策信箱): anonymous suggestions with a receipt, and staff handling them."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.errors import InvalidInput
from chassis.http import current_principal, public
from servicedesk.entrypoints.api.common import limit_anonymous_client, now, uow
from servicedesk.entrypoints.api.community_schemas import (
    ReceiptOut,
    SuggestionActIn,
    SuggestionIn,
    SuggestionOut,
    SuggestionPage,
    SuggestionQuery,
    TrackOut,
)
from servicedesk.service_layer import suggestions

blp = Blueprint("suggestions", __name__, description="建言献策 / suggestions mailbox")


@blp.route("/suggestions")
class Suggestions(MethodView):
    @public
    @blp.arguments(SuggestionIn)
    @blp.response(201, ReceiptOut)
    def post(self, body):
        """Leave an anonymous suggestion (建言献策) for an area; no account needed (rate limited)"""
        limit_anonymous_client()
        return suggestions.submit(uow(), body, now())

    @blp.arguments(SuggestionQuery, location="query")
    @blp.response(200, SuggestionPage)
    def get(self, args):
        """Suggestions from your scope, newest first"""
        return suggestions.listing(uow(), current_principal(), args.get("state"), args["limit"], args["offset"])


@blp.route("/suggestions/receipts/<receipt>")
class Track(MethodView):
    @public
    @blp.response(200, TrackOut)
    def get(self, receipt):
        """Follow a suggestion with its receipt code (rate limited)"""
        limit_anonymous_client()
        return suggestions.track(uow(), receipt)


@blp.route("/suggestions/<suggestion_id>")
class Suggestion(MethodView):
    @blp.response(200, SuggestionOut)
    def get(self, suggestion_id):
        """One suggestion"""
        return suggestions.get(uow(), current_principal(), suggestion_id)


@blp.route("/suggestions/<suggestion_id>/<any(forward,answer,adopt):action>")
class SuggestionAct(MethodView):
    @blp.arguments(SuggestionActIn)
    @blp.response(200, SuggestionOut)
    def post(self, body, suggestion_id, action):
        """forward (needs department), answer (needs answer), adopt (needs adopted: true or false)"""
        needed = {"forward": "department", "answer": "answer", "adopt": "adopted"}[action]
        if needed not in body:
            raise InvalidInput(f"缺少字段 {needed}", f"{action} needs {needed}", field=needed)
        return suggestions.act(uow(), current_principal(), suggestion_id, action, body, now())
