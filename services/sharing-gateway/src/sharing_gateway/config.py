"""The sharing gateway's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.digests import DigestKey, parse_keys
from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class GatewaySettings(BaseSettings):
    service_name: str = "sharing-gateway"
    database_url: str = "sqlite:///var/sharing-gateway.db"
    #: Directory of the agency policies (one TOML file per agency).
    policy_dir: str = "deploy/policies"
    #: PEM file of the Ed25519 feed-signing key. Outside development mode the gateway refuses to start
    #: without it (``gateway-admin create-signing-key`` makes one); development creates it on first start.
    signing_key_file: str = "var/gateway-signing-key.pem"
    #: The same secret and key id the registry digests ID numbers with, so notices match people.
    id_digest_secret: str = dataclasses.field(default="dev-only-id-digest-secret-change-me", metadata={"secret": True})
    id_digest_key_id: str = "k1"
    #: The registry's ID_DIGEST_PREVIOUS_KEYS during a key rotation (``k1=<secret>``): notices still
    #: match people whose digests are not re-keyed yet.
    id_digest_previous_keys: str = dataclasses.field(default="", metadata={"secret": True, "empty_disables": True})
    #: Key of the per-agency HMAC behind the "digest" transform (its own purpose, its own key).
    transform_digest_secret: str = dataclasses.field(
        default="dev-only-transform-digest-secret-change-me", metadata={"secret": True}
    )
    transform_digest_key_id: str = "t1"
    #: Days an old agency key keeps working after a new one is issued.
    key_overlap_days: int = 7
    #: Requests per minute one agency may make.
    agency_rate_limit_per_minute: int = 600
    #: Longest wait a long-polling feed request may ask for, in seconds.
    max_long_poll_seconds: int = 30
    #: Who a signed notice must be addressed to (``aud`` in its protected header): a notice an agency
    #: signed for another gateway (a test system, another province's) is refused here.
    gateway_audience: str = "tongxin-gateway"
    #: 12-digit unit code of the department that owns the platform's data (数据提供部门): every data
    #: catalogue item (``GET /catalogue``, the provincial export) names it as the owner's unit.
    data_owner_unit: str = "370783000000"
    #: A ledger checkpoint after this many new ledger records ...
    checkpoint_every_entries: int = 1000
    #: ... or this many seconds after the last one, whichever comes first (if anything was recorded).
    checkpoint_interval_seconds: int = 3600

    def id_digest_key(self) -> DigestKey:
        return DigestKey(self.id_digest_key_id, self.id_digest_secret)

    def id_digest_keys(self) -> list[DigestKey]:
        """The current ID-digest key first, then those of a rotation in progress."""
        return [self.id_digest_key(), *parse_keys(self.id_digest_previous_keys)]

    def transform_digest_key(self) -> DigestKey:
        return DigestKey(self.transform_digest_key_id, self.transform_digest_secret)
