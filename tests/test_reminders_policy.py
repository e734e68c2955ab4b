"""The working-day calendar and the reminder policy's windows (pure functions, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.reminders.calendar import vietnam_calendar
from tracker.reminders.policy import (
    ReminderPolicy,
    Rule,
    due_windows,
    missed_report_period,
)

CALENDAR = vietnam_calendar()
POLICY = ReminderPolicy()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("date", "working"),
    [
        ("2026-05-04", True),  # Monday
        ("2026-05-09", False),  # Saturday
        ("2026-05-10", False),  # Sunday
        ("2026-02-17", False),  # Tết
        ("2026-02-20", False),  # Tết
        ("2026-04-27", False),  # Hùng Kings' day, observed
        ("2026-04-30", False),  # Reunification Day
        ("2026-05-01", False),  # Labour Day
        ("2026-08-22", True),  # a Saturday worked in exchange for 31/08
        ("2026-08-31", False),
        ("2026-09-02", False),  # National Day
        ("2025-04-26", True),  # the Saturday worked for 02/05/2025
    ],
)
def test_working_days_follow_the_official_calendar(date, working):
    assert CALENDAR.is_working_day(day(date)) is working


def test_counting_working_days_skips_tet():
    assert CALENDAR.add_working_days(day("2026-02-13"), 1) == day("2026-02-23")
    assert CALENDAR.add_working_days(day("2026-02-23"), -1) == day("2026-02-13")
    assert CALENDAR.working_days_between(day("2026-02-13"), day("2026-02-24")) == 2
    assert CALENDAR.working_days_between(day("2026-02-24"), day("2026-02-13")) == -2


def windows(date: str, policy: ReminderPolicy = POLICY) -> dict:
    return {
        (w.rule.value, w.count): (w.first.isoformat(), w.last.isoformat())
        for w in due_windows(policy, CALENDAR, day(date))
    }


def test_no_window_on_a_day_off():
    assert windows("2026-05-09") == {}
    assert windows("2026-02-18") == {}


def test_due_soon_windows_cover_days_off_before_a_due_date():
    got = windows("2026-05-08")  # a Friday
    assert got[("due_soon", 1)] == ("2026-05-09", "2026-05-11")  # Sat, Sun and Monday
    assert got[("due_soon", 3)] == ("2026-05-13", "2026-05-13")
    assert got[("due_soon", 7)] == ("2026-05-19", "2026-05-19")
    assert got[("due_today", 0)] == ("2026-05-08", "2026-05-08")


def test_the_last_day_before_tet_reminds_of_everything_due_during_it():
    got = windows("2026-02-13")
    assert got[("due_soon", 1)] == ("2026-02-14", "2026-02-23")


def test_overdue_occurrences_on_days_off_move_to_the_next_working_day_once():
    got = windows("2026-02-23")  # first working day after Tết; the previous was 13/02
    # Occurrences (due + 7j) are taken from the last 7 days only: a task due on 07/02 has
    # occurrences on 14/02 and 21/02, and is reminded once, as 14 days overdue.
    assert got[("overdue", 7)] == ("2026-02-10", "2026-02-16")
    assert got[("overdue", 14)] == ("2026-02-03", "2026-02-09")
    assert len([k for k in got if k[0] == "overdue"]) == 365 // 7


def test_escalation_window_is_ten_working_days_after_the_due_date():
    assert windows("2026-07-14")[("escalated", 10)] == ("2026-06-30", "2026-06-30")
    # Monday: due dates on the weekend before the 10th working day count too.
    assert windows("2026-05-18")[("escalated", 10)] == ("2026-05-04", "2026-05-04")
    assert windows("2026-05-19")[("escalated", 10)] == ("2026-05-05", "2026-05-05")
    assert windows("2026-05-15")[("escalated", 10)] == ("2026-04-29", "2026-05-03")


def test_policy_switches():
    quiet = ReminderPolicy(days_before=(2,), on_due_date=False, overdue_every=0, escalate_after=0)
    assert set(windows("2026-05-04", quiet)) == {("due_soon", 2)}


@pytest.mark.parametrize(
    ("date", "kind", "expected"),
    [
        ("2026-06-01", "month", "2026-05"),
        ("2026-06-02", "month", None),
        ("2026-08-03", "month", "2026-07"),  # 01/08 is a Saturday
        ("2026-09-03", "month", "2026-08"),  # 01-02/09 National Day
        ("2026-07-01", "quarter", "2026-Q2"),
        ("2026-08-03", "quarter", None),
        ("2026-06-01", "off", None),
    ],
)
def test_a_missing_report_is_checked_on_the_first_working_day_of_a_period(date, kind, expected):
    policy = ReminderPolicy(report_period=kind)
    period = missed_report_period(policy, CALENDAR, day(date))
    assert (period.key if period else None) == expected


def test_occurrence_keys_change_with_the_due_date():
    window = next(w for w in due_windows(POLICY, CALENDAR, day("2026-05-08")) if w.count == 3)
    assert window.rule is Rule.DUE_SOON
    assert window.occurrence(day("2026-05-13")) == "2026-05-13/-3wd"
    assert window.occurrence(day("2026-06-13")) != window.occurrence(day("2026-05-13"))
