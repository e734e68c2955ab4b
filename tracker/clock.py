"""Time comes from a clock object so that deadline logic can be tested at any date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app

if TYPE_CHECKING:
    from tracker.config import Settings


def real_now() -> dt.datetime:
    """Return the machine's current time in UTC."""
    return dt.datetime.now(dt.UTC)


class SystemClock:
    """The real time."""

    speed = 1.0

    def __init__(self, zone: ZoneInfo):
        self.zone = zone

    def now(self) -> dt.datetime:
        """Return the current time in UTC."""
        return real_now()

    def today(self) -> dt.date:
        """Return today's calendar date in the configured time zone."""
        return self.now().astimezone(self.zone).date()

    def span(self, real_seconds: float) -> dt.timedelta:
        """Return how far this clock moves while `real_seconds` of real time pass.

        Leases and retry delays are real durations (a mail server recovers in real time) but
        are stored as clock times, so they are converted with this.
        """
        return dt.timedelta(seconds=real_seconds * self.speed)


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


class AcceleratedClock(SystemClock):
    """Time that starts at a chosen moment and runs `speed` times faster; for rehearsals and tests.

    The clock shows `start` at the real moment `anchor`. Processes given the same start, speed
    and anchor agree on the time, so API workers and schedulers on several hosts share one
    accelerated "today".
    """

    def __init__(
        self,
        zone: ZoneInfo,
        start: dt.datetime,
        speed: float,
        anchor: dt.datetime | None = None,
        real: Callable[[], dt.datetime] = real_now,
    ):
        super().__init__(zone)
        self.start = start.astimezone(dt.UTC)
        self.speed = speed
        self.real = real
        self.anchor = (anchor or real()).astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        """Return the start plus the real time elapsed since the anchor, sped up."""
        return self.start + (self.real() - self.anchor) * self.speed


def clock_for(settings: Settings) -> SystemClock:
    """Return the clock the settings ask for: the real one unless `clock_start` is set."""
    if settings.clock_start is None:
        return SystemClock(settings.zone)
    return AcceleratedClock(
        settings.zone, settings.clock_start, settings.clock_speed, settings.clock_anchor
    )


def current_clock() -> SystemClock:
    """Return the application's clock."""
    return current_app.extensions["tracker.clock"]
