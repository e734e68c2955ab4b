"""The reminder policy: which rule applies to which due dates on a given working day."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

from tracker.config import Settings
from tracker.deadlines import end_of_month, end_of_quarter
from tracker.reminders.calendar import ONE_DAY, WorkingCalendar
from tracker.tasks.models import TaskStatus

# Submitted tasks wait for the Government Office, not for the agency: they are not reminded.
REMINDED_STATUSES = (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


class Rule(StrEnum):
    """Why a reminder is sent; the digest's sections, most urgent first."""

    ESCALATED = "escalated"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    REPORT_MISSING = "report_missing"


DUE_DATE_RULES = frozenset({Rule.ESCALATED, Rule.OVERDUE, Rule.DUE_TODAY, Rule.DUE_SOON})


@dataclasses.dataclass(frozen=True)
class ReminderPolicy:
    """The configurable part of the rules."""

    days_before: tuple[int, ...] = (7, 3, 1)
    on_due_date: bool = True
    overdue_every: int = 7
    overdue_horizon: int = 365
    escalate_after: int = 10
    report_period: str = "month"

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPolicy:
        """Read the policy from the settings."""
        return cls(
            days_before=settings.reminder_days_before,
            on_due_date=settings.reminder_on_due_date,
            overdue_every=settings.reminder_overdue_every_days,
            overdue_horizon=settings.reminder_overdue_horizon_days,
            escalate_after=settings.reminder_escalate_after_working_days,
            report_period=settings.reminder_report_period,
        )


@dataclasses.dataclass(frozen=True)
class Window:
    """Tasks due in [first, last] get a reminder of a rule on the planned day."""

    rule: Rule
    first: dt.date
    last: dt.date
    count: int = 0  # working days before (due soon), days overdue, or working days overdue

    def occurrence(self, due: dt.date) -> str:
        """Return the occurrence key of a task due on a date (a new due date, a new key)."""
        if self.rule is Rule.DUE_SOON:
            return f"{due.isoformat()}/-{self.count}wd"
        if self.rule is Rule.OVERDUE:
            return f"{due.isoformat()}/+{self.count}d"
        return due.isoformat()


def due_windows(policy: ReminderPolicy, calendar: WorkingCalendar, day: dt.date) -> list[Window]:
    """Return the due-date windows of every rule for a working day (none on other days)."""
    if not calendar.is_working_day(day):
        return []
    windows = [_due_soon(calendar, day, n) for n in policy.days_before]
    if policy.on_due_date:
        windows.append(Window(Rule.DUE_TODAY, day, day))
    windows.extend(_overdue(policy, calendar, day))
    if policy.escalate_after:
        windows.append(_escalation(calendar, day, policy.escalate_after))
    return windows


def _due_soon(calendar: WorkingCalendar, day: dt.date, n: int) -> Window:
    """Due dates for which `day` is the n-th working day before (non-working due dates included)."""
    start = calendar.add_working_days(day, n - 1)
    return Window(Rule.DUE_SOON, start + ONE_DAY, calendar.add_working_days(day, n), n)


def _overdue(policy: ReminderPolicy, calendar: WorkingCalendar, day: dt.date) -> list[Window]:
    """Due dates with an overdue occurrence (every k days) since the previous working day.

    Occurrences that fell on days off are sent on the next working day; only the latest
    occurrence of a task counts, so after a long holiday a task is reminded once, not twice.
    """
    k = policy.overdue_every
    if not k:
        return []
    since = max(calendar.previous_working_day(day), day - dt.timedelta(days=k))
    windows = []
    for j in range(1, policy.overdue_horizon // k + 1):
        shift = dt.timedelta(days=k * j)
        windows.append(Window(Rule.OVERDUE, since - shift + ONE_DAY, day - shift, k * j))
    return windows


def _escalation(calendar: WorkingCalendar, day: dt.date, n: int) -> Window:
    """Due dates that `day` is the n-th working day after."""
    first = calendar.add_working_days(day, -n)
    return Window(Rule.ESCALATED, first, calendar.add_working_days(day, -(n - 1)) - ONE_DAY, n)


@dataclasses.dataclass(frozen=True)
class ReportPeriod:
    """A reporting period of regular tasks, e.g. May 2026 or the second quarter of 2026."""

    key: str
    label: str
    start: dt.date
    end: dt.date


def missed_report_period(
    policy: ReminderPolicy, calendar: WorkingCalendar, day: dt.date
) -> ReportPeriod | None:
    """On the first working day of a period, return the period just ended (else None)."""
    if policy.report_period == "off" or not calendar.is_working_day(day):
        return None
    current = report_period_of(policy.report_period, day)
    if calendar.previous_working_day(day) >= current.start:
        return None
    return report_period_of(policy.report_period, current.start - ONE_DAY)


def report_period_of(kind: str, day: dt.date) -> ReportPeriod:
    """Return the month or quarter that contains a day."""
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        start = dt.date(day.year, quarter * 3 - 2, 1)
        roman = ("I", "II", "III", "IV")[quarter - 1]
        end = end_of_quarter(day.year, quarter)
        return ReportPeriod(f"{day.year}-Q{quarter}", f"quý {roman}/{day.year}", start, end)
    start = dt.date(day.year, day.month, 1)
    end = end_of_month(day.year, day.month)
    return ReportPeriod(f"{day:%Y-%m}", f"tháng {day:%m/%Y}", start, end)
