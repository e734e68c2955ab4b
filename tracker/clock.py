"""Time comes from a clock object so that deadline logic can be tested at any date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


class SystemClock:
    """The real time."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone

    def now(self) -> dt.datetime:
        """Return the current time in UTC."""
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """Return today's calendar date in the configured time zone."""
        return self.now().astimezone(self.zone).date()


class FixedClock(SystemClock):
    """A clock that stands still until moved; for tests and replays."""

    def __init__(self, zone: ZoneInfo, at: dt.datetime):
        super().__init__(zone)
        self.at = at

    def now(self) -> dt.datetime:
        """Return the set time, in UTC like the real clock (it may have been set in local time)."""
        return self.at.astimezone(dt.UTC)

    def set_today(self, day: dt.date, hour: int = 9) -> None:
        """Move to a local hour of a calendar day."""
        self.at = dt.datetime(day.year, day.month, day.day, hour, tzinfo=self.zone).astimezone(
            dt.UTC
        )


def current_clock() -> SystemClock:
    """Return the application's clock."""
    return current_app.extensions["tracker.clock"]
