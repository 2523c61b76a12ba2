"""What the evaluation views share: the service and its unit-of-work factory (the service layer
owns each transaction), and the rate limit on the rating form, which needs no account."""

from __future__ import annotations

from flask import current_app

from chassis.http.limits import app_limiter, limit_client
from evaluation.adapters.tables import rate_windows
from evaluation.bootstrap import Evaluation
from evaluation.service_layer.unit_of_work import UowFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ev() -> Evaluation:
    return current_app.extensions["evaluation"]


def uow() -> UowFactory:
    """The unit-of-work factory the service layer opens its transactions with."""
    return ev().uow


def limit_anonymous_client() -> str:
    """Count the request against its client's network; 429 past the limit. Returns the network."""
    return limit_client(
        app_limiter("anonymous", ev().engine, rate_windows, ev().settings.rate_limit_per_minute), "rate"
    )
