"""The composition root of the evaluation service; nothing connects at import."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import migrations
from chassis.db import make_engine
from evaluation.config import EvaluationSettings
from evaluation.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Evaluation:
    settings: EvaluationSettings
    engine: sa.Engine

    def uow(self, session: Session | None = None) -> UnitOfWork:
        """A new unit of work; with ``session``, one that joins a consumer's transaction."""
        return UnitOfWork(self.engine, session=session)

    def migrate(self) -> None:
        migrations.upgrade(self.engine, MIGRATIONS)


def bootstrap(settings: EvaluationSettings | None = None, engine: sa.Engine | None = None) -> Evaluation:
    settings = settings or EvaluationSettings.from_env()
    return Evaluation(settings, engine or make_engine(settings.database_url))
