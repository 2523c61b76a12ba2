"""The end-to-end platform: the four services as separate processes (gunicorn APIs and workers)
on their own real Kafka broker, on SQLite and, where PostgreSQL is available, on PostgreSQL.

The broker is this suite's own (not the session broker), because the fault tests stop it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import uuid

import pytest
import requests
import sqlalchemy as sa
from console.config import ConsoleSettings
from sharing_gateway import notice_sender
from sharing_gateway.config import GatewaySettings

from chassis import idnumber
from chassis.db import make_engine
from chassis.work_calendar import CST
from evaluation.config import EvaluationSettings
from registry.config import RegistrySettings
from tests.support.infra import ROOT, free_port, say, wait_for
from tests.support.secrets import strong_secret_environment
from tests.support.tokens import ISSUER, trusted_environ

sys.path.insert(0, str(ROOT / "deploy"))
from run_platform import SERVICES, Platform

COUNTY = "370783000000"
TOWN_A, TOWN_B = "370783001000", "370783002000"  # 圣城街道, 文家街道
HOME_A, HOME_A2, HOME_B = "370783001001", "370783001002", "370783002001"
SETTINGS_CLASSES = (RegistrySettings, EvaluationSettings, GatewaySettings, ConsoleSettings)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.kafka)
            item.add_marker(pytest.mark.slow)
    # The privacy and contract checks read everything the other tests produced on the same platform: last.
    last = ("tests/e2e/test_privacy.py", "tests/e2e/test_contracts.py")
    items.sort(key=lambda item: next((i + 1 for i, name in enumerate(last) if name in str(item.fspath)), 0))


#: The one rest day of the suite's calendar: the day after tomorrow in China Standard Time.
HOLIDAY = (dt.datetime.now(CST) + dt.timedelta(days=2)).date()


def every_day_a_working_day(folder):
    """A calendar file (WORK_CALENDAR_FILE, read by every deadline in working days) making the weeks around today
    working days but ``HOLIDAY`` (the data-request scenario counts its deadline over it); the suite runs at
    weekends and on holidays too."""
    today = dt.date.today()
    days = [d.isoformat() for n in range(-7, 60) if (d := today + dt.timedelta(days=n)) != HOLIDAY]
    year = {"holidays": [[HOLIDAY.isoformat(), HOLIDAY.isoformat()]], "makeup_workdays": days}
    path = folder / "every-day.json"
    path.write_text(json.dumps({"years": {str(today.year): year}}))
    return path


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def platform(request, tmp_path_factory):
    urls = {}
    if request.param == "postgresql":
        pg = request.getfixturevalue("postgres")
        if pg is None:
            pytest.skip("PostgreSQL not available here")
        urls = {s.name: pg.new_database() for s in SERVICES}
    os.environ["SLA_SWEEP_INTERVAL"] = "1"
    os.environ["FOLLOW_UP_REMINDER_INTERVAL"] = "1"  # the registry's sweep for follow-ups falling due
    # A work calendar with no rest days, so the SLA breach scenario sees its clock run on any day.
    os.environ["WORK_CALENDAR_FILE"] = str(every_day_a_working_day(tmp_path_factory.mktemp("calendar")))
    os.environ["GUNICORN_ACCESS_LOG"] = "-"  # gunicorn's access log too, for the log grep (test_privacy)
    # Production mode: strong random secrets, so the suite proves the services run outside development mode.
    os.environ.update(strong_secret_environment(*SETTINGS_CLASSES))
    p = Platform(
        tmp_path_factory.mktemp(f"e2e-{request.param}"),
        free_port(),
        random.randint(1000, 3000),
        urls,
        development_mode=False,
    ).trusting(trusted_environ())  # staff tokens: the test process's throwaway issuer (tests/support/tokens.py)
    p.start()
    say(f"e2e platform on {request.param} ready in {p.ready_seconds:.1f}s")
    p.db = request.param
    yield p
    p.stop()


class Client:
    """requests against one service, as one caller (an agency also holds its notice-signing key)."""

    def __init__(self, base: str, headers: dict, notice_key=None):
        self.base, self.headers, self.notice_key = base, headers, notice_key

    def send_notice(self, event: dict) -> requests.Response:
        """POST /notices as the agency's system does: the CloudEvent as a JWS signed with its key."""
        body, headers = notice_sender.signed(self.notice_key, event)
        return requests.post(self.base + "/notices", data=body, headers={**self.headers, **headers}, timeout=60)

    def __getattr__(self, method):
        def call(path, **kw):
            headers = {**self.headers, **kw.pop("headers", {})}
            return requests.request(method.upper(), self.base + path, headers=headers, timeout=60, **kw)

        return call


def service_url(platform, name: str) -> str:
    return platform.url(next(s for s in SERVICES if s.name == name))


def engine_of(platform, service: str) -> sa.Engine:
    return make_engine(platform.env(next(s for s in SERVICES if s.name == service))["DATABASE_URL"])


def count(platform, service: str, table: str) -> int:
    engine = engine_of(platform, service)
    with engine.connect() as conn:
        n = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return n


def is_problem(r: requests.Response, status: int) -> bool:
    body = r.json() if r.headers.get("Content-Type", "").startswith("application/problem+json") else {}
    return r.status_code == status and body.get("status") == status and body.get("detail") and body.get("detail_en")


@pytest.fixture(scope="session")
def tokens():
    """``tokens.issue(sub, roles, unit)``: a staff access token every service of the platform accepts."""
    return ISSUER


@pytest.fixture
def as_staff(platform, tokens):
    """``as_staff("registry", roles=("editor",), unit=TOWN_A)`` -> a Client."""

    def make(service: str, roles=("admin",), unit=COUNTY, sub="e2e-staff") -> Client:
        # Longer than Keycloak's 5 minutes: a fault test holds its client across restarts and a replay.
        token = tokens.issue(sub, list(roles), unit, ttl=dt.timedelta(minutes=30))
        return Client(service_url(platform, service), {"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def as_agency(platform):
    def make(agency: str) -> Client:
        return Client(
            service_url(platform, "sharing-gateway"),
            {"Authorization": f"ApiKey {platform.keys[agency]}"},
            notice_sender.load(platform.notice_keys[agency]),
        )

    return make


_sequence = iter(range(10_000_000))
#: ID numbers are drawn without repetition (a repeated one is a 409, not the fault under test):
#: the n-th person of this test session gets the (start + n)-th of 89 x 10950 x 100 numbers.
_ID_START = random.randrange(89 * 10950 * 100)


def new_person(unit=HOME_A, roles=(), name=None, categories=("non_party_representative",)) -> dict:
    n = next(_sequence)
    k = (_ID_START + n) % (89 * 10950 * 100)
    born = dt.date(1960, 1, 1) + dt.timedelta(days=k // 89 % 10950)
    number = idnumber.make(f"3707{10 + k % 89}", born, k // (89 * 10950), "male")
    return {
        "name": name or f"测试{uuid.uuid4().hex[:4]}{n}"[:12],
        "id_number": number,
        "unit_code": unit,
        "categories": list(categories),
        "representative_roles": [{"body": b, "level": "county", "title": None, "since": None} for b in roles],
        **({"vetting_basis": "换届考察合格"} if roles else {}),  # 凡进必评: a role needs a basis
    }


def feed(agency_client, mine=lambda e: True, after=0) -> list[dict]:
    entries, cursor = [], after
    while True:
        page = agency_client.get("/feed", params={"after": cursor, "limit": 1000}).json()
        entries += page["entries"]
        if page["next_after"] == cursor or not page["entries"]:
            return [e for e in entries if mine(e)]
        cursor = page["next_after"]


__all__ = ["COUNTY", "HOME_A", "HOME_A2", "HOME_B", "TOWN_A", "TOWN_B", "Client", "feed", "new_person", "wait_for"]
