"""The composition root of the sharing gateway: settings, database, policies and signing key.

``bootstrap`` loads and checks every policy first: a policy the gateway cannot honour
exactly stops the API and the worker from starting. So does a missing signing key outside
development mode: the gateway never invents the identity agencies verify it by.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain import signing

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class Gateway:
    settings: GatewaySettings
    engine: sa.Engine
    policies: dict[str, policies.Policy]
    signer: signing.Signer

    def migrate(self) -> None:
        """Upgrade the schema, record each policy's agency (in force on a deployment's first migration;
        later ones await approval), start the ledger's chain, record the signing key."""
        from sharing_gateway.service_layer import agencies, ledger, signing_keys

        migrations.upgrade(self.engine, MIGRATIONS)
        with self.engine.begin() as conn:
            agencies.sync_agencies(conn, self.policies)
            ledger.ensure_head(conn)
            signing_keys.record(conn, self.signer)


def bootstrap(settings: GatewaySettings | None = None, engine: sa.Engine | None = None) -> Gateway:
    settings = settings or GatewaySettings.from_env()
    loaded = policies.load_dir(Path(settings.policy_dir))
    return Gateway(
        settings,
        engine or make_engine(settings.database_url),
        loaded,
        signing.load(Path(settings.signing_key_file), create_if_missing=settings.development_mode),
    )
