"""The registry's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.digests import DigestKey, parse_keys
from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class RegistrySettings(BaseSettings):
    service_name: str = "registry"
    database_url: str = "sqlite:///var/registry.db"
    #: Secret of the HMAC that turns ID numbers into digests other services can match, and
    #: its key id (inside every digest, so the key can rotate). The gateway uses the same pair.
    id_digest_secret: str = dataclasses.field(default="dev-only-id-digest-secret-change-me", metadata={"secret": True})
    id_digest_key_id: str = "k1"
    #: Earlier ID-digest keys still matched during a rotation, ``k1=<secret>,k2=<secret>`` (empty:
    #: none). The key id of each is pinned to its secret like the current one (``digest_keys``).
    id_digest_previous_keys: str = dataclasses.field(default="", metadata={"secret": True, "empty_disables": True})
    #: Largest spreadsheet accepted for import, in bytes.
    max_import_bytes: int = 10 * 1024 * 1024
    #: Rows per transaction when an import runs.
    import_batch_size: int = 500
    #: Seconds an uploaded import file (full ID numbers, religion) is kept after its job ends.
    import_file_retention_seconds: int = 600
    #: Seconds between the worker's sweeps for follow-ups falling due (each reminded once).
    follow_up_reminder_interval: float = 60.0

    def id_digest_key(self) -> DigestKey:
        return DigestKey(self.id_digest_key_id, self.id_digest_secret)

    def previous_id_digest_keys(self) -> list[DigestKey]:
        return parse_keys(self.id_digest_previous_keys)
