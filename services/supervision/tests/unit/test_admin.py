"""The operator's commands: migrate, close a month (recorded with who and why), refuse a second
close with a message in Chinese and English and a non-zero exit, list the closed months, and
recalculate a closed month under its own scheme version unless the operator names another."""

from __future__ import annotations

from supervision.bootstrap import bootstrap
from supervision.entrypoints import admin


def test_close_month_is_recorded_and_a_second_close_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'supervision.db'}")
    monkeypatch.setenv("DEVELOPMENT_MODE", "true")
    assert admin.main(["migrate"]) == 0
    assert admin.main(["close-month", "2026-10", "--by", "督查科张三", "--reason", "十月考核结算"]) == 0
    assert "2026-10 close-month: scheme 2026.2, snapshot" in capsys.readouterr().out
    assert admin.main(["close-month", "2026-10", "--by", "督查科张三", "--reason", "再次结算"]) == 2
    assert "该月已结算" in capsys.readouterr().err
    assert admin.main(["months"]) == 0
    listed = capsys.readouterr().out
    assert "2026-10 closed" in listed and "督查科张三" in listed and "scheme 2026.2" in listed


def test_a_recalculation_keeps_the_months_own_scheme_unless_one_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'supervision.db'}")
    monkeypatch.setenv("DEVELOPMENT_MODE", "true")
    monkeypatch.setenv("SCHEME_VERSION", "2026.1")
    assert admin.main(["migrate"]) == 0
    assert admin.main(["close-month", "2026-09", "--by", "张三", "--reason", "九月结算"]) == 0
    monkeypatch.delenv("SCHEME_VERSION")  # open months are now scored under 2026.2
    capsys.readouterr()
    assert admin.main(["recalculate", "2026-09", "--by", "李四", "--reason", "补录"]) == 0
    assert "scheme 2026.1," in capsys.readouterr().out
    assert admin.main(["recalculate", "2026-09", "--by", "李四", "--reason", "按新方案", "--scheme", "2026.2"]) == 0
    assert "scheme 2026.2," in capsys.readouterr().out
    assert admin.main(["recalculate", "2026-09", "--by", "李四", "--reason", "x", "--scheme", "1999.9"]) == 2
    assert "没有版本为 1999.9 的考核方案" in capsys.readouterr().err
    with bootstrap().uow() as uow:
        assert uow.supervision.closure("2026-09").scheme_version == "2026.2"
        done = uow.supervision.recalculations("2026-09")
    assert [(r["reason"], r["scheme_version_before"], r["scheme_version"]) for r in done] == [
        ("补录", "2026.1", "2026.1"), ("按新方案", "2026.1", "2026.2")
    ]  # fmt: skip
