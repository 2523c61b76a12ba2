"""What the supervision's views share: the service and its unit-of-work factory (the service layer
owns each transaction)."""

from __future__ import annotations

from flask import current_app

from supervision.bootstrap import Supervision
from supervision.service_layer.unit_of_work import UowFactory


def supervision() -> Supervision:
    return current_app.extensions["supervision"]


def uow() -> UowFactory:
    """The unit-of-work factory the service layer opens its transactions with."""
    return supervision().uow
