"""The disclosure ledger for auditors: its records and the check of its hash chain.
Every read shows only the agencies whose policy region lies in the caller's unit's subtree
(``agencies.visible``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.entrypoints.api.schemas import LedgerQuery
from sharing_gateway.service_layer import administration

blp = Blueprint("ledger", __name__, description="披露台账 / disclosure ledger (staff JWT)")


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
