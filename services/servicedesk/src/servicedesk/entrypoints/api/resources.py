"""成员资源共享: the directory of members' offers of expertise and resources."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.matchmaking_schemas import (
    CitationIn,
    OfferDetail,
    OfferIn,
    OfferPage,
    OfferQuery,
    WithdrawIn,
)
from servicedesk.service_layer import resource_directory, resources

blp = Blueprint("resources", __name__, description="成员资源共享 / member resources")


@blp.route("/resources/offers")
class Offers(MethodView):
    @blp.arguments(OfferQuery, location="query")
    @blp.response(200, OfferPage)
    def get(self, args):
        """The directory: offers you may see, by field, kind, the members' unit and a word in characters or pinyin
        ("who can help with financing in 古城街道?": ``?field=financing&unit=<its code>``)"""
        return resource_directory.directory(uow(), current_principal(), args)

    @blp.arguments(OfferIn)
    @blp.response(201, OfferDetail)
    def post(self, body):
        """Publish a member's offer with their consent and how far it is shared (unit, town, county)"""
        return resources.publish(uow(), current_principal(), body)


@blp.route("/resources/offers/<offer_id>")
class Offer(MethodView):
    @blp.response(200, OfferDetail)
    def get(self, offer_id):
        """One offer with its history and the requests and activities that drew on it"""
        return resources.offer(uow(), current_principal(), offer_id)


@blp.route("/resources/offers/<offer_id>/withdraw")
class Withdraw(MethodView):
    @blp.arguments(WithdrawIn)
    @blp.response(200, OfferDetail)
    def post(self, body, offer_id):
        """Withdraw an offer, at the member's request or by staff (staff who serve the member only)"""
        return resources.withdraw(uow(), current_principal(), offer_id, body)


@blp.route("/resources/offers/<offer_id>/citations")
class Citations(MethodView):
    @blp.arguments(CitationIn)
    @blp.response(201, OfferDetail)
    def post(self, body, offer_id):
        """Record that a request or an activity in your scope drew on this offer"""
        return resources.cite(uow(), current_principal(), offer_id, body)
