"""The evaluation service's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class EvaluationSettings(BaseSettings):
    service_name: str = "evaluation"
    database_url: str = "sqlite:///var/evaluation.db"
    #: Key of the HMAC that turns public raters' phone numbers into deduplication keys.
    phone_hash_secret: str = "dev-only-phone-hash-secret-change-me"
    #: Days a self or public rating token stays valid.
    token_days: int = 14
