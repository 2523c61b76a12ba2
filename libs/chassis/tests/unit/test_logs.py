"""JSON log lines carry no ID number, phone, token, agency key, rating token or receipt code."""

import json
import logging

import pytest
import sqlalchemy as sa

from chassis.db import make_engine
from chassis.logs import REDACTED, JsonFormatter, redact

NUMBER = "11010519491231002X"
SECRETS = [
    NUMBER,
    "13812345678",
    "0123456789abcdef.AbC_dEf-123xyz",  # a rating token (id.secret)
    "ABCD2345EFGH",  # a suggestion receipt code
    "tx.0123456789abcdef.s3cr3t-agency-key",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
]


def line(message: str, *args, **extra) -> str:
    record = logging.LogRecord("tongxin.http", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return JsonFormatter("test").format(record)


def test_paths_queries_and_credentials_are_redacted_in_every_field():
    out = line(
        "%s %s %s",
        "GET",
        f"/rate/{SECRETS[2]}",
        200,
        detail=f"receipt /suggestions/receipts/{SECRETS[3]} for {NUMBER}, call 138 1234 5678",
        header=f"ApiKey {SECRETS[4]} / Bearer {SECRETS[5]}",
        query=f"/people?q={NUMBER}&text=13812345678&limit=5",
    )
    json.loads(out)
    for secret in [*SECRETS, "138 1234 5678"]:
        assert secret not in out, secret
    assert "110105************" in out and "limit=5" in out  # the region only


def test_exceptions_are_redacted_too():
    try:
        raise ValueError(f"bad id {NUMBER}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert NUMBER not in JsonFormatter("test").format(record)


def test_postgresqls_error_details_lose_their_values():
    detail = "DETAIL:  Key (agency, notice_id)=(cppcc, 政协〔2026〕7号) already exists."
    assert redact(detail) == "DETAIL:  Key (agency, notice_id)=" + REDACTED + " already exists."
    row = "DETAIL:  Failing row contains (p1, 张三, 撤销资格)."
    assert "张三" not in redact(row) and redact(row).startswith("DETAIL:  Failing row contains ")


def test_ordinary_lines_pass_unchanged():
    assert redact("POST /people 201") == "POST /people 201"
    assert redact("GET /people/6a1c2f7e-1d2b-4c3d-9e8f-0a1b2c3d4e5f 200").endswith("4e5f 200")


def test_credentials_in_any_spelling_are_redacted():
    for line_ in ("authorization: bearer eyJabc.def", "Authorization: Basic dXNlcjpwYXNz",
                  '{"token": "s3cr3t-rating-token-value"}', "X-Api-Key: gwk_live_abcdef0123456789"):  # fmt: skip
        out = redact(line_)
        assert REDACTED in out and not any(s in out for s in ("eyJabc", "dXNlcjpwYXNz", "s3cr3t", "gwk_live")), out
    assert redact("GET /people?unit=370783000000 200") == "GET /people?unit=370783000000 200"  # a unit code stays


def test_a_failed_statements_error_names_no_value(tmp_path):
    """Consumers and views log database errors; the values in them are people's data."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (reason TEXT UNIQUE)")
        conn.execute(sa.text("INSERT INTO t VALUES (:r)"), {"r": "撤销资格：违纪通报 2026-117"})
    with pytest.raises(sa.exc.IntegrityError) as failed, engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (:r)"), {"r": "撤销资格：违纪通报 2026-117"})
    assert "UNIQUE" in str(failed.value) and "违纪通报" not in str(failed.value)
