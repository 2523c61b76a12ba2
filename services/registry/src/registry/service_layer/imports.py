"""Spreadsheet import as a job: dry run, all-or-nothing, or good rows only; idempotent upserts.

A job is stored with its file when it is submitted and run by the worker, so it
survives an API restart, reports progress, and can be polled. Every row is
validated first; errors name the row, the column and the reason in Chinese and
English. ``all_or_nothing`` writes nothing unless every row is good; ``good_rows``
writes the good rows and reports the rest. Rows are matched by ID number, so
running the same file twice changes nothing the second time.

The uploaded file holds full ID numbers and religion: the runner erases it once its
job has ended and ``import_file_retention_seconds`` have passed (the report stays).
No report, dry run or not, names or counts a record outside the caller's scope.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid

import sqlalchemy as sa

from chassis import idnumber, units
from chassis.auth import Principal
from chassis.errors import AppError, InvalidInput, NotFound
from chassis.spreadsheets import write_xlsx
from registry.adapters.spreadsheets import FormulaCell, UnreadableFile, read_rows
from registry.adapters.tables import import_jobs
from registry.domain.categories import code_for
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

log = logging.getLogger(__name__)
MODES = ("dry_run", "all_or_nothing", "good_rows")

#: Spreadsheet header -> field. Exports use the first name of each field, so they re-import.
COLUMNS = {
    "姓名": "name",
    "性别": "gender",
    "出生日期": "birth_date",
    "身份证号码": "id_number",
    "民族": "ethnicity",
    "政治面貌": "political_affiliation",
    "宗教信仰": "religion",
    "学历": "education",
    "工作单位": "employer",
    "职务": "position",
    "联系电话": "phone",
    "住址": "address",
    "行政区划代码": "unit_code",
    "基础库": "categories",
    "标签": "tags",
    "诉求": "needs",
    "备注": "notes",
}
ALIASES = {"身份证号": "id_number", "所属单位代码": "unit_code", "单位": "employer", "电话": "phone", "手机": "phone"}
REQUIRED = ("name", "id_number", "unit_code")
_GENDER = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
_SPLIT = str.maketrans({"、": ",", "，": ",", ";": ",", "；": ",", "|": ","})


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    reason: str
    reason_en: str


def header_fields(header: list[str]) -> dict[int, str]:
    """Column index -> field; raises InvalidInput naming missing required columns."""
    mapping = {}
    for i, name in enumerate(header):
        field = COLUMNS.get(name) or ALIASES.get(name) or (name if name in COLUMNS.values() else None)
        if field:
            mapping[i] = field
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        names = {v: k for k, v in reversed(COLUMNS.items())}
        raise InvalidInput(
            f"缺少必需的列：{'、'.join(names[f] for f in missing)}（第1行须为列名）",
            f"Missing required columns: {', '.join(missing)} (row 1 must hold the column names)",
            missing_columns=[names[f] for f in missing],
        )
    return mapping


def submit(uow_factory: UowFactory, principal: Principal, filename: str, content: bytes, mode: str) -> dict:
    """Check the file can be read and has the right columns, then queue the job; returns it."""
    principal.require_role("editor")
    if mode not in MODES:
        raise InvalidInput(f"导入模式须为 {'/'.join(MODES)}", f"mode must be one of {MODES}", field="mode")
    try:
        header, _ = read_rows(content, filename)
    except UnreadableFile as exc:
        raise InvalidInput(exc.zh, exc.en, field="file") from None
    header_fields(header)
    job_id = str(uuid.uuid4())
    with uow_factory(principal.subject) as uow:
        _queue(uow, principal, job_id, filename, content, mode)
        job = _job_view(uow, principal, job_id)
        uow.commit()
        return job


def _queue(uow: UnitOfWork, principal: Principal, job_id: str, filename: str, content: bytes, mode: str) -> None:
    uow.session.execute(
        import_jobs.insert().values(
            id=job_id,
            filename=filename[:300],
            content=content,
            mode=mode,
            state="queued",
            processed_rows=0,
            created=0,
            updated=0,
            unchanged=0,
            errors=[],
            actor=principal.subject,
            scope_unit=principal.unit,
            created_at=dt.datetime.now(dt.UTC),
        )
    )


def job_view(uow_factory: UowFactory, principal: Principal, job_id: str) -> dict:
    """A job's progress and report. It quotes birth dates and check characters of ID numbers:
    editors only, like imports."""
    principal.require_role("editor")
    with uow_factory(principal.subject) as uow:
        return _job_view(uow, principal, job_id)


def _job_view(uow: UnitOfWork, principal: Principal, job_id: str) -> dict:
    row = uow.session.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id)).mappings().first()
    if row is None or (not principal.sees(row["scope_unit"]) and row["actor"] != principal.subject):
        raise NotFound("未找到该导入任务", "No such import job")
    view = {k: v for k, v in row.items() if k != "content"}
    view["error_count"] = len(row["errors"])
    view["progress"] = round(row["processed_rows"] / row["total_rows"], 4) if row["total_rows"] else 0.0
    return view


def error_workbook(job: dict) -> bytes:
    rows = ([e["row"], e["column"], e["reason"], e["reason_en"]] for e in job["errors"])
    return write_xlsx(["行号", "列", "原因", "Reason"], rows)


def parse_row(values: list, mapping: dict[int, str], number: int) -> tuple[dict, list[RowError]]:
    """Cell values -> person fields, with every problem found in the row."""
    data, errors = {}, []
    for i, field in mapping.items():
        value = values[i] if i < len(values) else None
        column = _column(field)
        if isinstance(value, FormulaCell):
            errors.append(
                RowError(number, column, "单元格含公式，请粘贴为数值后再导入", "Formula cell; paste values instead")
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            data[field] = _convert(field, value)
        except ValueError as exc:
            zh, en = exc.args if len(exc.args) == 2 else (str(exc), str(exc))
            errors.append(RowError(number, column, zh, en))
    for field in REQUIRED:
        if field not in data and not any(e.column == _column(field) for e in errors):
            errors.append(RowError(number, _column(field), "必填项为空", "Required value is empty"))
    if "id_number" in data and not errors:
        try:
            data["id_number"] = idnumber.validate(data["id_number"], data.get("birth_date"), data.get("gender"))
        except AppError as exc:
            errors.append(RowError(number, _column(exc.extra.get("field", "id_number")), exc.detail_zh, exc.detail_en))
    return data, errors


def _column(field: str) -> str:
    return next((k for k, v in COLUMNS.items() if v == field), field)


def _convert(field: str, value):
    if field == "birth_date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD", "Dates must look like YYYY-MM-DD") from None
    text = str(value).strip()
    if field == "gender":
        if text.lower() not in _GENDER:
            raise ValueError("性别应为“男”或“女”", "Gender must be 男 or 女 (male/female)")
        return _GENDER[text.lower()]
    if field == "categories":
        codes = [code_for(part) for part in text.translate(_SPLIT).split(",") if part.strip()]
        if None in codes:
            raise ValueError("基础库名称无法识别", "Unknown base database name")
        return sorted(set(codes))
    if field == "tags":
        return sorted({t.strip() for t in text.translate(_SPLIT).split(",") if t.strip()})
    if field == "id_number":
        return idnumber.normalise(text)
    if field == "unit_code":
        text = units.normalise(text.split(".")[0])
        try:
            units.check(text)
        except units.InvalidUnitCode:
            raise ValueError("行政区划代码应为12位数字", "Admin unit code must be 12 digits") from None
    if len(text) > 300:
        raise ValueError("内容过长（最多300字）", "Too long (300 characters at most)")
    return text
