"""Spreadsheet import jobs and export of a search."""

from __future__ import annotations

import datetime as dt

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.errors import InvalidInput
from chassis.http import current_principal
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import registry
from registry.service_layer import exports, imports

blp = Blueprint("spreadsheets", __name__, description="Excel 导入导出 / spreadsheet import and export")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(Schema):
    mode = fields.String(
        load_default="dry_run",
        validate=validate.OneOf(list(imports.MODES)),
        metadata={"description": "dry_run validates only; all_or_nothing; good_rows"},
    )


class FileForm(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class RowErrorOut(Schema):
    row = fields.Integer()
    column = fields.String()
    reason = fields.String()
    reason_en = fields.String()


class JobOut(Schema):
    id = fields.String()
    filename = fields.String()
    mode = fields.String()
    state = fields.String(metadata={"description": "queued, running, succeeded, failed"})
    total_rows = fields.Integer(allow_none=True)
    processed_rows = fields.Integer()
    progress = fields.Float()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    error_count = fields.Integer()
    errors = fields.List(fields.Nested(RowErrorOut))
    message = fields.String(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class ExportArgs(s.SearchArgs):
    reveal_id_numbers = fields.Boolean(load_default=False)
    purpose = fields.String(validate=validate.Length(max=300))


@blp.route("/imports")
class Imports(MethodView):
    @blp.arguments(ImportForm, location="query")
    @blp.arguments(FileForm, location="files")
    @blp.response(202, JobOut)
    def post(self, args, files):
        """Import people from .xlsx or .csv as a job (poll it for progress)

        Columns (row 1): 姓名, 身份证号码, 行政区划代码 are required; 性别, 出生日期, 民族,
        政治面貌, 宗教信仰, 学历, 工作单位, 职务, 联系电话, 住址, 基础库 (names separated by 、),
        标签, 诉求, 备注 are optional. People are matched by ID number (upsert).
        """
        upload = files["file"]
        content = upload.read(registry().settings.max_import_bytes + 1)
        if len(content) > registry().settings.max_import_bytes:
            raise InvalidInput(
                f"文件超过 {registry().settings.max_import_bytes // 1048576} MB 上限",
                "The file is larger than the import limit",
                field="file",
            )
        job = imports.submit(registry().uow, current_principal(), upload.filename or "upload", content, args["mode"])
        job_id = job["id"]
        return job, 202, {"Location": f"/imports/{job_id}"}


@blp.route("/imports/<job_id>")
class Import(MethodView):
    @blp.response(200, JobOut)
    def get(self, job_id):
        """Progress and report of an import job"""
        return imports.job_view(registry().uow, current_principal(), job_id)


@blp.route("/imports/<job_id>/errors.xlsx")
class ImportErrors(MethodView):
    @blp.response(200, content_type=XLSX)
    def get(self, job_id):
        """The job's row errors as a workbook (行号, 列, 原因, Reason)"""
        job = imports.job_view(registry().uow, current_principal(), job_id)
        return _xlsx(imports.error_workbook(job), f"import-errors-{job_id[:8]}.xlsx")


@blp.route("/people/export.xlsx")
class Export(MethodView):
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, args):
        """Export the current search as .xlsx (a purpose is required and recorded; masked per role)

        The masked ID number sits beside the birth year only; `reveal_id_numbers=true` (editors)
        exports full ID numbers and birth dates. Religion and ethnicity are never exported.
        """
        reveal, purpose = args.pop("reveal_id_numbers"), args.pop("purpose", None)
        for key in ("limit", "cursor", "with_total"):
            args.pop(key, None)
        content = exports.export_people(registry().uow, current_principal(), args, reveal, purpose)
        return _xlsx(content, f"people-{dt.date.today():%Y%m%d}.xlsx")


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(content, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
