"""Revealing a person's sensitive fields: it needs the role and a stated purpose, and each reveal is
recorded and published (``registry.processing.v1``) for the person's disclosure record — the field
names and the purpose, never a value."""

from __future__ import annotations

import json

import sqlalchemy as sa

from registry.adapters.tables import disclosures, outbox
from services.registry.tests.support import count, person_body


def test_revealing_sensitive_fields_needs_role_and_purpose_and_is_recorded(client, auth, create, registry):
    body = person_body(ethnicity="回族")
    pid = client.post("/people", json=body, headers=auth()).get_json()["id"]
    r = client.get(f"/people/{pid}?reveal=id_number,ethnicity", headers=auth())
    assert r.status_code == 422 and r.get_json()["field"] == "purpose"
    assert (
        client.get(f"/people/{pid}?reveal=id_number&purpose=核实身份信息", headers=auth(roles=("viewer",))).status_code
        == 403
    )
    assert client.get(f"/people/{pid}?reveal=phone&purpose=核实身份信息", headers=auth()).status_code == 422
    r = client.get(f"/people/{pid}?reveal=id_number,ethnicity&purpose=核实身份信息", headers=auth(sub="auditor7"))
    assert r.status_code == 200
    assert (r.get_json()["id_number"], r.get_json()["ethnicity"]) == (body["id_number"], "回族")
    with registry.engine.connect() as conn:
        row = conn.execute(sa.select(disclosures)).mappings().one()
    assert (row["actor"], sorted(row["fields"]), row["purpose"]) == (
        "auditor7",
        ["ethnicity", "id_number"],
        "核实身份信息",
    )
    # ... and published in the same transaction for the person's disclosure record: names, never values
    with registry.engine.connect() as conn:
        staged = conn.execute(sa.select(outbox).where(outbox.c.topic == "registry.processing.v1")).mappings().one()
    payload = bytes(staged["payload"]).decode()
    event = json.loads(payload)
    assert (staged["key"], event["type"]) == (pid, "cn.tongxin.registry.processing.sensitive_processed.v1")
    assert event["data"]["processed_fields"] == ["ethnicity", "id_number"] and event["data"]["actor"] == "auditor7"
    assert (event["data"]["channel"], event["data"]["purpose"]) == ("api", "核实身份信息")
    assert body["id_number"] not in payload and "回族" not in payload


def test_a_purpose_holding_an_id_number_is_refused_and_nothing_is_recorded(client, auth, registry):
    body = person_body()
    pid = client.post("/people", json=body, headers=auth()).get_json()["id"]
    r = client.get(f"/people/{pid}?reveal=id_number&purpose=核对{body['id_number']}", headers=auth())
    assert r.status_code == 422 and r.get_json()["field"] == "purpose"
    assert count(registry, disclosures) == 0


def test_a_purpose_in_the_departments_own_words_is_recorded_as_stated(client, auth, registry):
    """民族宗教工作 is the department's daily vocabulary: a purpose that names it is not a person's
    religion, and the reveal is recorded and published with the purpose as stated."""
    pid = client.post("/people", json=person_body(religion="佛教"), headers=auth()).get_json()["id"]
    r = client.get(f"/people/{pid}?reveal=religion&purpose=核实宗教界代表人士身份", headers=auth())
    assert r.status_code == 200, r.get_json()
    with registry.engine.connect() as conn:
        staged = conn.execute(sa.select(outbox).where(outbox.c.topic == "registry.processing.v1")).mappings().one()
    assert json.loads(bytes(staged["payload"]))["data"]["purpose"] == "核实宗教界代表人士身份"
