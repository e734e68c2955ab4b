"""Clocks: the real one, a fixed one, and the accelerated one of rehearsals and soak tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from api.app import create_app
from tracker.clock import AcceleratedClock, FixedClock, SystemClock, clock_for
from tracker.config import ConfigError, load_settings

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
REAL = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 5, 4, 7, 0, tzinfo=ZONE)


class Real:
    """A real time that moves only when told."""

    def __init__(self, at: dt.datetime = REAL):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def test_the_accelerated_clock_shows_its_start_at_the_anchor_then_runs_fast():
    real = Real()
    clock = AcceleratedClock(ZONE, START, 1440, REAL, real)
    assert clock.now() == START
    assert clock.now().tzinfo == dt.UTC
    real.at += dt.timedelta(seconds=30)
    assert clock.now() == START + dt.timedelta(hours=12)
    assert clock.today() == dt.date(2026, 5, 4)
    real.at += dt.timedelta(seconds=30)
    assert clock.today() == dt.date(2026, 5, 5)


def test_two_processes_with_the_same_anchor_agree_whenever_they_start():
    real = Real(REAL + dt.timedelta(seconds=40))
    early = AcceleratedClock(ZONE, START, 2880, REAL, real)
    real.at += dt.timedelta(seconds=5)
    late = AcceleratedClock(ZONE, START, 2880, REAL, real)
    assert early.now() == late.now() == START + dt.timedelta(seconds=45 * 2880)


def test_without_an_anchor_the_clock_starts_when_it_is_made():
    real = Real()
    clock = AcceleratedClock(ZONE, START, 60, real=real)
    real.at += dt.timedelta(seconds=1)
    assert clock.now() == START + dt.timedelta(minutes=1)


def test_spans_turn_real_seconds_into_clock_time():
    assert SystemClock(ZONE).span(10) == dt.timedelta(seconds=10)
    assert FixedClock(ZONE, START).span(10) == dt.timedelta(seconds=10)
    assert AcceleratedClock(ZONE, START, 1440, REAL).span(10) == dt.timedelta(hours=4)


def test_the_real_clock_by_default():
    clock = clock_for(load_settings(environ={}))
    assert type(clock) is SystemClock
    before = dt.datetime.now(dt.UTC)
    assert before - dt.timedelta(seconds=1) <= clock.now() <= before + dt.timedelta(seconds=5)


def test_settings_make_an_accelerated_clock():
    settings = load_settings(
        environ={
            "TRACKER_CLOCK_START": "2026-05-04T07:00+07:00",
            "TRACKER_CLOCK_SPEED": "1440",
            "TRACKER_CLOCK_ANCHOR": "2026-11-30T01:00:00Z",
        }
    )
    assert settings.clock_start == START
    assert settings.clock_speed == 1440.0
    assert settings.clock_anchor == REAL
    clock = clock_for(settings)
    assert isinstance(clock, AcceleratedClock)
    assert (clock.start, clock.speed, clock.anchor) == (START, 1440.0, REAL)


def test_a_shifted_clock_at_real_speed_needs_no_anchor():
    settings = load_settings(environ={"TRACKER_CLOCK_START": "2026-05-04T07:00+07:00"})
    clock = clock_for(settings)
    assert clock.speed == 1
    assert abs(clock.now() - START) < dt.timedelta(seconds=5)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TRACKER_CLOCK_START": "2026-05-04T07:00"}, "TRACKER_CLOCK_START: expected a date"),
        ({"TRACKER_CLOCK_START": "4/5/2026"}, "TRACKER_CLOCK_START"),
        ({"TRACKER_CLOCK_SPEED": "0.5", "TRACKER_CLOCK_START": "2026-05-04T07:00Z"}, "1 to"),
        ({"TRACKER_CLOCK_SPEED": "fast"}, "TRACKER_CLOCK_SPEED"),
        ({"TRACKER_CLOCK_SPEED": "60"}, "need TRACKER_CLOCK_START"),
        ({"TRACKER_CLOCK_ANCHOR": "2026-11-30T01:00Z"}, "need TRACKER_CLOCK_START"),
        (
            {"TRACKER_CLOCK_START": "2026-05-04T07:00Z", "TRACKER_CLOCK_SPEED": "60"},
            "needs TRACKER_CLOCK_ANCHOR",
        ),
    ],
)
def test_bad_clock_settings_stop_the_service(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_the_app_runs_on_the_configured_clock(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'clock.db'}",
            "SECRET_KEY": "test-secret-key-0123456789",
            "CLOCK_START": "2026-05-04T07:00+07:00",
            "CLOCK_SPEED": "1440",
            "CLOCK_ANCHOR": dt.datetime.now(dt.UTC).isoformat(),
        }
    )
    clock = app.extensions["tracker.clock"]
    assert isinstance(clock, AcceleratedClock)
    assert clock.today() in {dt.date(2026, 5, 4), dt.date(2026, 5, 5)}
