"""The working-day calendar (the service desk's SLA clocks, the gateway's request deadlines), with
worked examples on the shipped State Council schedule."""

from __future__ import annotations

import datetime as dt

from chassis.work_calendar import CST, WorkCalendar, load_calendar


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


PLAIN = WorkCalendar()
CHINA = load_calendar()


def test_two_working_days_from_friday_end_on_tuesday():
    assert PLAIN.add_working_time(at("2026-11-27"), dt.timedelta(days=2)) == at("2026-12-01")


def test_weekends_do_not_count():
    assert PLAIN.working_time(at("2026-11-27"), at("2026-11-30")) == dt.timedelta(days=1)


def test_national_day_holidays_and_the_makeup_saturday():
    # 2026-09-30 (Wed) 10:00 + 1 working day: 1-7 Oct are holidays, so Thu 8 Oct 10:00.
    assert CHINA.add_working_time(at("2026-09-30"), dt.timedelta(days=1)) == at("2026-10-08")
    # Sat 10 Oct 2026 is a make-up working day (调休): Fri 9 Oct 10:00 + 1 day = Sat 10 Oct 10:00.
    assert CHINA.add_working_time(at("2026-10-09"), dt.timedelta(days=1)) == at("2026-10-10")
    assert CHINA.is_working_day(dt.date(2026, 2, 14)) and not CHINA.is_working_day(dt.date(2026, 2, 16))


def test_waiting_spells_are_left_out_of_the_elapsed_time():
    running = [(at("2026-11-23", 9), at("2026-11-24", 9)), (at("2026-11-26", 9), at("2026-11-26", 15))]
    assert CHINA.elapsed(running) == dt.timedelta(hours=30)


def test_time_zone_is_china_standard_time():
    # 23:00 UTC on Friday is already Saturday 07:00 in Shouguang: no working time after it.
    friday_late_utc = dt.datetime(2026, 11, 27, 23, 0, tzinfo=dt.UTC)
    assert PLAIN.working_time(friday_late_utc, at("2026-11-30", 0)) == dt.timedelta(0)


def test_an_operators_calendar_file_replaces_the_shipped_one(tmp_path):
    # 2027's schedule before a release carries it: 2027-02-06 (a Saturday) made a working day,
    # 2027-02-08 (a Monday) a holiday.
    path = tmp_path / "calendar.json"
    path.write_text(
        '{"years": {"2027": {"holidays": [["2027-02-08", "2027-02-08"]], "makeup_workdays": ["2027-02-06"]}}}'
    )
    theirs, shipped = load_calendar(str(path)), load_calendar()
    assert theirs.is_working_day(dt.date(2027, 2, 6)) and not shipped.is_working_day(dt.date(2027, 2, 6))
    assert not theirs.is_working_day(dt.date(2027, 2, 8)) and shipped.is_working_day(dt.date(2027, 2, 8))
    # The file replaces the shipped calendar rather than adding to it.
    assert theirs.is_working_day(dt.date(2026, 10, 1)) and not shipped.is_working_day(dt.date(2026, 10, 1))
