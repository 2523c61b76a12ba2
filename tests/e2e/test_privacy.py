"""Privacy over the whole end-to-end run: nothing that left a service can rebuild an ID number or
reveal religion or ethnicity, and no log line holds a secret.

Runs after the other end-to-end tests (see conftest), on what they produced plus a person made
to tempt every leak: a CPPCC member in the religious and ethnic base databases, with religion and
ethnicity recorded and then changed alone. Every record on every topic and every entry of every
agency feed is checked for a raw ID number, an ID number rebuilt from a masked form and the birth
year or from a date and the unit's region in the same record (every candidate enumerated,
confirmed against the person's keyed digest), a sensitive key, and a sensitive value (a category
or tag naming a religion or an ethnicity). Expected: 0 of each.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import requests

from chassis import idnumber, sensitive
from chassis.kafka import KafkaAccess
from registry.config import RegistrySettings
from tests.e2e.conftest import COUNTY, HOME_A, feed, new_person, service_url, wait_for
from tests.e2e.test_contracts import all_records
from tests.support.infra import say

AGENCIES = ("court", "public_security", "npc", "cppcc")
_DATE = re.compile(r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12][0-9]|3[01])(?![0-9])")


@functools.cache
def id_key():
    """The registry's ID-digest key: the platform's processes inherit this environment (read once
    the platform fixture has set it, not at import)."""
    return RegistrySettings.from_env().id_digest_key()


def tempting_person(registry, cppcc) -> dict:
    """A CPPCC member whose record tempts every leak; returns the person with the raw ID number."""
    body = new_person(HOME_A, roles=("cppcc",), categories=("religious_figure", "ethnic_minority"))
    # Born where registered (the usual case): the unit code then gives the region of the number.
    body["id_number"] = idnumber.make(HOME_A[:6], idnumber.birth_date_of(body["id_number"]), 7, "male")
    body |= {"ethnicity": "回族", "religion": "伊斯兰教", "phone": "13712345678", "tags": ["回族", "清真寺管委会"]}
    r = registry.post("/people", json=body)
    assert r.status_code == 201, r.text
    person = {**r.json(), "id_number": body["id_number"]}
    etag = {"If-Match": r.headers["ETag"]}
    changed = registry.patch(f"/people/{person['id']}", json={"religion": "无"}, headers=etag)
    assert changed.status_code == 200, changed.text
    roles = [{"body": "cppcc", "level": "county", "title": "常委", "since": None}]
    moved = registry.put(f"/people/{person['id']}/representative-roles", json={"roles": roles, "reason": "换届",
                         "vetting_basis": "换届考察合格"}, headers={"If-Match": changed.headers["ETag"]})  # fmt: skip
    assert moved.status_code == 200, moved.text
    wait_for(
        lambda: feed(cppcc, lambda e: e["data"].get("person_id") == person["id"] and "previous_roles" in e["data"]),
        90,
        0.5,
        "the CPPCC feed carries the member's role change",
    )
    return person


def strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)
    elif isinstance(value, str):
        yield key, value


def keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from keys(v)


_MASKED = re.compile(r"([0-9]{6})\*{8}([0-9]{3}[0-9X])")
#: Youngest birth year a registered adult can have; later dates in a record are event times.
_LAST_BIRTH_YEAR = dt.date.today().year - 16


def rebuilt(record: Any, digest: str | None) -> list[str]:
    """Every ID number the record narrows the search to, enumerated in full and confirmed by the
    digest: each masked form in it (region and tail) with every date of its ``birth_year``
    (every date 1900-today without one), and each full date in it that could be a birth date with
    the region of its ``unit_code`` and every sequence number. Without either, the record leaves
    region x year x sequence (about 180,000 tries): the residual risk of holding the digest key."""
    if not digest:
        return []
    data = record.get("data") if isinstance(record, dict) and "data" in record else record
    text = json.dumps(record, ensure_ascii=False)
    year = data.get("birth_year") if isinstance(data, dict) else None
    candidates: set[str] = set()
    for region, tail in {m.groups() for m in _MASKED.finditer(text)}:
        for day in _dates_of(range(year, year + 1) if year else range(1900, _LAST_BIRTH_YEAR + 1)):
            candidates.add(f"{region}{day:%Y%m%d}{tail[:3]}")
    unit = str(data.get("unit_code") or "") if isinstance(data, dict) else ""
    if re.fullmatch(r"[0-9]{12}", unit):
        for y, m, d in {match.groups() for match in _DATE.finditer(text)}:
            if int(y) <= _LAST_BIRTH_YEAR:
                candidates.update(f"{unit[:6]}{y}{m}{d}{seq:03d}" for seq in range(1000))
    found = []
    for first17 in candidates:
        number = first17 + idnumber.check_character(first17)
        if idnumber.digest(number, id_key()) == digest:
            found.append(number)
    return found


def _dates_of(years: range) -> Iterator[dt.date]:
    day, end = dt.date(years.start, 1, 1), dt.date(years.stop, 1, 1)
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def findings(entries: list[tuple[str, dict]], digests: dict[str, str]) -> Counter:
    found: Counter = Counter()
    for where, record in entries:
        data = record.get("data") or {}
        for key, text in strings(record):
            if sensitive.contains_id_number(text):
                found["raw ID number"] += 1
                say(f"privacy: raw ID number in {where} {key}")
            if key in ("categories", "category", "tags") and sensitive.is_sensitive_value(text):
                found["sensitive value"] += 1
                say(f"privacy: sensitive value {text!r} in {where}")
        bad_keys = [k for k in keys(data) if k in sensitive.FIELDS]
        found["sensitive key"] += len(bad_keys)
        if bad_keys:
            say(f"privacy: sensitive keys {bad_keys} in {where}")
        digest = data.get("id_digest") or digests.get(data.get("person_id", ""))
        if rebuilt(record, digest):
            found["rebuildable ID number"] += 1
            say(f"privacy: ID number rebuildable in {where}")
        if data.get("changed_fields") == []:
            found["empty changed_fields"] += 1
    return found


def test_nothing_shared_rebuilds_an_id_number_or_reveals_religion_or_ethnicity(platform, as_staff, as_agency):
    registry = as_staff("registry", ("editor",), COUNTY)
    person = tempting_person(registry, as_agency("cppcc"))
    entries: list[tuple[str, dict]] = []
    for topic, values in all_records(KafkaAccess.from_env(platform.kafka.client_env("admin"))).items():
        if not topic.endswith(".dlq"):
            entries += [(topic, json.loads(v)) for v in values]
    for agency in AGENCIES:
        entries += [(f"{agency} feed (API)", e) for e in feed(as_agency(agency))]
    digests = {
        r["data"]["person_id"]: r["data"]["id_digest"]
        for topic, r in entries
        if topic == "registry.person.v1" and "id_digest" in r.get("data", {})
    }
    assert digests[person["id"]] == idnumber.digest(person["id_number"], id_key())  # the check can confirm a rebuild
    found = findings(entries, digests)
    mine = [r for t, r in entries if (r.get("data") or {}).get("person_id") == person["id"]]
    by_topic = Counter(t.split(" ")[0] for t, _ in entries)
    say(f"privacy: {len(entries)} records checked ({dict(by_topic)}), {len(mine)} about the tempting person; "
        f"raw ID numbers {found['raw ID number']}, rebuildable ID numbers {found['rebuildable ID number']}, "
        f"sensitive keys {found['sensitive key']}, sensitive values {found['sensitive value']}, "
        f"empty changed_fields {found['empty changed_fields']}")  # fmt: skip
    assert len(mine) >= 3 and any(t.startswith(("feed.cppcc", "cppcc")) for t, r in entries if r in mine)
    assert sum(found.values()) == 0, dict(found)
    # The probe itself can fail: the old shapes of a person event are caught, the masked form
    # beside the birth year alone (34 tries in 2026's review) as well as beside a full date.
    event = next(r for t, r in entries if t == "registry.person.v1" and r["data"]["person_id"] == person["id"])
    masked = idnumber.mask(person["id_number"])
    with_year = {**event, "data": {**event["data"], "id_masked": masked}}
    assert findings([("probe", with_year)], digests) == Counter({"rebuildable ID number": 1, "sensitive key": 1})
    old = {**event, "data": {**event["data"], "birth_date": person_birth(person), "categories": ["ethnic_minority"]}}
    assert findings([("probe", old)], digests) == Counter(
        {"rebuildable ID number": 1, "sensitive key": 1, "sensitive value": 1}
    )


def person_birth(person: dict) -> str:
    return idnumber.birth_date_of(person["id_number"]).isoformat()


def test_no_log_line_of_the_whole_run_holds_an_id_number_phone_token_key_or_receipt(platform, as_staff, tokens):
    """Secrets sent where logs could catch them (paths, query strings), then every log file grepped."""
    number = idnumber.make("370783", dt.date(1971, 3, 4), 17, "female")
    phone, rating_token = "13698765432", f"{uuid.uuid4().hex[:16]}.{uuid.uuid4().hex}"
    receipt = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
    staff = tokens.issue("log-probe", ["editor"], COUNTY)
    registry = as_staff("registry", ("editor",))
    registry.get("/people", params={"q": number, "text": phone})
    registry.get(f"/people/{number}")
    requests.get(service_url(platform, "evaluation") + f"/rate/{rating_token}", timeout=10)
    requests.get(service_url(platform, "servicedesk") + f"/suggestions/receipts/{receipt}", timeout=10)
    requests.get(service_url(platform, "registry") + "/people", params={"access_token": staff}, timeout=10)
    requests.get(platform.url(next_console(platform), f"/rate/{rating_token}"), timeout=10)
    probes = [number, phone, rating_token, receipt, staff, *platform.keys.values()]
    wait_for(lambda: any(number[:6] + "*" * 8 in p.read_text(errors="replace") for p in log_files(platform)),
             10, 0.3, "the probe requests reach the logs")  # fmt: skip
    leaks: Counter = Counter()
    lines = 0
    for path in log_files(platform):
        for line in path.read_text(errors="replace").splitlines():
            lines += 1
            found = [f"probe {i}" for i, secret in enumerate(probes) if secret in line]
            found += ["an ID number"] if sensitive.contains_id_number(line) else []
            found += ["a phone number"] if sensitive.contains_phone(line) else []
            found += ["a JWT"] if re.search(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.", line) else []
            for what in found:
                leaks[f"{path.name}: {what}"] += 1
                say(f"log grep: {what} in {path.name}: {sensitive.mask_free_text(line, 300)}")
    access = (platform.var / "logs" / "evaluation-api.log").read_text(errors="replace")
    assert '"request": "GET /rate/[redacted] HTTP/1.1"' in access  # gunicorn's access log was on, and redacted
    say(f"log grep: {lines} lines in {len(log_files(platform))} log files, {sum(leaks.values())} leaks")
    assert not leaks, dict(leaks)


def log_files(platform) -> list:
    return sorted((platform.var / "logs").glob("*.log"))


def next_console(platform):
    from run_platform import CONSOLE

    return CONSOLE
