"""The composition root of the service desk; nothing connects at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from servicedesk.config import ServiceDeskSettings
from servicedesk.domain.calendar import WorkCalendar, load_calendar
from servicedesk.service_layer.requests import seed_categories

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class ServiceDesk:
    settings: ServiceDeskSettings
    engine: sa.Engine
    calendar: WorkCalendar

    def migrate(self) -> None:
        """Upgrade the schema, then add any default request category not there yet."""
        migrations.upgrade(self.engine, MIGRATIONS)
        with self.engine.begin() as conn:
            seed_categories(conn)


def bootstrap(settings: ServiceDeskSettings | None = None, engine: sa.Engine | None = None) -> ServiceDesk:
    settings = settings or ServiceDeskSettings.from_env()
    return ServiceDesk(settings, engine or make_engine(settings.database_url), load_calendar())
