"""The composition root: builds the registry's parts from settings, connecting nothing at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import migrations
from chassis.db import make_engine
from registry.config import RegistrySettings
from registry.service_layer.digest_keys import DigestKeyChanged, pin_digest_keys
from registry.service_layer.import_runner import ImportRunner
from registry.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Registry:
    settings: RegistrySettings
    engine: sa.Engine

    def uow(self, actor: str, session: Session | None = None) -> UnitOfWork:
        """A new unit of work acting as ``actor``; with ``session``, one that joins a consumer's transaction."""
        s = self.settings
        keys = s.previous_id_digest_keys()
        return UnitOfWork(self.engine, s.id_digest_key(), actor, previous_keys=keys, session=session)

    def import_runner(self) -> ImportRunner:
        """The worker part that runs spreadsheet import jobs."""
        s = self.settings
        keys = [s.id_digest_key(), *s.previous_id_digest_keys()]
        return ImportRunner(self.uow, keys, s.import_batch_size, s.import_file_retention_seconds)

    def migrate(self) -> None:
        migrations.upgrade(self.engine, MIGRATIONS)

    def pin_digest_keys(self) -> None:
        """Refuse (DigestKeyChanged) a changed secret under a known ID-digest key id; every entry
        point calls this at start-up."""
        pin_digest_keys(self.uow, self.settings.id_digest_key(), self.settings.previous_id_digest_keys())


def exit_if_key_changed(registry: Registry) -> None:
    """For command-line entry points: print why and exit non-zero on a changed key."""
    try:
        registry.pin_digest_keys()
    except DigestKeyChanged as exc:
        raise SystemExit(f"refusing to start: {exc}") from None


def bootstrap(settings: RegistrySettings | None = None, engine: sa.Engine | None = None) -> Registry:
    settings = settings or RegistrySettings.from_env()
    return Registry(settings, engine or make_engine(settings.database_url))
