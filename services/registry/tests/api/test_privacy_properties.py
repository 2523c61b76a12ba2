"""Property tests over generated people: no API view below the reveal right, no export and no
event lets the ID number be rebuilt, and hidden fields never show whether a value is recorded.

The masked form (``370783********7128``) hides exactly the eight birth-date digits, so any output
that carries it must not also carry the birth date, in any spelling. Each example registers a
generated person (any birth date, sex, region, optional ethnicity, religion, phone, categories
and tags, sensitive ones included) and reads every way out: the viewer's and the editor's
person view, the search listing, the viewer's and the editor's export, and the outbox events.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chassis import idnumber, sensitive
from registry.adapters.tables import outbox
from registry.domain.categories import BASE_DATABASES
from services.registry.tests.support import DONGGUAN

_names = itertools.count(1)
people = st.fixed_dictionaries(
    {
        "born": st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)),
        "corrected": st.dates(dt.date(1930, 1, 1), dt.date(2005, 12, 31)),
        "region": st.sampled_from(["370783", "370781", "110105", "650102"]),
        "sequence": st.integers(0, 99),
        "gender": st.sampled_from(["male", "female"]),
        "ethnicity": st.sampled_from([None, "汉族", "回族", "维吾尔族"]),
        "religion": st.sampled_from([None, "无", "佛教", "伊斯兰教"]),
        "phone": st.sampled_from([None, "13800001234", "0536-5221234"]),
        "categories": st.lists(st.sampled_from(sorted(BASE_DATABASES)), max_size=3, unique=True),
        "tags": st.lists(st.sampled_from(["企业家", "回族", "佛教协会", "教师"]), max_size=2, unique=True),
    }
)


def spellings(day: dt.date) -> list[str]:
    return [day.isoformat(), f"{day:%Y%m%d}", f"{day:%Y/%m/%d}", f"{day:%Y.%m.%d}"]


def leaks(text: str, number: str, born: dt.date) -> list[str]:
    """What in ``text`` would give the full number away: itself, or its birth date beside the mask."""
    found = [number] if number in text else []
    if idnumber.mask(number) in text:
        found += [s for s in spellings(born) if s in text]
    return found


def workbook_text(content: bytes) -> str:
    rows = load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    return json.dumps([[c.isoformat() if isinstance(c, dt.date) else c for c in row] for row in rows],
                      ensure_ascii=False, default=str)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=people)
def test_no_view_export_or_event_below_the_reveal_right_rebuilds_an_id_number(client, auth, registry, person):
    number = idnumber.make(person["region"], person["born"], person["sequence"], person["gender"])
    name = f"性质{next(_names)}号"
    body = {"name": name, "id_number": number, "unit_code": DONGGUAN, "categories": person["categories"]}
    body |= {k: person[k] for k in ("ethnicity", "religion", "phone", "tags") if person[k]}
    created = client.post("/people", json=body, headers=auth())
    if created.status_code == 409:  # the same generated number again: registered by an earlier example
        return
    assert created.status_code == 201, created.get_json()
    pid = created.get_json()["id"]
    outputs = {"registration answer": json.dumps(created.get_json(), ensure_ascii=False, default=str)}
    # A correction of the birth date (and so the number) puts both into the history and the events.
    old_number, old_born = number, person["born"]
    number = idnumber.make(person["region"], person["corrected"], person["sequence"], person["gender"])
    etag = {"If-Match": created.headers["ETag"]}
    fix = client.patch(f"/people/{pid}", json={"id_number": number, "birth_date": person["corrected"].isoformat()},
                       headers=auth(**etag))  # fmt: skip
    assert fix.status_code in (200, 409), fix.get_json()  # 409: the corrected number is an earlier example's
    if fix.status_code == 409:
        number, person["corrected"] = old_number, old_born
    for role in ("viewer", "editor"):
        view = client.get(f"/people/{pid}", headers=auth((role,))).get_json()
        assert view["ethnicity"] == view["religion"] == sensitive.HIDDEN and view["birth_date"] is None
        assert view["birth_year"] == person["corrected"].year
        outputs[f"{role} view"] = json.dumps(view, ensure_ascii=False)
        history = client.get(f"/people/{pid}/history", headers=auth((role,))).get_json()
        outputs[f"{role} history"] = json.dumps(history, ensure_ascii=False, default=str)
        listed = client.get("/people", query_string={"q": name}, headers=auth((role,))).get_json()["items"]
        outputs[f"{role} listing"] = json.dumps(listed, ensure_ascii=False)
        export = client.get(
            "/people/export.xlsx", query_string={"q": name, "purpose": "属性测试核对"}, headers=auth((role,))
        )
        assert export.status_code == 200
        outputs[f"{role} export"] = workbook_text(export.data)
        if role == "viewer":
            shown = outputs["viewer view"] + outputs["viewer listing"] + outputs["viewer export"]
            assert not [t for t in person["tags"] if sensitive.is_sensitive_value(t) and t in shown]
            assert "religious_figure" not in outputs["viewer view"] and "宗教界人士" not in outputs["viewer export"]
    with registry.engine.connect() as conn:
        events = conn.execute(sa.select(outbox.c.payload).where(outbox.c.key == pid)).scalars().all()
    assert events
    for i, payload in enumerate(events):
        outputs[f"event {i}"] = bytes(payload).decode()
        data = json.loads(payload)["data"]
        assert not set(data) & set(sensitive.FIELDS)
        assert not [c for c in data["categories"] if sensitive.is_sensitive_value(c)]
    for where, text in outputs.items():
        assert not leaks(text, number, person["corrected"]), where
        assert not leaks(text, old_number, old_born), where
