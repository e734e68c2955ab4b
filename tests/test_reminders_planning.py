"""Planning writes each (task, rule, occurrence, recipient) once, however often it runs."""

from __future__ import annotations

import datetime as dt
import threading

from click.testing import CliRunner
from sqlalchemy import func, select

from tests.reminder_support import plan
from tests.workflow_helpers import report
from tracker.reminders.models import Notification, ReminderDay

MONDAY = dt.date(2026, 5, 4)


def ledger(session) -> list[tuple]:
    session.rollback()
    query = select(
        Notification.task_id, Notification.rule, Notification.recipient, Notification.data
    ).order_by(Notification.task_id, Notification.rule, Notification.recipient)
    return [tuple(row) for row in session.execute(query)]


def count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Notification))


def busy_day(make, clock, tasks: int = 30) -> None:
    """Contacts for three agencies and tasks due in each rule's window on MONDAY."""
    clock.set_today(MONDAY, hour=8)
    for agency in ("MOF", "MOH", "MOJ"):
        make.contact(agency, f"dau.moi@{agency.lower()}.gov.vn")
        make.contact(agency, f"lanh.dao@{agency.lower()}.gov.vn", role="head")
    make.contact("OOG", "theo.doi@chinhphu.vn")
    directive = make.directive(issued_on=dt.date(2026, 1, 2))
    # 7 working days ahead, due today, 14 days overdue, 10 working days overdue.
    due_dates = [dt.date(2026, 5, 13), MONDAY, dt.date(2026, 4, 20), dt.date(2026, 4, 15)]
    for i in range(tasks):
        lead = ("MOF", "MOH", "MOJ")[i % 3]
        others = [code for code in ("MOF", "MOH") if code != lead]
        make.task(
            directive,
            title=f"Nhiệm vụ {i}",
            lead_agency=lead,
            due_date=due_dates[i % 4],
            coordinating_agencies=others,
        )


def test_planning_twice_creates_nothing_twice(app, make, clock, db_session):
    busy_day(make, clock, tasks=8)
    first = plan(app, force=True)
    rows = ledger(db_session)
    second = plan(app, force=True)
    assert sum(first["created"].values()) == len(rows) > 0
    assert second == {"days": ["2026-05-04"], "created": {}}
    assert ledger(db_session) == rows


def test_two_planners_racing_create_each_row_once(app, make, clock, db_session):
    busy_day(make, clock)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def planner():
        barrier.wait()
        try:
            results.append(plan(app, force=True))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    created = [sum(r["created"].values()) for r in results]
    total = count(db_session)
    assert sorted(created) == [0, total]
    keys = db_session.execute(
        select(
            Notification.task_id, Notification.rule, Notification.occurrence, Notification.recipient
        )
    ).all()
    assert len(keys) == len(set(keys)) == total
    assert db_session.scalar(select(func.count()).select_from(ReminderDay)) == 1


def test_who_gets_which_reminder(app, make, clock, db_session):
    clock.set_today(dt.date(2026, 7, 14), hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOF", "lanh.dao@mof.gov.vn", role="head")
    make.contact("MOH", "dau.moi@moh.gov.vn")
    make.contact("MOH", "lanh.dao@moh.gov.vn", role="head")
    make.contact("OOG", "theo.doi@chinhphu.vn")
    task = make.task(
        lead_agency="MOF", due_date=dt.date(2026, 6, 30), coordinating_agencies=["MOH"]
    )
    plan(app, force=True)
    assert ledger(db_session) == [
        (task.id, "escalated", "dau.moi@moh.gov.vn", {"count": 10, "copy": True}),
        (task.id, "escalated", "lanh.dao@mof.gov.vn", {"count": 10, "copy": False}),
        (task.id, "escalated", "theo.doi@chinhphu.vn", {"count": 10, "copy": False}),
        (task.id, "overdue", "dau.moi@mof.gov.vn", {"count": 14, "copy": False}),
    ]


def test_group_parents_and_submitted_tasks_are_not_reminded(
    app, client, make, clock, office, db_session
):
    clock.set_today(MONDAY, hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.contact("MOH", "dau.moi@moh.gov.vn")
    directive = make.directive()
    body = {
        "directive_id": directive.id,
        "title": "Việc chung",
        "group": ["MOF", "MOH"],
        "deadline_kind": "date",
        "due_date": "2026-05-13",
    }
    parent = client.post("/api/v1/tasks", json=body, headers=office).json
    submitted = make.task(directive, lead_agency="MOF", due_date=dt.date(2026, 5, 13))
    mof = make.auth("agency", "MOF")
    assert report(client, mof, submitted.id, "completion").status_code == 201
    plan(app, force=True)
    reminded = {row[0] for row in ledger(db_session)}
    assert parent["id"] not in reminded and submitted.id not in reminded
    assert len(reminded) == 2  # the two children


def test_regular_tasks_without_a_monthly_report(app, client, make, clock, db_session):
    clock.set_today(dt.date(2026, 4, 20), hour=8)
    make.contact("MOF", "dau.moi@mof.gov.vn")
    silent = make.task(title="Không báo cáo", deadline_kind="regular", due_date=None)
    reporting = make.task(title="Có báo cáo", deadline_kind="regular", due_date=None)
    clock.set_today(dt.date(2026, 5, 20), hour=8)
    assert report(client, make.auth("agency", "MOF"), reporting.id).status_code == 201
    clock.set_today(dt.date(2026, 6, 1), hour=8)
    plan(app, force=True)
    assert [(r[0], r[1]) for r in ledger(db_session)] == [(silent.id, "report_missing")]


def test_the_scheduler_plans_once_the_send_hour_has_come(app, make, clock, db_session):
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=dt.date(2026, 5, 13))
    clock.set_today(MONDAY, hour=7)
    assert plan(app) == {"days": [], "created": {}}
    clock.set_today(MONDAY, hour=8)
    assert plan(app) == {"days": ["2026-05-04"], "created": {"due_soon": 1}}
    assert plan(app) == {"days": [], "created": {}}


def test_catching_up_is_bounded(app, make, clock, settings_with, db_session):
    settings_with(reminder_catch_up_days=3)
    clock.set_today(MONDAY, hour=8)
    plan(app)
    clock.set_today(dt.date(2026, 5, 20), hour=8)
    assert plan(app)["days"] == ["2026-05-17", "2026-05-18", "2026-05-19", "2026-05-20"]


def test_cli_plan_for_a_day_twice(app, make, clock, db_session):
    make.contact("MOF", "dau.moi@mof.gov.vn")
    make.task(due_date=dt.date(2026, 5, 13))
    runner = CliRunner()
    command = ["tracker", "reminders", "plan", "--today", "2026-05-04"]
    first = runner.invoke(app.cli, command, catch_exceptions=False)
    second = runner.invoke(app.cli, command, catch_exceptions=False)
    assert '"created": {"due_soon": 1}' in first.output
    assert '"created": {}' in second.output
    assert count(db_session) == 1
    assert app.extensions["tracker.clock"] is clock


def test_planning_ahead_by_hand_leaves_no_gap(app, make, clock, settings_with, db_session):
    settings_with(reminder_catch_up_days=3)
    clock.set_today(MONDAY, hour=8)
    plan(app)
    clock.set_today(dt.date(2026, 5, 20), hour=8)
    assert plan(app, force=True)["days"] == ["2026-05-17", "2026-05-18", "2026-05-19", "2026-05-20"]
    clock.set_today(dt.date(2026, 5, 5), hour=8)  # the real today, before the day planned ahead
    assert plan(app)["days"] == ["2026-05-05"]
