"""Running one import job: validate every row, then write as the job's mode says."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence

import sqlalchemy as sa

from chassis import idnumber
from chassis.auth import Principal
from chassis.digests import DigestKey
from chassis.errors import AppError
from registry.adapters.spreadsheets import UnreadableFile, read_rows
from registry.adapters.tables import admin_units, import_jobs, people
from registry.domain.fields import EDITABLE_FIELDS
from registry.domain.person import Person
from registry.service_layer.imports import RowError, header_fields, parse_row
from registry.service_layer.unit_of_work import UowFactory

log = logging.getLogger(__name__)
PROGRESS_EVERY = 1000
RUNNER = "import-runner"


def run_job(uow_factory: UowFactory, job_id: str, digest_keys: Sequence[DigestKey], batch_size: int) -> None:
    """Validate and import one claimed job. Each step has its own unit of work, so progress shows
    while the job runs; ``digest_keys`` (current first) match existing people in a dry run."""
    with uow_factory(RUNNER) as uow:
        job = uow.session.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id)).mappings().one()
    principal = Principal(job["actor"], job["actor"], frozenset({"editor"}), job["scope_unit"])
    try:
        header, rows = read_rows(job["content"], job["filename"])
        mapping = header_fields(header)
        valid, errors, total = _validate(uow_factory, principal, job_id, mapping, rows)
    except UnreadableFile as exc:
        return _finish(uow_factory, job_id, "failed", message=f"{exc.zh} / {exc.en}")
    except AppError as exc:
        return _finish(uow_factory, job_id, "failed", message=f"{exc.detail_zh} / {exc.detail_en}")
    _update(uow_factory, job_id, total_rows=total)
    if job["mode"] == "dry_run":
        new, existing, outside = _split_new(uow_factory, list(digest_keys), principal, valid)
        return _finish(
            uow_factory,
            job_id,
            "succeeded",
            errors=errors + outside,
            created=new,
            updated=existing,
            processed_rows=total,
            message="试运行：未写入任何数据 / dry run: nothing was written",
        )
    if job["mode"] == "all_or_nothing" and errors:
        return _finish(
            uow_factory,
            job_id,
            "failed",
            errors=errors,
            processed_rows=total,
            message=f"有 {len(errors)} 处错误，未导入任何数据 / {len(errors)} errors: nothing was imported",
        )
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    batch = len(valid) if job["mode"] == "all_or_nothing" else batch_size
    for start in range(0, len(valid), max(batch, 1)):
        chunk = valid[start : start + batch]
        with uow_factory(principal.subject) as uow:
            write_errors = _write(uow, principal, chunk, counts)
            if write_errors and job["mode"] == "all_or_nothing":
                return _finish(
                    uow_factory,
                    job_id,
                    "failed",
                    errors=write_errors,
                    processed_rows=total,
                    message="有行无法导入，未导入任何数据 / some rows cannot be imported: nothing was imported",
                )
            errors += write_errors
            uow.commit()
        # Rows that failed validation are already done; the valid ones count as they are written.
        rejected = total - len(valid)
        _update(uow_factory, job_id, processed_rows=rejected + start + len(chunk), **counts)
    _finish(uow_factory, job_id, "succeeded", errors=errors, processed_rows=total, message=None, **counts)


def _validate(uow_factory: UowFactory, principal, job_id, mapping, rows):
    with uow_factory(principal.subject) as uow:
        in_force = sa.select(admin_units.c.code).where(admin_units.c.retired_at.is_(None))
        units = {c for (c,) in uow.session.execute(in_force)}
    valid, errors, seen, total = [], [], {}, 0
    for number, values in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # empty rows are skipped, not errors
        total += 1
        data, row_errors = parse_row(values, mapping, number)
        unit = data.get("unit_code")
        if unit and (unit not in units or not principal.sees(unit)):
            row_errors.append(
                RowError(
                    number,
                    "行政区划代码",
                    "行政区划不存在或不在您的管辖范围内",
                    "Admin unit unknown or outside your scope",
                )
            )
        number_seen = seen.get(data.get("id_number"))
        if number_seen:
            row_errors.append(
                RowError(
                    number,
                    "身份证号码",
                    f"与第 {number_seen} 行的身份证号码重复",
                    f"Same ID number as row {number_seen}",
                )
            )
        elif data.get("id_number"):
            seen[data["id_number"]] = number
        if row_errors:
            errors += row_errors
        else:
            valid.append((number, data))
        if total % PROGRESS_EVERY == 0:
            _update(uow_factory, job_id, message=f"正在校验第 {total} 行 / validating row {total}")
    return valid, [e.__dict__ for e in errors], total


def _split_new(uow_factory: UowFactory, keys, principal, valid) -> tuple[int, int, list[dict]]:
    """(new rows, rows matching a record in scope, errors for rows matching one outside it): the
    same answer the real run gives, and nothing more about a record the caller cannot see."""
    rows = {d["id_number"]: number for number, d in valid}  # one answer per ID number
    with uow_factory(principal.subject) as uow:
        existing = _existing(uow.session, keys, list(rows))
    matches = [(number, existing.get(id_number)) for id_number, number in rows.items()]
    new = sum(1 for _, m in matches if m is None)
    inside = sum(1 for _, m in matches if m is not None and principal.sees(m[1]))
    outside = [_outside_scope(number) for number, m in matches if m is not None and not principal.sees(m[1])]
    return new, inside, outside


def _outside_scope(number: int) -> dict:
    return {
        "row": number,
        "column": "身份证号码",
        "reason": "该身份证号码无法由您导入，请联系上级统战部门",
        "reason_en": "This ID number cannot be imported by you; contact the unit above",
    }


def _existing(conn, keys, numbers: list[str]) -> dict[str, tuple[str, str]]:
    """ID number -> (person id, unit) of the active record holding it, matched under the current
    ID-digest key and those of a rotation in progress."""
    by_digest = {idnumber.digest(n, key): n for n in numbers for key in keys}
    digests = list(by_digest)
    found = {}
    for i in range(0, len(digests), 500):
        for row in conn.execute(
            sa.select(people.c.id_digest, people.c.id, people.c.unit_code).where(
                people.c.id_digest.in_(digests[i : i + 500]), people.c.status == "active"
            )
        ):
            found[by_digest[row.id_digest]] = (row.id, row.unit_code)
    return found


def _write(uow, principal, chunk, counts) -> list[dict]:
    keys = [uow.id_secret, *uow.previous_keys]
    existing = _existing(uow.session, keys, [d["id_number"] for _, d in chunk])
    errors = []
    today = dt.date.today()
    for number, data in chunk:
        fields = dict(data)
        categories = fields.pop("categories", [])
        unit = fields.pop("unit_code")
        match = existing.get(fields["id_number"])
        if match is None:
            person = Person.register(str(uuid.uuid4()), categories=categories, unit_code=unit, today=today, **fields)
            uow.people.add(person, checked=True)
            counts["created"] += 1
        elif not principal.sees(match[1]):
            errors.append(_outside_scope(number))
            continue
        else:
            person = uow.people.get(match[0])
            before = person.version
            person.update({f: v for f, v in fields.items() if f in EDITABLE_FIELDS})
            person.move(unit)
            for code in set(categories) - set(person.current_categories(today)):
                person.join_category(code, today, "表格导入", principal.subject)
            uow.people.save(person)
            counts["updated" if person.version != before else "unchanged"] += 1
        uow.track(person)
    return errors


def _update(uow_factory: UowFactory, job_id: str, **values) -> None:
    with uow_factory(RUNNER) as uow:
        uow.session.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(**values))
        uow.commit()


def _finish(uow_factory: UowFactory, job_id: str, state: str, errors: list | None = None, **values) -> None:
    _update(uow_factory, job_id, state=state, errors=errors or [], finished_at=dt.datetime.now(dt.UTC), **values)
