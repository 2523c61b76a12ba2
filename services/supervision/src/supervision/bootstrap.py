"""The composition root of the supervision service; nothing connects at import."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import migrations
from chassis.db import make_engine
from supervision.adapters.schemes import load_scheme
from supervision.config import SupervisionSettings
from supervision.domain.scheme import Scheme
from supervision.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Supervision:
    settings: SupervisionSettings
    engine: sa.Engine
    #: The scheme open months are scored with (``SCHEME_VERSION``).
    scheme: Scheme
    clock: Callable[[], dt.datetime] = dataclasses.field(default=lambda: dt.datetime.now(dt.UTC))

    def uow(self, session: Session | None = None) -> UnitOfWork:
        """A new unit of work; with ``session``, one that joins a consumer's transaction."""
        return UnitOfWork(self.engine, session=session)

    def migrate(self) -> None:
        migrations.upgrade(self.engine, MIGRATIONS)


def bootstrap(settings: SupervisionSettings | None = None, engine: sa.Engine | None = None) -> Supervision:
    settings = settings or SupervisionSettings.from_env()
    engine = engine or make_engine(settings.database_url)
    return Supervision(settings, engine, load_scheme(settings.scheme_version))
