"""Five months of days, one scheduler tick per day, against a real SMTP server: exactly the
expected digests reach exactly the expected people, and nothing else does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select

from tests.reminder_support import deliver, plan
from tests.workflow_helpers import decide, extend, report, review
from tracker.reminders.calendar import vietnam_calendar
from tracker.reminders.models import Notification

FIRST, LAST = dt.date(2026, 5, 4), dt.date(2026, 9, 30)
A = "Hoàn thành số hóa hồ sơ thuế của hộ kinh doanh"
B = "Ban hành thông tư hướng dẫn hóa đơn điện tử"
C = "Kết nối dữ liệu hóa đơn với Trung tâm dữ liệu quốc gia"
D = "Theo dõi tình hình thu ngân sách hằng tháng"
MOF, HEAD, PAUSED = "dau.moi@mof.gov.vn", "bo.truong@mof.gov.vn", "nghi.phep@mof.gov.vn"
MOH, OFFICE = "dau.moi@moh.gov.vn", "theo.doi@chinhphu.vn"
DUE_SOON, DUE_TODAY, OVERDUE = "sắp đến hạn", "đến hạn hôm nay", "quá hạn"
ESCALATED, NO_REPORT = "quá hạn nghiêm trọng", "chưa báo cáo"


def overdue(day: str, days: int) -> tuple:
    """fp@MOF's weekly overdue digest about task A."""
    return (day, MOF, [(OVERDUE, A, f"Hạn 30/06/2026: đã quá hạn {days} ngày")])


# (day, recipient, [(section, task, what the mail says of it)]), worked out by hand from the
# policy: 7, 3 and 1 working days before, the due date, every 7 days overdue (a Sunday or a
# holiday moves to the next working day), escalation 10 working days overdue, and a missing
# monthly report checked on the first working day of the next month.
EXPECTED = [
    ("2026-05-20", MOF, [(DUE_SOON, B, "Hạn 29/05/2026: còn 9 ngày (7 ngày làm việc)")]),
    # 26/05: B's 3-day reminder was planned, then B was completed before delivery: skipped.
    ("2026-06-19", MOF, [(DUE_SOON, A, "Hạn 30/06/2026: còn 11 ngày (7 ngày làm việc)")]),
    ("2026-06-25", MOF, [(DUE_SOON, A, "Hạn 30/06/2026: còn 5 ngày (3 ngày làm việc)")]),
    ("2026-06-29", MOF, [(DUE_SOON, A, "Hạn 30/06/2026: còn 1 ngày (1 ngày làm việc)")]),
    ("2026-06-30", MOF, [(DUE_TODAY, A, "Hạn 30/06/2026: hôm nay là hạn cuối")]),
    ("2026-07-01", MOF, [(NO_REPORT, D, "Chưa có báo cáo tiến độ tháng 06/2026")]),
    overdue("2026-07-07", 7),
    overdue("2026-07-14", 14),
    ("2026-07-14", HEAD, [(ESCALATED, A, "Hạn 30/06/2026: đã quá hạn 14 ngày")]),
    ("2026-07-14", OFFICE, [(ESCALATED, A, "Hạn 30/06/2026: đã quá hạn 14 ngày")]),
    (
        "2026-07-14",
        MOH,
        [(ESCALATED, A, "Hạn 30/06/2026: đã quá hạn 14 ngày (gửi để phối hợp theo dõi)")],
    ),
    overdue("2026-07-21", 21),
    # 22/07: C's 7-day reminder was planned, then C was extended to 30/09: skipped.
    overdue("2026-07-28", 28),
    # 03/08 is the first working day of August: D reported in July, so no reminder.
    overdue("2026-08-04", 35),
    overdue("2026-08-11", 42),
    overdue("2026-08-18", 49),
    overdue("2026-08-25", 56),
    # 01/09 (Tuesday) is National Day: its overdue reminder goes out on 03/09, the first
    # working day after 31/08 (a day off) and 01-02/09, with the missing August report.
    (
        "2026-09-03",
        MOF,
        [
            (OVERDUE, A, "Hạn 30/06/2026: đã quá hạn 65 ngày"),
            (NO_REPORT, D, "Chưa có báo cáo tiến độ tháng 08/2026"),
        ],
    ),
    overdue("2026-09-08", 70),
    overdue("2026-09-15", 77),
    ("2026-09-21", MOF, [(DUE_SOON, C, "Hạn 30/09/2026: còn 9 ngày (7 ngày làm việc)")]),
    overdue("2026-09-22", 84),
    ("2026-09-25", MOF, [(DUE_SOON, C, "Hạn 30/09/2026: còn 5 ngày (3 ngày làm việc)")]),
    (
        "2026-09-29",
        MOF,
        [
            (OVERDUE, A, "Hạn 30/06/2026: đã quá hạn 91 ngày"),
            (DUE_SOON, C, "Hạn 30/09/2026: còn 1 ngày (1 ngày làm việc)"),
        ],
    ),
    ("2026-09-30", MOF, [(DUE_TODAY, C, "Hạn 30/09/2026: hôm nay là hạn cuối")]),
]
AGENCY_NAMES = {MOF: "Bộ Tài chính", HEAD: "Bộ Tài chính", MOH: "Bộ Y tế"}


def test_five_months_of_reminders(app, client, make, clock, mail_sink, db_session, office):
    clock.set_today(FIRST, hour=8)
    world = _world(make)
    mof_user = make.auth("agency", "MOF")
    actions = {
        # Between the morning's planning and its delivery.
        "2026-05-26": lambda: _complete(client, mof_user, office, world["B"]),
        "2026-07-22": lambda: _extend(client, mof_user, office, world["C"], "2026-09-30"),
    }
    after_delivery = {"2026-07-10": lambda: report(client, mof_user, world["D"].id)}
    got = defaultdict(list)
    day = FIRST
    while day <= LAST:
        clock.set_today(day, hour=8)
        plan(app)
        actions.get(day.isoformat(), lambda: None)()
        deliver(app)
        after_delivery.get(day.isoformat(), lambda: None)()
        for mail in mail_sink.take():
            got[(day.isoformat(), mail.to)].append(mail)
        day += dt.timedelta(days=1)

    expected = {(day, to): items for day, to, items in EXPECTED}
    assert sorted(got) == sorted(expected)
    for key, mails in got.items():
        assert len(mails) == 1, key
        _check_digest(key, mails[0], expected[key], world)
    _check_skips(db_session, world)


def _world(make) -> dict:
    directive = make.directive(number="143/TB-VPCP", title="Thông báo kết luận về thu ngân sách")
    for email, agency, role, paused in (
        (MOF, "MOF", "focal_point", False),
        (HEAD, "MOF", "head", False),
        (PAUSED, "MOF", "focal_point", True),
        (MOH, "MOH", "focal_point", False),
        (OFFICE, "OOG", "focal_point", False),
    ):
        make.contact(agency, email, role=role, name="", paused=paused)
    return {
        "A": make.task(
            directive,
            title=A,
            due_date=dt.date(2026, 6, 30),
            coordinating_agencies=["MOH"],
            clause="1",
        ),
        "B": make.task(directive, title=B, due_date=dt.date(2026, 5, 29), clause="2"),
        "C": make.task(directive, title=C, due_date=dt.date(2026, 7, 31), clause="3"),
        "D": make.task(directive, title=D, deadline_kind="regular", due_date=None, clause="4"),
    }


def _complete(client, lead, office, task) -> None:
    completion = report(client, lead, task.id, "completion", completed_on="2026-05-26")
    assert completion.status_code == 201, completion.json
    assert review(client, office, task.id, completion.json["id"]).status_code == 200


def _extend(client, lead, office, task, new_due: str) -> None:
    request = extend(client, lead, task.id, new_due)
    assert request.status_code == 201, request.json
    assert decide(client, office, task.id, request.json["id"]).status_code == 200


def _check_digest(key, mail, items, world) -> None:
    day, to = key
    sections = [section for section, _task, _when in items]
    counts = ", ".join(f"1 {section}" for section in sections)
    agency = AGENCY_NAMES.get(to, "Văn phòng Chính phủ")
    date = dt.date.fromisoformat(day)
    assert mail.subject == f"[Nhắc việc] {agency}: {counts} ({date:%d/%m/%Y})"
    text, html = mail.text, mail.html
    assert f"tình hình ngày {date:%d/%m/%Y}" in text
    for _section, title, when in items:
        task = next(t for t in world.values() if t.title == title)
        assert title in text and title in html
        assert when in text
        assert f"/api/v1/tasks/{task.id}" in text and f"/api/v1/tasks/{task.id}" in html
        assert "Văn bản: 143/TB-VPCP, mục " in text
        assert "Cơ quan chủ trì: Bộ Tài chính" in text
    assert text.count("Chi tiết: ") == len(items)
    assert vietnam_calendar().is_working_day(date)


def _check_skips(session, world) -> None:
    session.rollback()
    skipped = {
        (row.task_id, row.planned_for.isoformat()): row.last_error
        for row in session.scalars(select(Notification).where(Notification.state == "skipped"))
    }
    assert skipped == {
        (world["B"].id, "2026-05-26"): "The task was completed.",
        (
            world["C"].id,
            "2026-07-22",
        ): "The due date changed (extended) since the reminder was planned.",
    }
    recipients = set(session.scalars(select(Notification.recipient)))
    assert PAUSED not in recipients
