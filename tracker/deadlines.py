"""Deadline kinds, period ends and the default Vietnamese wording of a deadline."""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum

from tracker.errors import InvalidInput


class DeadlineKind(StrEnum):
    """How a task's deadline was expressed."""

    DATE = "date"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    REGULAR = "regular"
    NONE = "none"


UNDATED_KINDS = frozenset({DeadlineKind.REGULAR, DeadlineKind.NONE})
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def end_of_month(year: int, month: int) -> dt.date:
    """Return the last day of a month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def end_of_quarter(year: int, quarter: int) -> dt.date:
    """Return the last day of a quarter (1-4)."""
    return end_of_month(year, quarter * 3)


def end_of_half(year: int, half: int) -> dt.date:
    """Return the last day of a half-year (1 or 2)."""
    return end_of_month(year, half * 6)


def end_of_year(year: int) -> dt.date:
    """Return the last day of a year."""
    return dt.date(year, 12, 31)


def period_end(kind: DeadlineKind, day: dt.date) -> dt.date:
    """Snap a day to the last day of the period of that kind that contains it."""
    if kind is DeadlineKind.DATE:
        return day
    if kind is DeadlineKind.MONTH:
        return end_of_month(day.year, day.month)
    if kind is DeadlineKind.QUARTER:
        return end_of_quarter(day.year, (day.month - 1) // 3 + 1)
    if kind is DeadlineKind.HALF_YEAR:
        return end_of_half(day.year, 1 if day.month <= 6 else 2)
    if kind is DeadlineKind.YEAR:
        return end_of_year(day.year)
    raise ValueError(f"{kind} has no period")


def normalise_due_date(kind: DeadlineKind, due_date: dt.date | None) -> dt.date | None:
    """Check that a due date fits its kind and return the last day that still counts as on time."""
    if kind in UNDATED_KINDS:
        if due_date is not None:
            raise InvalidInput(
                f"A task with deadline_kind '{kind}' has no due date.", field="due_date"
            )
        return None
    if due_date is None:
        raise InvalidInput(
            f"A task with deadline_kind '{kind}' needs a due date.", field="due_date"
        )
    return period_end(kind, due_date)


def describe(kind: DeadlineKind, due_date: dt.date | None) -> str:
    """Return the usual Vietnamese wording of a normalised deadline."""
    if kind is DeadlineKind.REGULAR:
        return "Thường xuyên"
    if kind is DeadlineKind.NONE or due_date is None:
        return "Không có thời hạn"
    if kind is DeadlineKind.DATE:
        return f"Trước ngày {due_date:%d/%m/%Y}"
    if kind is DeadlineKind.MONTH:
        return f"Trong tháng {due_date.month}/{due_date.year}"
    if kind is DeadlineKind.QUARTER:
        return f"Trong quý {ROMAN[(due_date.month - 1) // 3 + 1]}/{due_date.year}"
    if kind is DeadlineKind.HALF_YEAR:
        half = "đầu" if due_date.month <= 6 else "cuối"
        return f"6 tháng {half} năm {due_date.year}"
    return f"Trong năm {due_date.year}"
