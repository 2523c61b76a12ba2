"""The composition root: builds the registry's parts from settings, connecting nothing at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from registry.config import RegistrySettings
from registry.service_layer.digest_keys import pin_digest_keys
from registry.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Registry:
    settings: RegistrySettings
    engine: sa.Engine

    def uow(self, actor: str) -> UnitOfWork:
        s = self.settings
        return UnitOfWork(self.engine, s.id_digest_key(), actor, previous_keys=s.previous_id_digest_keys())

    def migrate(self) -> None:
        migrations.upgrade(self.engine, MIGRATIONS)

    def pin_digest_keys(self) -> None:
        """Refuse (DigestKeyChanged) a changed secret under a known ID-digest key id; every entry
        point calls this at start-up."""
        pin_digest_keys(self.engine, self.settings.id_digest_key(), self.settings.previous_id_digest_keys())


def bootstrap(settings: RegistrySettings | None = None, engine: sa.Engine | None = None) -> Registry:
    settings = settings or RegistrySettings.from_env()
    return Registry(settings, engine or make_engine(settings.database_url))
