"""Sharing gateway fixtures: a migrated gateway on each database with the shipped policies, a key
per agency, a client, staff tokens, and a way to feed it source events as its consumers would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sharing_gateway import notice_sender
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import signing
from sharing_gateway.entrypoints import worker
from sharing_gateway.entrypoints.api.app import create_app
from sharing_gateway.service_layer import agencies, notice_keys, read_model
from sqlalchemy.orm import Session

from chassis.contracts.processing import SENSITIVE_PROCESSED
from chassis.events import Envelope
from tests.support.secrets import strong_secret_environment, strong_secrets
from tests.support.tokens import ISSUER, trusted

POLICIES = Path(__file__).resolve().parents[3] / "deploy" / "policies"
AGENCIES = ("court", "cppcc", "npc", "public_security")


@pytest.fixture
def gateway(database_url, tmp_path):
    signing.write_new(tmp_path / "signing.pem")  # production mode: the key is provided, never invented
    gw = bootstrap(
        GatewaySettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            policy_dir=str(POLICIES),
            signing_key_file=str(tmp_path / "signing.pem"),
            **strong_secrets(GatewaySettings),
            **trusted(),
        )
    )
    gw.migrate()
    yield gw
    gw.engine.dispose()


@pytest.fixture
def client(gateway):
    return create_app(gateway).test_client()


@pytest.fixture
def keys(gateway):
    with gateway.uow() as uow:
        issued = {a: agencies.issue_key(uow, a, "test", dt.timedelta(days=7)) for a in AGENCIES}
        uow.commit()
    return issued


@pytest.fixture
def signers(gateway):
    """Each agency's own notice-signing key, its public half registered with the gateway."""
    made = {a: notice_sender.new_key() for a in AGENCIES}
    with gateway.uow() as uow:
        for agency, key in made.items():
            notice_keys.register(uow, agency, notice_keys.public_key_of(notice_sender.public_jwk(key)), "test")
        uow.commit()
    return made


@pytest.fixture
def post_notice(client, keys, signers):
    """``post_notice(agency, event)``: the notice signed with the agency's key, sent with its API key
    (``signed_by``: another private key; ``flattened``: JSON serialization; ``body``: raw bytes as sent)."""

    def send(agency, event=None, signed_by=None, flattened=False, body=None, content_type="application/jose"):
        headers = {"Content-Type": content_type}
        if body is None:
            body, headers = notice_sender.signed(signed_by or signers[agency], event, flattened)
        return client.post("/notices", data=body, headers={**headers, **api_key(keys[agency])})

    return send


@pytest.fixture
def staff(gateway):
    return staff_headers(gateway)


def staff_headers(gateway):
    """``headers(*roles, unit=, sub=)``: a staff token the gateway accepts."""

    def headers(*roles, unit="370783000000", sub="auditor1"):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles or ('admin',)), unit)}"}

    return headers


@pytest.fixture
def consume(gateway):
    return consumer(gateway)


def consumer(gateway):
    """Hand source events to the gateway exactly as its worker's consumers do."""

    on_person, on_event = worker.person_handler(gateway), worker.event_handler(gateway)
    on_processing = worker.processing_handler(gateway)

    def handle(*events: Envelope):
        for e in events:
            with Session(gateway.engine) as s, s.begin():
                if e.type == SENSITIVE_PROCESSED:
                    on_processing(s, e)
                else:
                    (on_person if e.type in read_model.PERSON_EVENTS else on_event)(s, e)

    return handle


def operator_environment(gateway, monkeypatch, policy_dir: str | None = None) -> None:
    """The environment ``gateway-admin`` reads, pointing at this gateway, with its strong secrets
    (operator commands refuse weak ones like the services do)."""
    for name, value in {
        **strong_secret_environment(GatewaySettings),
        "DATABASE_URL": gateway.settings.database_url,
        "POLICY_DIR": policy_dir or gateway.settings.policy_dir,
        "SIGNING_KEY_FILE": gateway.settings.signing_key_file,
    }.items():
        monkeypatch.setenv(name, value)


def api_key(key: str) -> dict:
    return {"Authorization": f"ApiKey {key}"}
