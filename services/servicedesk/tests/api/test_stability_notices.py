"""Public security's notices on stability reports, as the worker applies them from
``gateway.stability.v1`` on SQLite and PostgreSQL: the report moves forward with each notice in its
timeline, once; a late notice never takes it back; a notice for an unknown or unshared report
changes no report and is parked."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis.contracts import gateway as inbound
from chassis.events import Envelope
from servicedesk.adapters.stability_tables import unmatched_stability_notices
from servicedesk.service_layer.stability_notices import UNMATCHED, apply_notice_event
from services.servicedesk.tests.conftest import TOWN_A

from .test_stability import members, report_body  # noqa: F401 (fixture)

TYPES = {"received": inbound.STABILITY_RECEIVED, "handling": inbound.STABILITY_HANDLING,
         "closed": inbound.STABILITY_CLOSED}  # fmt: skip


def notice(kind: str, report_id: str, notice_id: str, **data) -> Envelope:
    return Envelope.new(
        type=TYPES[kind],
        source="/tongxin/sharing-gateway",
        subject=report_id,
        data={
            "notice_id": notice_id,
            "agency": "public_security",
            "report_id": report_id,
            "case_reference": None,
            "summary": None,
            "received_at": dt.datetime.now(dt.UTC).isoformat(),
            **data,
        },
    )


def reported(client, auth, severity="severe") -> str:
    body = report_body(severity=severity, police_summary="村委会门前约20人聚集")
    r = client.post("/stability-reports", json=body, headers=auth(unit=TOWN_A))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def shown(client, auth, report_id) -> dict:
    return client.get(f"/stability-reports/{report_id}", headers=auth(unit=TOWN_A)).get_json()


def parked(desk) -> list[tuple[str, str]]:
    with desk.engine.connect() as conn:
        query = sa.select(unmatched_stability_notices.c.notice_key, unmatched_stability_notices.c.reason)
        return sorted(tuple(r) for r in conn.execute(query))


def test_the_polices_notices_move_the_report_on_once_each(client, desk, members, auth):  # noqa: F811
    report_id = reported(client, auth)
    apply_notice_event(desk.uow, notice("received", report_id, "GA-1", case_reference="寿公(2026)118号"))
    assert shown(client, auth, report_id)["state"] == "received"
    apply_notice_event(desk.uow, notice("handling", report_id, "GA-2", summary="已派员到场"))
    closing = notice("closed", report_id, "GA-3", summary="人员已疏散，事态平息")
    apply_notice_event(desk.uow, closing)
    apply_notice_event(desk.uow, closing)  # redelivered
    apply_notice_event(desk.uow, notice("handling", report_id, "GA-2", summary="已派员到场"))  # sent again
    apply_notice_event(desk.uow, notice("received", report_id, "GA-4"))  # late: never back
    report = shown(client, auth, report_id)
    assert report["state"] == "closed" and report["closed_at"] is not None
    assert report["police_reference"] == "寿公(2026)118号"
    assert [(e["actor"], e["action"], e["to_state"], e["note"]) for e in report["timeline"]] == [
        ("clerk1", "report", "received", None),
        ("agency:public_security", "stability_received", "received", None),
        ("agency:public_security", "stability_handling", "handling", "已派员到场"),
        ("agency:public_security", "stability_closed", "closed", "人员已疏散，事态平息"),
        ("agency:public_security", "stability_received", "closed", None),
    ]
    assert parked(desk) == []


def test_a_notice_for_an_unknown_or_unshared_report_changes_no_report_and_is_parked(
    client,
    desk,
    members,  # noqa: F811
    auth,
):
    general = reported(client, auth, severity="general")  # never sent to public security
    before = UNMATCHED.labels("unknown_report")._value.get()
    stranger = notice("closed", str(uuid.uuid4()), "GA-8")
    apply_notice_event(desk.uow, stranger)
    apply_notice_event(desk.uow, stranger)  # counted once
    apply_notice_event(desk.uow, notice("closed", general, "GA-9"))
    assert parked(desk) == [("public_security:GA-8", "unknown_report"), ("public_security:GA-9", "not_shared")]
    assert UNMATCHED.labels("unknown_report")._value.get() == before + 1
    report = shown(client, auth, general)
    assert report["state"] == "received" and len(report["timeline"]) == 1
