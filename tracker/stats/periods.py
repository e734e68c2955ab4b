"""Reporting periods: `2025`, `2025-H1`, `2025-Q2`, `2025-05`, and the months of a range."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from tracker.deadlines import end_of_half, end_of_month, end_of_quarter, end_of_year
from tracker.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 1945, 2100
_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<part>[QqHh])(?P<n>\d)|(?P<month>\d{2})))?")
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
PERIOD_HELP = "a year (2025), a half-year (2025-H1), a quarter (2025-Q2) or a month (2025-05)"


@dataclasses.dataclass(frozen=True)
class DateRange:
    """A range of calendar days, both ends included."""

    start: dt.date
    end: dt.date


def parse_period(text: str) -> DateRange:
    """Return the days of a period such as `2025-Q2`; ValueError names what is accepted."""
    match = _PERIOD.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"Not a period: use {PERIOD_HELP}.")
    year = _year(match["year"])
    if match["month"]:
        return _month_range(year, int(match["month"]))
    if match["part"] is None:
        return DateRange(dt.date(year, 1, 1), end_of_year(year))
    number, part = int(match["n"]), match["part"].upper()
    if part == "Q" and 1 <= number <= 4:
        return DateRange(dt.date(year, number * 3 - 2, 1), end_of_quarter(year, number))
    if part == "H" and number in (1, 2):
        return DateRange(dt.date(year, number * 6 - 5, 1), end_of_half(year, number))
    raise ValueError("Quarters are Q1 to Q4, half-years H1 and H2.")


def parse_month(text: str) -> DateRange:
    """Return the days of a month written `2025-05`; ValueError otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if match is None:
        raise ValueError("Not a month: use YYYY-MM, e.g. 2025-05.")
    return _month_range(_year(match["year"]), int(match["month"]))


def _year(text: str) -> int:
    """Return a year within the range the service handles."""
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"The year must be from {FIRST_YEAR} to {LAST_YEAR}.")
    return year


def _month_range(year: int, month: int) -> DateRange:
    """Return the days of one month."""
    if not 1 <= month <= 12:
        raise ValueError("The month must be from 01 to 12.")
    return DateRange(dt.date(year, month, 1), end_of_month(year, month))


def months_between(first: dt.date, last: dt.date, limit: int) -> list[DateRange]:
    """Return the months from the one holding `first` to the one holding `last`."""
    if first > last:
        raise InvalidInput("The range starts after it ends.", field="from_month")
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > limit:
        raise InvalidInput(f"A trend covers at most {limit} months.", field="from_month")
    months, year, month = [], first.year, first.month
    for _ in range(count):
        months.append(_month_range(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def due_range(
    period: DateRange | None, due_from: dt.date | None, due_to: dt.date | None
) -> DateRange | None:
    """Combine `period` or `due_from`/`due_to` into one range (None: all due dates)."""
    if period is not None and (due_from or due_to):
        raise InvalidInput("Give period or due_from/due_to, not both.", field="period")
    if period is not None:
        return period
    if due_from and due_to and due_from > due_to:
        raise InvalidInput("due_from is after due_to.", field="due_from")
    if due_from is None and due_to is None:
        return None
    return DateRange(due_from or dt.date(FIRST_YEAR, 1, 1), due_to or dt.date(LAST_YEAR, 12, 31))
