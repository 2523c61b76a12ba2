"""The operator's commands: migrate, close a month (recorded with who and why), refuse a second
close with a message in Chinese and English and a non-zero exit, list the closed months."""

from __future__ import annotations

from supervision.entrypoints import admin


def test_close_month_is_recorded_and_a_second_close_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'supervision.db'}")
    monkeypatch.setenv("DEVELOPMENT_MODE", "true")
    assert admin.main(["migrate"]) == 0
    assert admin.main(["close-month", "2026-10", "--by", "督查科张三", "--reason", "十月考核结算"]) == 0
    assert "2026-10 close-month: snapshot" in capsys.readouterr().out
    assert admin.main(["close-month", "2026-10", "--by", "督查科张三", "--reason", "再次结算"]) == 2
    assert "该月已结算" in capsys.readouterr().err
    assert admin.main(["months"]) == 0
    listed = capsys.readouterr().out
    assert "2026-10 closed" in listed and "督查科张三" in listed and "scheme 2026.1" in listed
