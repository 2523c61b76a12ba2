"""Ratings: an evaluator's official rating (官评), the one-time tokens for self and public
ratings, and the rating form those tokens open (no account needed, rate-limited per network)."""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal, public
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api import token_sheet
from evaluation.entrypoints.api.common import ev, limit_anonymous_client, uow
from evaluation.service_layer import rating_tokens, scores

blp = Blueprint("ratings", __name__, description="评分与评价码 / ratings and rating tokens")


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


@blp.route("/rate/<token>")
class Rate(MethodView):
    @public
    @blp.response(200, s.RatingFormOut)
    def get(self, token):
        """What a token lets you rate: the person's name and the index (no account needed)"""
        limit_anonymous_client()
        return rating_tokens.rating_form(uow(), token)

    @public
    @blp.arguments(s.PublicRatingIn)
    @blp.response(201, s.IdOut)
    def post(self, body, token):
        """Rate with a one-time token (self or public; no account needed)"""
        origin = limit_anonymous_client()
        phone_key = ev().settings.phone_hash_key()
        result = rating_tokens.rate_with_token(uow(), token, body["scores"], body.get("phone"), origin, phone_key)
        return {"id": result["rating_id"]}
