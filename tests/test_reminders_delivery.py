"""Delivery against a real SMTP server: races, outages, killed workers, failures, days off."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from sqlalchemy import func, select

from jobs.runner import run_job
from tests.reminder_support import deliver, plan
from tracker.reminders import ledger
from tracker.reminders.delivery import DeliveryContext, claim_mail_items
from tracker.reminders.models import Notification, NotificationAttempt

MONDAY = dt.date(2026, 5, 4)
DUE_IN_7_WORKING_DAYS = dt.date(2026, 5, 13)


def rows(session) -> list[Notification]:
    """Every ledger row, freshly read."""
    session.rollback()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def states(session) -> Counter:
    return Counter(row.state for row in rows(session))


def later(clock, **delta) -> None:
    """Move the clock forward."""
    clock.at = clock.at + dt.timedelta(**delta)


def test_two_workers_racing_send_each_mail_once(
    app, make, clock, mail_sink, settings_with, db_session
):
    settings_with(reminder_batch_size=3)
    clock.set_today(MONDAY, hour=8)
    contacts = [make.contact("MOF", f"dau.moi{i}@mof.gov.vn") for i in range(24)]
    for title in ("Việc một", "Việc hai"):
        make.task(title=title, due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        results.append(deliver(app))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mails = mail_sink.take()
    assert sorted(m.to for m in mails) == sorted(c.email for c in contacts)
    assert len({m.key for m in mails}) == len(mails) == 24
    assert all("Việc một" in m.text and "Việc hai" in m.text for m in mails)
    assert states(db_session) == {"sent": 48}
    assert sum(r.get("messages_sent", 0) for r in results) == 24


def test_smtp_down_for_an_hour_loses_nothing(app, make, clock, mail_sink, db_session):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOH", "dau.moi@moh.gov.vn")
    make.task(title="Việc của Bộ Tài chính", due_date=DUE_IN_7_WORKING_DAYS)
    make.task(title="Việc của Bộ Y tế", lead_agency="MOH", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    mail_sink.stop()
    for _minute in range(0, 60, 5):
        deliver(app)
        later(clock, minutes=5)
    ledger = rows(db_session)
    assert {r.state for r in ledger} == {"pending"}
    assert all("ConnectionRefusedError" in r.last_error for r in ledger)
    # Backoff: 1, 2, 4, 8, 16, 32 minutes -> six attempts in the hour, not twelve.
    assert [r.attempts for r in ledger] == [6, 6]
    mail_sink.start()
    later(clock, minutes=30)
    deliver(app)
    deliver(app)
    mails = mail_sink.take()
    assert sorted(m.to for m in mails) == ["dau.moi@mof.gov.vn", "dau.moi@moh.gov.vn"]
    assert states(db_session) == {"sent": 2}
    outcomes = db_session.scalars(
        select(NotificationAttempt.outcome).order_by(NotificationAttempt.id)
    )
    assert Counter(outcomes) == {"pending": 12, "sent": 2}


def test_a_killed_worker_leaves_nothing_stuck(app, make, clock, mail_sink, db_session):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    lease = dt.timedelta(seconds=app.extensions["tracker.settings"].reminder_lease_seconds)
    ctx = DeliveryContext("killed-worker", clock.now(), lease, 10, 20, 60, 1800)
    claimed = run_job(app, "claim", lambda: claim_mail_items(ctx))
    assert len(claimed) == 1  # ...and the worker dies without sending or recording
    deliver(app)
    assert mail_sink.take() == []  # the lease still protects the row
    assert rows(db_session)[0].state == "sending"
    later(clock, seconds=lease.total_seconds() + 1)
    deliver(app)
    assert [m.to for m in mail_sink.take()] == ["dau.moi@mof.gov.vn"]
    (row,) = rows(db_session)
    assert (row.state, row.attempts, row.claimed_by) == ("sent", 2, None)


def test_a_4xx_reply_is_retried_and_a_5xx_recorded(app, make, clock, mail_sink, db_session):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOF", "khong.ton.tai@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    mail_sink.reply = "451 4.3.0 Mailbox busy, try later"
    deliver(app)
    assert {(r.state, r.last_error) for r in rows(db_session)} == {
        ("pending", "SMTP 451 4.3.0 Mailbox busy, try later")
    }
    mail_sink.reply = None
    mail_sink.refuse = {"khong.ton.tai@mof.gov.vn": "550 5.1.1 No such user"}
    later(clock, minutes=2)
    deliver(app)
    assert [m.to for m in mail_sink.take()] == ["dau.moi@mof.gov.vn"]
    by_address = {r.recipient: r for r in rows(db_session)}
    assert by_address["dau.moi@mof.gov.vn"].state == "sent"
    failed = by_address["khong.ton.tai@mof.gov.vn"]
    assert (failed.state, failed.attempts) == ("failed", 2)
    assert failed.last_error == "Recipient refused: 550 5.1.1 No such user"
    later(clock, days=1)
    deliver(app)
    assert mail_sink.take() == []


def test_temporary_failures_stop_after_the_last_attempt(
    app, make, clock, mail_sink, settings_with, db_session
):
    settings_with(reminder_max_attempts=2)
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    mail_sink.reply = "421 4.7.0 Too many connections"
    for _ in range(3):
        deliver(app)
        later(clock, hours=1)
    (row,) = rows(db_session)
    assert (row.state, row.attempts) == ("failed", 2)
    assert row.last_error == "Gave up after 2 attempts: SMTP 421 4.7.0 Too many connections"


def test_per_task_mails_on_request(app, make, clock, mail_sink, settings_with, db_session):
    settings_with(reminder_digest=False)
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn", name="Trần Thị Bình")
    directive = make.directive(number="77/TB-VPCP")
    make.task(directive, title="Sửa đổi nghị định về hóa đơn", due_date=DUE_IN_7_WORKING_DAYS)
    make.task(directive, title="Đánh giá thu ngân sách", due_date=MONDAY)
    plan(app)
    deliver(app)
    mails = sorted(mail_sink.take(), key=lambda m: m.subject)
    assert [m.subject for m in mails] == [
        "[Nhắc việc] Nhiệm vụ sắp đến hạn: Sửa đổi nghị định về hóa đơn (77/TB-VPCP)",
        "[Nhắc việc] Nhiệm vụ đến hạn hôm nay: Đánh giá thu ngân sách (77/TB-VPCP)",
    ]
    assert "Kính gửi Trần Thị Bình," in mails[0].text
    assert "Hạn 13/05/2026: còn 9 ngày (7 ngày làm việc)" in mails[0].text
    assert "Hạn 04/05/2026: hôm nay là hạn cuối" in mails[1].text
    assert str(mails[0].message["To"]) == "Trần Thị Bình <dau.moi@mof.gov.vn>"
    assert mails[0].message["Message-ID"] != mails[1].message["Message-ID"]


def test_paused_contact_or_closed_task_gets_nothing(
    app, client, make, clock, mail_sink, db_session
):
    clock.set_today(MONDAY, hour=8)
    paused = make.contact("MOF", "nghi.phep@mof.gov.vn", paused=True)
    later_paused = make.contact("MOF", "se.nghi@mof.gov.vn")
    make.contact("MOH", "dau.moi@moh.gov.vn")
    make.task(due_date=DUE_IN_7_WORKING_DAYS)
    cancelled = make.task(lead_agency="MOH", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    office = make.auth("office")
    headers = make.auth("agency", "MOF")
    url = f"/api/v1/agencies/MOF/contacts/{later_paused.id}"
    assert client.patch(url, json={"paused": True}, headers=headers).status_code == 200
    withdrawn = client.post(
        f"/api/v1/tasks/{cancelled.id}/cancel", json={"reason": "Không còn cần"}, headers=office
    )
    assert withdrawn.status_code == 200
    deliver(app)
    assert mail_sink.take() == []
    reasons = {r.recipient: (r.state, r.last_error) for r in rows(db_session)}
    assert reasons == {
        "se.nghi@mof.gov.vn": ("skipped", "The contact paused reminders."),
        "dau.moi@moh.gov.vn": ("skipped", "The task was withdrawn."),
    }
    assert paused.email not in reasons


def run_days(app, clock, sink, first: dt.date, last: dt.date) -> dict[str, list[str]]:
    """Tick the scheduler every day at 08:00; return the subjects received per day."""
    got = {}
    day = first
    while day <= last:
        clock.set_today(day, hour=8)
        plan(app)
        deliver(app)
        mails = sink.take()
        if mails:
            got[day.isoformat()] = [m.text.split("\n\n")[2].split("\n")[0] for m in mails]
        day += dt.timedelta(days=1)
    return got


def test_no_mail_on_weekends_or_tet(app, make, clock, mail_sink, db_session):
    clock.set_today(dt.date(2026, 2, 2), hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Nhiệm vụ hạn giữa Tết", due_date=dt.date(2026, 2, 18))
    make.task(title="Nhiệm vụ hạn sau Tết", due_date=dt.date(2026, 2, 24))
    got = run_days(app, clock, mail_sink, dt.date(2026, 2, 2), dt.date(2026, 2, 27))
    # Tết: 14-22 February are days off (the weekends and 16-20 February).
    assert got == {
        "2026-02-05": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-06": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-11": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-12": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-13": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-23": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-02-24": ["Nhiệm vụ đến hạn hôm nay (1)"],
        "2026-02-25": ["Nhiệm vụ quá hạn (1)"],
    }


def test_no_mail_on_national_day_but_on_the_saturday_worked_instead(
    app, make, clock, mail_sink, db_session
):
    clock.set_today(dt.date(2026, 8, 17), hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Nhiệm vụ hạn Quốc khánh", due_date=dt.date(2026, 9, 2))
    make.task(title="Nhiệm vụ hạn 24/8", due_date=dt.date(2026, 8, 24))
    got = run_days(app, clock, mail_sink, dt.date(2026, 8, 17), dt.date(2026, 9, 10))
    # 22/08 (a Saturday) is worked in exchange for 31/08; 01-02/09 are National Day.
    assert got == {
        "2026-08-20": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-08-21": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-08-22": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-08-24": ["Nhiệm vụ đến hạn hôm nay (1)"],
        "2026-08-26": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-08-28": ["Nhiệm vụ sắp đến hạn (1)"],
        "2026-09-03": ["Nhiệm vụ quá hạn (1)"],
        "2026-09-07": ["Nhiệm vụ quá hạn (1)"],
        "2026-09-09": ["Nhiệm vụ quá hạn (1)"],
        "2026-09-10": ["Nhiệm vụ quá hạn đã báo cáo lãnh đạo (1)"],
    }


def test_a_missed_day_is_caught_up(app, make, clock, mail_sink, db_session):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(title="Hạn thứ Tư tuần sau", due_date=dt.date(2026, 5, 13))
    make.task(title="Hạn thứ Năm tuần sau", due_date=dt.date(2026, 5, 14))
    plan(app)
    deliver(app)
    assert len(mail_sink.take()) == 1
    clock.set_today(dt.date(2026, 5, 6), hour=9)  # the scheduler was down on Tuesday
    summary = plan(app)
    assert summary["days"] == ["2026-05-05", "2026-05-06"]
    deliver(app)
    (mail,) = mail_sink.take()  # Tuesday's reminder, late, in the one digest of the day
    assert "Hạn thứ Năm tuần sau" in mail.text
    assert db_session.scalar(select(func.count()).select_from(Notification)) == 2


def test_a_batch_row_budget_never_splits_a_digest(
    app, make, clock, mail_sink, monkeypatch, db_session
):
    monkeypatch.setattr(ledger, "MAX_ROWS_PER_CLAIM", 3)
    clock.set_today(MONDAY, hour=8)
    for agency in ("MOF", "MOH", "MOJ"):
        make.contact(agency, f"dau.moi@{agency.lower()}.gov.vn")
    for i in range(5):
        make.task(title=f"Việc {i} của Bộ Tài chính", due_date=DUE_IN_7_WORKING_DAYS)
    for agency in ("MOH", "MOJ"):
        for i in range(2):
            make.task(lead_agency=agency, title=f"Việc {i}", due_date=DUE_IN_7_WORKING_DAYS)
    plan(app)
    summary = deliver(app)
    mails = {m.to: m for m in mail_sink.take()}
    assert sorted(mails) == ["dau.moi@mof.gov.vn", "dau.moi@moh.gov.vn", "dau.moi@moj.gov.vn"]
    assert mails["dau.moi@mof.gov.vn"].text.count("Chi tiết: ") == 5  # over the budget, whole
    assert summary["messages_sent"] == 3 and summary["claimed"] == 9
    assert states(db_session) == {"sent": 9}
