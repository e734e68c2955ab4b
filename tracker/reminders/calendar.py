"""Working days by Vietnam's official calendar: weekends, public holidays (Tết included), and the
Saturdays worked in exchange for a bridging day off."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)
# Years computed up front, so that threads (the scheduler runs jobs in a pool) only read;
# other years are still computed on demand.
PRELOADED_YEARS = range(2010, 2051)


class WorkingCalendar:
    """Answers which days are working days and counts them."""

    def __init__(self, country: str = "VN"):
        self._holidays = holidays.country_holidays(country, years=PRELOADED_YEARS)

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether offices work on a day."""
        return self._holidays.is_working_day(day)

    def holiday_name(self, day: dt.date) -> str | None:
        """Return the name of the public holiday on a day, if any."""
        return self._holidays.get(day)

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """Return the count-th working day after a day (before it when count is negative)."""
        step = ONE_DAY if count >= 0 else -ONE_DAY
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """Return the last working day strictly before a day."""
        return self.add_working_days(day, -1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count the working days in (start, end] (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Return the working days in (start, end], oldest first."""
        days, day = [], start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                days.append(day)
        return days


@lru_cache(maxsize=4)
def vietnam_calendar(country: str = "VN") -> WorkingCalendar:
    """Return the shared calendar (holidays are computed per year, on demand, then kept)."""
    return WorkingCalendar(country)
