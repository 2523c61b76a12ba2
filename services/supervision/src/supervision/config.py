"""The supervision's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings
from supervision.adapters.schemes import CURRENT


@dataclasses.dataclass(frozen=True)
class SupervisionSettings(BaseSettings):
    service_name: str = "supervision"
    database_url: str = "sqlite:///var/supervision.db"
    #: The version of the assessment scheme open months are scored with (a file shipped under
    #: ``supervision/data/schemes``); a closed month keeps the version it was closed with, unless an
    #: operator recalculates it under another (``supervision-admin recalculate --scheme``).
    scheme_version: str = CURRENT
