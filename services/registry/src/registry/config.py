"""The registry's settings (environment variables, upper-cased field names)."""

from __future__ import annotations

import dataclasses

from chassis.settings import BaseSettings


@dataclasses.dataclass(frozen=True)
class RegistrySettings(BaseSettings):
    service_name: str = "registry"
    database_url: str = "sqlite:///var/registry.db"
    #: Secret of the HMAC that turns ID numbers into digests other services can match.
    #: Every service that matches notices must use the same value.
    id_digest_secret: str = dataclasses.field(default="dev-only-id-digest-secret-change-me", metadata={"secret": True})
    #: Largest spreadsheet accepted for import, in bytes.
    max_import_bytes: int = 10 * 1024 * 1024
    #: Rows per transaction when an import runs.
    import_batch_size: int = 500
