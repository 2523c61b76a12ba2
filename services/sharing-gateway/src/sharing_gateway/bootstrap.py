"""The composition root of the sharing gateway: settings, database, policies and signing key.

``bootstrap`` loads and checks every policy first: a policy the gateway cannot honour
exactly stops the API and the worker from starting. So does a missing signing key outside
development mode: the gateway never invents the identity agencies verify it by.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import migrations, units
from chassis.catalogue import catalogue
from chassis.db import make_engine
from chassis.work_calendar import WorkCalendar, load_calendar
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain import policy_files, signing
from sharing_gateway.service_layer import agencies, disclosure_index, ledger, signing_keys
from sharing_gateway.service_layer.checkpoints import Schedule
from sharing_gateway.service_layer.feeds import Delivery
from sharing_gateway.service_layer.notices import Intake
from sharing_gateway.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Gateway:
    settings: GatewaySettings
    engine: sa.Engine
    policies: dict[str, policies.Policy]
    signer: signing.Signer
    #: Working days for the data requests' deadlines (``WORK_CALENDAR_FILE`` or the shipped calendar).
    calendar: WorkCalendar

    def uow(self, session: Session | None = None) -> UnitOfWork:
        """A new unit of work; with ``session``, one that joins a consumer's transaction."""
        return UnitOfWork(self.engine, session=session)

    @functools.cached_property
    def delivery(self) -> Delivery:
        """What delivering into agencies' feeds needs (policies, signing key, transform key)."""
        return Delivery(self.policies, self.signer, self.settings.transform_digest_key())

    @functools.cached_property
    def intake(self) -> Intake:
        """What taking agencies' notices in needs (audience, ID-number digest keys)."""
        s = self.settings
        return Intake(s.gateway_audience, s.id_digest_key(), tuple(s.id_digest_keys()))

    @property
    def checkpoint_schedule(self) -> Schedule:
        s = self.settings
        return Schedule(s.checkpoint_every_entries, dt.timedelta(seconds=s.checkpoint_interval_seconds))

    def migrate(self) -> None:
        """Upgrade the schema, record each policy's agency (in force on a deployment's first migration;
        later ones await approval), start the ledger's chain, index the deliveries recorded before the
        people's disclosure records existed, record the signing key."""
        migrations.upgrade(self.engine, MIGRATIONS)
        with self.uow() as uow:
            agencies.sync_agencies(uow, self.policies)
            ledger.ensure_head(uow)
            disclosure_index.backfill(uow, self.policies)
            signing_keys.record(uow, self.signer)
            uow.commit()


def bootstrap(settings: GatewaySettings | None = None, engine: sa.Engine | None = None) -> Gateway:
    settings = settings or GatewaySettings.from_env()
    units.check(settings.data_owner_unit)
    catalogue()  # the contracts and the data catalogue agree, or the gateway does not start
    loaded = policy_files.load_dir(Path(settings.policy_dir))
    return Gateway(
        settings,
        engine or make_engine(settings.database_url),
        loaded,
        signing.load(Path(settings.signing_key_file), create_if_missing=settings.development_mode),
        load_calendar(settings.work_calendar_file),
    )
