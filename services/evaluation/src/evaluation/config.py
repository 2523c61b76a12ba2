"""The evaluation service's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.digests import DigestKey
from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class EvaluationSettings(BaseSettings):
    service_name: str = "evaluation"
    database_url: str = "sqlite:///var/evaluation.db"
    #: Key of the HMAC that turns public raters' phone numbers into deduplication keys.
    phone_hash_secret: str = dataclasses.field(
        default="dev-only-phone-hash-secret-change-me", metadata={"secret": True}
    )
    #: Most public rating tokens one cohort member may be given in a round (a round's tokens are
    #: bounded by its cohort).
    public_tokens_per_member: int = 200
    #: Id of that key, inside every phone hash, so the key can rotate.
    phone_hash_key_id: str = "p1"
    #: Days a self or public rating token stays valid.
    token_days: int = 14
    #: Requests to the no-account rating endpoints allowed per client address per minute.
    rate_limit_per_minute: int = 60
    #: Where a QR code on a printed token sheet sends the rater (the token is appended).
    rating_form_url: str = "http://127.0.0.1:8000/rate/"

    def phone_hash_key(self) -> DigestKey:
        return DigestKey(self.phone_hash_key_id, self.phone_hash_secret)
