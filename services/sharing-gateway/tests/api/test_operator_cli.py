"""The operator's command line (``gateway-admin``) may only bootstrap an agency: its first API key
and its first notice key; everything after goes through two gateway admins."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sharing_gateway import notice_sender
from sharing_gateway.adapters.tables import agency_keys, ledger
from sharing_gateway.entrypoints import admin
from sharing_gateway.service_layer import agency_access

from .. import conftest as c
from .test_containment import written


def test_the_operators_command_line_issues_only_an_agencys_first_key(gateway, monkeypatch, capsys):
    c.operator_environment(gateway, monkeypatch)
    assert admin.main(["issue-key", "court"]) == 0
    first = capsys.readouterr().out.strip()
    assert agency_access.authenticate(gateway.uow, first) == "court"
    before = written(gateway)
    assert admin.main(["issue-key", "court"]) == 2
    assert "key-requests" in capsys.readouterr().err
    assert written(gateway) == before
    with gateway.engine.connect() as conn:  # revoked or expired keys still count: no way back to one person
        conn.execute(agency_keys.update().values(expires_at=dt.datetime.now(dt.UTC)))
        conn.commit()
    assert admin.main(["issue-key", "court"]) == 2
    with gateway.engine.connect() as conn:
        issued = conn.execute(sa.select(ledger).where(ledger.c.event_type.like("%key_issued"))).mappings().one()
    assert issued["agency"] == "court" and issued["requested_by"] == issued["approved_by"]
    assert issued["requested_by"].startswith("operator")


def test_the_operators_command_line_registers_only_an_agencys_first_notice_key(gateway, monkeypatch, capsys, tmp_path):
    c.operator_environment(gateway, monkeypatch)
    _, first = notice_sender.write_pair(tmp_path / "first", "court")
    _, second = notice_sender.write_pair(tmp_path / "second", "court")
    assert admin.main(["register-notice-key", "court", str(first)]) == 0
    before = written(gateway)
    assert admin.main(["register-notice-key", "court", str(second)]) == 2
    assert "notice-keys" in capsys.readouterr().err
    assert admin.main(["register-notice-key", "nobody", str(second)]) == 2
    assert written(gateway) == before


def test_check_policies_says_which_file_grants_an_item_the_catalogue_does_not_share(monkeypatch, capsys, tmp_path):
    for shipped in c.POLICIES.glob("*.toml"):
        (tmp_path / shipped.name).write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("POLICY_DIR", str(tmp_path))
    assert admin.main(["check-policies"]) == 0
    assert "public_security@v3" in capsys.readouterr().out
    ps = tmp_path / "public_security.toml"
    ps.write_text(ps.read_text(encoding="utf-8").replace('"request_id", "name_masked"', '"request_id", "category"'))
    assert admin.main(["check-policies"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"policy refused: {ps}: share[2] cn.tongxin.servicedesk.incident.urgent.v1: field 'category' is classed "
        "不予共享 (not_shared) in the data catalogue and cannot be granted"
    )
