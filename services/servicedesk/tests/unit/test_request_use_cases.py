"""Opening and moving a service request (``service_layer.requests``) on the in-memory unit of work:
the use cases' rules, fast and without a database. The API suites prove the same on SQLite and
PostgreSQL."""

import datetime as dt

import pytest

from chassis.auth import Principal
from chassis.contracts.servicedesk import REQUEST_OPENED, REQUEST_STATUS_CHANGED, URGENT_INCIDENT
from chassis.errors import Conflict, InvalidInput
from chassis.work_calendar import load_calendar
from servicedesk.service_layer import requests
from services.servicedesk.tests.fakes import FakeUnitOfWork

TOWN, HOME, ELSEWHERE = "370783001000", "370783001001", "370783002001"
EDITOR = Principal("editor-1", "编辑", frozenset({"editor"}), TOWN)
MONDAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing, a working day
CALENDAR = load_calendar()


def person(person_id: str, unit: str = HOME, status: str = "active") -> dict:
    return {"person_id": person_id, "name": "张伟", "unit_code": unit, "status": status}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork([person("p-1"), person("p-far", ELSEWHERE), person("p-gone", status="archived")])


def body(**overrides):
    return {"person_id": "p-1", "category": "legal", "priority": "normal", "title": "咨询", "description": "合同纠纷",
            "channel": "visit", **overrides}  # fmt: skip


def test_opening_stores_the_request_with_its_deadlines_history_and_event(uow):
    request_id = requests.open_request(uow.factory(), EDITOR, body(), CALENDAR, MONDAY)

    stored = uow.requests.get(request_id)
    assert stored["state"] == "submitted" and stored["handling_unit"] == HOME
    assert MONDAY < stored["response_due_at"] < stored["resolution_due_at"]
    assert [(e.type, e.subject) for e in uow.events] == [(REQUEST_OPENED, request_id)]
    assert [h["action"] for h in uow.requests.history(request_id)] == ["submit"]


def test_an_urgent_matter_also_goes_out_as_an_incident_without_personal_numbers(uow):
    summary = "工地围挡倒塌，联系人 13912345678"
    requests.open_request(uow.factory(), EDITOR, body(urgent=True, urgent_summary=summary), CALENDAR, MONDAY)

    incident = next(e for e in uow.events if e.type == URGENT_INCIDENT)
    assert incident.data["name_masked"] == "张*"
    assert "13912345678" not in incident.data["summary"]


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"urgent": True}, InvalidInput),  # an urgent matter needs its summary
        ({"person_id": "p-far"}, InvalidInput),  # outside the caller's scope
        ({"person_id": "p-gone"}, Conflict),  # archived
        ({"person_id": "p-unknown"}, InvalidInput),
        ({"category": "astrology"}, InvalidInput),
        ({"handling_unit": ELSEWHERE}, InvalidInput),
    ],
)
def test_a_refused_request_leaves_nothing_behind(uow, overrides, refusal):
    with pytest.raises(refusal):
        requests.open_request(uow.factory(), EDITOR, body(**overrides), CALENDAR, MONDAY)
    assert uow.events == [] and uow.requests.requests == {} and uow.requests.history_rows == []


def test_waiting_on_the_member_pauses_the_resolution_clock(uow):
    request_id = requests.open_request(uow.factory(), EDITOR, body(), CALENDAR, MONDAY)
    later = MONDAY + dt.timedelta(hours=2)
    requests.transition(uow.factory(), EDITOR, request_id, "accept", {}, CALENDAR, later)
    requests.transition(uow.factory(), EDITOR, request_id, "start", {}, CALENDAR, later)
    paused = requests.transition(uow.factory(), EDITOR, request_id, "wait", {"note": "等材料"}, CALENDAR, later)

    assert paused["clock_running"] is False and paused["resolution_due_at"] is None
    assert uow.events[-1].type == REQUEST_STATUS_CHANGED and uow.events[-1].data["state"] == paused["state"]


def test_an_illegal_move_is_refused_with_the_allowed_ones(uow):
    request_id = requests.open_request(uow.factory(), EDITOR, body(), CALENDAR, MONDAY)
    with pytest.raises(Conflict) as refused:
        requests.transition(uow.factory(), EDITOR, request_id, "close", {"satisfaction": 5}, CALENDAR, MONDAY)
    assert "accept" in refused.value.extra["allowed_actions"]
    assert len(uow.events) == 1
