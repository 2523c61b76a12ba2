"""The composition root: builds the registry's parts from settings, connecting nothing at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from registry.config import RegistrySettings
from registry.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Registry:
    settings: RegistrySettings
    engine: sa.Engine

    def uow(self, actor: str) -> UnitOfWork:
        return UnitOfWork(self.engine, self.settings.id_digest_key(), actor)

    def migrate(self) -> None:
        migrations.upgrade(self.engine, MIGRATIONS)


def bootstrap(settings: RegistrySettings | None = None, engine: sa.Engine | None = None) -> Registry:
    settings = settings or RegistrySettings.from_env()
    return Registry(settings, engine or make_engine(settings.database_url))
