"""A delivery worker killed mid-batch: only the mail in flight goes again, under the same key."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter

import pytest
from sqlalchemy import select

import jobs.reminders
from tests.reminder_support import deliver, plan
from tracker.clock import AcceleratedClock
from tracker.reminders.models import Notification

MONDAY = dt.date(2026, 5, 4)
DUE_IN_7_WORKING_DAYS = dt.date(2026, 5, 13)


class Killed(BaseException):
    """Stands for kill -9: nothing after it runs, not even the job's error handling."""


def die_after_sending(monkeypatch, nth: int) -> None:
    """Make the worker die right after the server accepted its `nth` mail, before recording it."""
    original, sent = smtplib.SMTP.send_message, []

    def send_message(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        sent.append(1)
        if len(sent) == nth:
            raise Killed
        return result

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_message)


def rows(session) -> list[Notification]:
    session.rollback()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def after_the_lease(app, clock) -> None:
    clock.at += dt.timedelta(seconds=app.extensions["tracker.settings"].reminder_lease_seconds + 1)


def test_only_the_mail_in_flight_is_sent_again(
    app, make, clock, mail_sink, monkeypatch, db_session
):
    clock.set_today(MONDAY, hour=8)
    for i in range(3):
        make.contact("MOF", f"dau.moi{i}@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    die_after_sending(monkeypatch, 2)
    with pytest.raises(Killed):
        deliver(app)
    first = mail_sink.take()
    assert len(first) == 2
    assert [r.state for r in rows(db_session)] == ["sent", "sending", "sending"]
    monkeypatch.undo()
    deliver(app)
    assert mail_sink.take() == []  # the dead worker's lease still holds
    after_the_lease(app, clock)
    deliver(app)
    again = mail_sink.take()
    keys = Counter(m.key for m in first + again)
    assert sorted(keys.values()) == [1, 1, 2]
    assert keys[first[1].key] == 2  # the one in flight, recognisable by its key
    assert [r.state for r in rows(db_session)] == ["sent"] * 3


def test_a_repeat_keeps_its_key_when_new_rows_arrived_meanwhile(
    app, make, clock, mail_sink, monkeypatch, db_session
):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Việc cũ", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    die_after_sending(monkeypatch, 1)
    with pytest.raises(Killed):
        deliver(app)
    (in_flight,) = mail_sink.take()
    monkeypatch.undo()
    make.task(title="Việc mới", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app, force=True)
    after_the_lease(app, clock)
    deliver(app)
    repeat, new = sorted(mail_sink.take(), key=lambda m: m.key != in_flight.key)
    assert repeat.key == in_flight.key
    assert "Việc cũ" in repeat.text and "Việc mới" not in repeat.text
    assert "Việc mới" in new.text and new.key != in_flight.key
    ledger = rows(db_session)
    assert [r.state for r in ledger] == ["sent", "sent"]
    assert {r.message_id for r in ledger} == {
        f"<{in_flight.key}@localhost>",
        f"<{new.key}@localhost>",
    }


def test_a_retry_after_a_lost_connection_keeps_the_key(
    app, make, clock, mail_sink, monkeypatch, db_session
):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Việc cũ", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    original = smtplib.SMTP.send_message

    def lose_the_connection(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(smtplib.SMTP, "send_message", lose_the_connection)
    deliver(app)
    (in_doubt,) = mail_sink.take()
    assert rows(db_session)[0].state == "pending"
    monkeypatch.undo()
    make.task(title="Việc mới", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app, force=True)
    clock.at += dt.timedelta(minutes=2)
    deliver(app)
    keys = sorted(m.key for m in mail_sink.take())
    assert in_doubt.key in keys and len(keys) == 2


class RealTime:
    """A settable real time for an accelerated clock."""

    def __init__(self):
        self.at = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def real_time(app, db_session):
    """The app on a clock 1440 times faster than a settable real time, from Monday 08:00."""
    zone = app.extensions["tracker.settings"].zone
    real = RealTime()
    start = dt.datetime.combine(MONDAY, dt.time(8), zone)
    fixed = app.extensions["tracker.clock"]
    app.extensions["tracker.clock"] = AcceleratedClock(zone, start, 1440, real.at, real)
    yield real
    app.extensions["tracker.clock"] = fixed


def test_retry_delays_are_real_time_on_an_accelerated_clock(
    app, make, mail_sink, real_time, db_session
):
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    mail_sink.stop()
    deliver(app)
    (row,) = rows(db_session)
    # The first retry waits 60 real seconds: a day on a clock 1440 times faster.
    assert row.next_attempt_at - row.updated_at == dt.timedelta(days=1)
    mail_sink.start()
    real_time.advance(59)
    deliver(app)
    assert mail_sink.take() == []
    real_time.advance(2)
    deliver(app)
    assert len(mail_sink.take()) == 1


def test_leases_are_real_time_on_an_accelerated_clock(
    app, make, mail_sink, monkeypatch, real_time, settings_with, db_session
):
    lease = 10  # real seconds: four hours of this clock
    settings_with(reminder_lease_seconds=lease)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOF", "pho.dau.moi@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    die_after_sending(monkeypatch, 1)
    with pytest.raises(Killed):
        deliver(app)
    monkeypatch.undo()
    assert len(mail_sink.take()) == 1
    real_time.advance(lease - 1)
    deliver(app)
    assert mail_sink.take() == []
    real_time.advance(2)
    deliver(app)
    assert len(mail_sink.take()) == 2


def test_a_worker_killed_mid_webhooks_repeats_only_the_event_in_flight(
    app, client, make, clock, monkeypatch, webhook_receiver, db_session
):
    mof = make.auth("agency", "MOF")
    hook = {"url": webhook_receiver.url, "secret": "mof-shared-secret-0123456789"}
    assert client.post("/api/v1/webhooks", json=hook, headers=mof).status_code == 201
    for title in ("Việc một", "Việc hai", "Việc ba"):
        make.task(title=title)  # each one a task.assigned event
    original, posted = jobs.reminders.post, []

    def post(*args, **kwargs):
        status = original(*args, **kwargs)
        posted.append(status)
        if len(posted) == 2:
            raise Killed
        return status

    monkeypatch.setattr(jobs.reminders, "post", post)
    with pytest.raises(Killed):
        deliver(app)
    monkeypatch.undo()
    after_the_lease(app, clock)
    deliver(app)
    ids = Counter(d.headers["X-Tracker-Delivery"] for d in webhook_receiver.deliveries)
    assert sorted(ids.values()) == [1, 1, 2]
    assert [r.state for r in rows(db_session)] == ["sent"] * 3
