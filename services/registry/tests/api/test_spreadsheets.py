"""Spreadsheet import and export, including malformed and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from registry.adapters.tables import import_jobs, people
from registry.service_layer.import_runner import erase_expired_files
from services.registry.tests.support import DONGGUAN, WENJIA_VILLAGE, XICHENG, new_id_number

HEADER = ["姓名", "性别", "出生日期", "身份证号码", "行政区划代码", "基础库", "工作单位", "标签"]


def xlsx(rows: list[list], header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(name="赵敏", unit=DONGGUAN, **kw):
    born = dt.date(1982, 7, 9)
    row = {
        "姓名": name,
        "性别": "女",
        "出生日期": born,
        "身份证号码": new_id_number(born, "female"),
        "行政区划代码": unit,
        "基础库": "党外知识分子、新的社会阶层人士",
        "工作单位": "寿光市第一中学",
        "标签": "教师",
    }
    row.update(kw)
    return [row[h] for h in HEADER]


def upload(client, auth, content: bytes, mode: str, filename="people.xlsx", headers=None):
    return client.post(
        f"/imports?mode={mode}",
        data={"file": (io.BytesIO(content), filename)},
        headers=headers or auth(),
        content_type="multipart/form-data",
    )


def run(client, auth, registry, content: bytes, mode: str, **kw) -> dict:
    r = upload(client, auth, content, mode, **kw)
    assert r.status_code == 202, r.get_json()
    assert registry.import_runner().run_next()
    return client.get(f"/imports/{r.get_json()['id']}", headers=auth()).get_json()


def count(registry) -> int:
    with registry.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(people)).scalar()


def mixed_file() -> bytes:
    bad_check = good_row("钱多")
    bad_check[3] = bad_check[3][:17] + ("0" if bad_check[3][17] != "0" else "1")
    duplicate = good_row("孙丽")
    return xlsx(
        [
            good_row("赵敏"),
            bad_check,
            [None] * len(HEADER),  # an empty row: skipped
            good_row("周强", 出生日期=dt.date(1990, 1, 1)),  # birth date disagrees with the ID number
            good_row("吴刚", 行政区划代码="370783999999"),
            good_row("郑洁", 基础库="火星人库"),
            good_row("王磊", 工作单位='=HYPERLINK("http://x")'),
            duplicate,
            duplicate,
            good_row("冯雪"),
        ]
    )


def test_dry_run_reports_every_bad_row_and_writes_nothing(client, auth, registry):
    job = run(client, auth, registry, mixed_file(), "dry_run")
    assert job["state"] == "succeeded" and job["total_rows"] == 9
    by_row = {(e["row"], e["column"]): e["reason"] for e in job["errors"]}
    assert "校验码错误" in by_row[(3, "身份证号码")]
    assert "不一致" in by_row[(5, "出生日期")]
    assert "不存在" in by_row[(6, "行政区划代码")]
    assert "无法识别" in by_row[(7, "基础库")]
    assert "公式" in by_row[(8, "工作单位")]
    assert "与第 9 行" in by_row[(10, "身份证号码")]
    assert job["created"] == 3 and count(registry) == 0
    report = client.get(f"/imports/{job['id']}/errors.xlsx", headers=auth())
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "列", "原因", "Reason") and len(rows) == 1 + len(job["errors"])


def test_all_or_nothing_writes_nothing_when_any_row_is_bad(client, auth, registry):
    job = run(client, auth, registry, mixed_file(), "all_or_nothing")
    assert job["state"] == "failed" and "未导入任何数据" in job["message"]
    assert count(registry) == 0


def test_good_rows_mode_imports_the_good_ones(client, auth, registry):
    job = run(client, auth, registry, mixed_file(), "good_rows")
    assert (job["state"], job["created"], job["error_count"]) == ("succeeded", 3, 6)
    names = {x["name"] for x in client.get("/people", headers=auth()).get_json()["items"]}
    assert names == {"赵敏", "孙丽", "冯雪"}
    person = client.get("/people?q=zm", headers=auth()).get_json()["items"][0]
    full = client.get(f"/people/{person['id']}", headers=auth()).get_json()
    assert set(full["current_categories"]) == {"non_party_intellectual", "new_social_strata"}
    assert full["tags"] == ["教师"]


def test_import_is_idempotent_and_updates_by_id_number(client, auth, registry):
    rows = [good_row(f"学员{i}") for i in range(5)]
    first = run(client, auth, registry, xlsx(rows), "all_or_nothing")
    again = run(client, auth, registry, xlsx(rows), "all_or_nothing")
    assert (first["created"], again["created"], again["unchanged"]) == (5, 0, 5)
    rows[0][6] = "寿光市实验中学"
    rows[1][4] = XICHENG
    third = run(client, auth, registry, xlsx(rows), "all_or_nothing")
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 2, 3)
    assert count(registry) == 5


def test_import_stays_in_scope(client, auth, registry):
    job = run(client, auth, registry, xlsx([good_row(unit=WENJIA_VILLAGE)]), "good_rows", headers=auth(unit=DONGGUAN))
    assert job["created"] == 0 and "管辖范围" in job["errors"][0]["reason"]


def test_a_dry_run_says_no_more_about_a_record_outside_scope_than_the_real_run(client, auth, registry):
    elsewhere = good_row("远处甲", unit=WENJIA_VILLAGE)
    run(client, auth, registry, xlsx([elsewhere]), "good_rows")  # the county registers someone in 文家街道
    mine = good_row("近处乙", unit=DONGGUAN)
    moved = list(elsewhere)
    moved[HEADER.index("行政区划代码")] = DONGGUAN  # a 东关 worker's file holds the same ID number
    content = xlsx([mine, moved])
    dry = run(client, auth, registry, content, "dry_run", headers=auth(unit=DONGGUAN))
    real = run(client, auth, registry, content, "good_rows", headers=auth(unit=DONGGUAN))
    assert (dry["created"], dry["updated"]) == (1, 0)  # the outside record is not counted as "to update"
    assert dry["errors"] == real["errors"] and [e["row"] for e in dry["errors"]] == [3]
    text = str(dry) + str(real)
    assert "远处甲" not in text and WENJIA_VILLAGE not in text and "文家" not in text


def test_uploaded_files_are_erased_once_their_job_has_ended_and_the_retention_passed(client, auth, registry):
    job = run(client, auth, registry, xlsx([good_row("保留甲")]), "good_rows")
    queued = upload(client, auth, xlsx([good_row("保留乙")]), "dry_run").get_json()

    def stored(job_id):
        with registry.engine.connect() as conn:
            return bytes(conn.execute(sa.select(import_jobs.c.content).where(import_jobs.c.id == job_id)).scalar())

    assert stored(job["id"]) and erase_expired_files(registry.uow, 600) == 0  # within the retention: kept
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=601)
    assert erase_expired_files(registry.uow, 600, now=later) == 1
    assert stored(job["id"]) == b"" and stored(queued["id"])  # a job not yet run keeps its file
    report = client.get(f"/imports/{job['id']}", headers=auth()).get_json()
    assert (report["state"], report["created"]) == ("succeeded", 1)  # the report stays
    assert registry.settings.import_file_retention_seconds == 600


@pytest.mark.parametrize(
    "content, filename, text",
    [
        (xlsx([good_row()], header=["名字", "号码", "单位"]), "people.xlsx", "缺少必需的列"),
        (os.urandom(10 * 1024 * 1024), "junk.xlsx", "不是有效的 Excel"),
        (os.urandom(10 * 1024 * 1024), "junk.csv", "不是文本格式"),
        (b"PK\x03\x04" + os.urandom(4096), "fake.xlsx", "无法读取"),
        (b"", "empty.csv", "空"),
    ],
)
def test_malformed_files_are_refused_at_once(client, auth, registry, content, filename, text):
    r = upload(client, auth, content, "good_rows", filename=filename)
    assert r.status_code == 422, r.get_json()
    assert r.mimetype == "application/problem+json" and text in r.get_json()["detail"]
    assert count(registry) == 0


def test_a_zip_that_is_not_a_workbook(client, auth):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    r = upload(client, auth, out.getvalue(), "dry_run")
    assert r.status_code == 422 and "无法读取" in r.get_json()["detail"]


def test_oversized_uploads_are_refused(client, auth):
    r = upload(client, auth, b"a" * (13 * 1024 * 1024), "dry_run", filename="big.csv")
    assert r.status_code == 413 and r.mimetype == "application/problem+json"


def test_csv_in_gb18030_as_excel_writes_it(client, auth, registry):
    row = good_row("欧阳娜娜")
    line = ",".join(str(v) if not isinstance(v, dt.date) else v.isoformat() for v in row)
    content = (",".join(HEADER) + "\r\n" + line + "\r\n").encode("gb18030")
    job = run(client, auth, registry, content, "all_or_nothing", filename="名单.csv")
    assert (job["state"], job["created"]) == ("succeeded", 1)
    assert client.get("/people?q=oyn", headers=auth()).get_json()["items"][0]["name"] == "欧阳娜娜"
