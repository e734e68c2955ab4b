"""Benchmark reminders: plan one day on a large database, then deliver to a local SMTP server.

    python -m bench.reminders --database-url URL [--day YYYY-MM-DD] [--due-tasks 10000]

Works on a database seeded by `python -m bench.seed` (or seeds `--seed-tasks N` tasks itself
the same way). It adds its own contacts (2 focal points and a head per current agency, 3 for the
Government Office) and `--due-tasks` open tasks spread over the day's reminder windows, deletes
the day's ledger rows, then measures: planning the day (seconds; peak Python memory with
tracemalloc in a second run; the process's peak RSS), planning it again (creates nothing), and
delivery to an aiosmtpd server on a loopback port, as digests and as per-task mails
(messages per second). One JSON object goes to standard output.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import resource
import time
import tracemalloc
from collections.abc import Sequence

import flask_migrate
from sqlalchemy import delete, func, insert, select, update

from api.app import create_app
from bench import seed
from bench.secret import throwaway_secret
from bench.smtp_sink import CountingSink
from jobs import reminders
from jobs.runner import run_job
from tracker.agencies.data import load_agency_records
from tracker.agencies.models import Agency
from tracker.agencies.service import load_registry
from tracker.clock import FixedClock
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders import ledger
from tracker.reminders.calendar import vietnam_calendar
from tracker.reminders.models import AgencyContact, Notification, NotificationAttempt, ReminderDay
from tracker.reminders.planner import Planner, plan_day
from tracker.reminders.policy import REMINDED_STATUSES, ReminderPolicy, due_windows
from tracker.tasks.models import Task, task_coordinators

BENCH_DOMAIN = "bench.example.org"
INSERT_BATCH = 5000


def build_app(url: str, day: dt.date, sink: CountingSink):
    """The app on the database, its clock at the day's send hour, SMTP pointing at the sink."""
    config = {
        "DATABASE_URL": url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": sink.port,
        "SMTP_SECURITY": "none",
        "SECRET_KEY": throwaway_secret(),
    }
    app = create_app(config)
    settings = app.extensions["tracker.settings"]
    at = dt.datetime.combine(day, dt.time(settings.reminder_send_hour, 5), settings.zone)
    app.extensions["tracker.clock"] = FixedClock(settings.zone, at)
    return app


def prepare(seed_tasks: int, due_tasks: int, day: dt.date) -> dict:
    """Schema, registry, contacts, the due tasks; returns the database's figures."""
    if seed_tasks:
        seed.seed(seed_tasks, today=day)
    flask_migrate.upgrade()
    load_registry(load_agency_records())
    contacts = ensure_contacts()
    added = add_due_tasks(due_tasks, day)
    db.session.commit()
    return {
        "tasks": db.session.scalar(select(func.count()).select_from(Task)),
        "tasks_in_windows": tasks_in_windows(day),
        "due_tasks_added": added,
        "contacts": contacts,
    }


def current_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.successor_id.is_(None))))


def ensure_contacts() -> int:
    """Two focal points and a head per current agency, three for the Government Office."""
    rows = []
    now = dt.datetime.now(dt.UTC)
    for agency in current_agencies():
        roles = ["focal_point", "focal_point", "head"] + (
            ["focal_point"] * 3 if agency.code == "OOG" else []
        )
        for i, role in enumerate(roles):
            email = f"{role}{i}.{agency.code.lower()}@{BENCH_DOMAIN}"
            rows.append(
                {
                    "agency_id": agency.id,
                    "email": email,
                    "name": f"Đầu mối {i}",
                    "role": role,
                    "paused": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    ledger.insert_ignoring_duplicates(AgencyContact.__table__, rows)
    return db.session.scalar(
        select(func.count()).where(AgencyContact.email.like(f"%@{BENCH_DOMAIN}"))
    )


def bench_directive(number: str, issued: dt.date) -> tuple[int, bool]:
    """Return the id of a bench directive, creating it; and whether it was created."""
    found = db.session.scalar(select(Directive.id).where(Directive.number == number))
    if found:
        return found, False
    now = dt.datetime.now(dt.UTC)
    directive = Directive(
        number=number,
        issued_year=issued.year,
        title="Bench",
        kind="conclusion_notice",
        issued_on=issued,
        issuer="Văn phòng Chính phủ",
        created_at=now,
        updated_at=now,
    )
    db.session.add(directive)
    db.session.flush()
    return directive.id, True


def add_due_tasks(count: int, day: dt.date) -> int:
    """Add open tasks spread over every reminder window of the day (once per day and count)."""
    directive_id, new = bench_directive(
        f"{count}/BENCH-REMINDERS-{day}", day - dt.timedelta(days=800)
    )
    if not new or not count:
        return 0
    windows = due_windows(ReminderPolicy(), vietnam_calendar(), day)
    leads = [a.id for a in current_agencies()]
    rng = random.Random(7)
    rows, links = [], []
    first_id = (db.session.scalar(select(func.max(Task.id))) or 0) + 1
    for n in range(count):
        window = windows[n % len(windows)]
        due = window.first + dt.timedelta(days=rng.randint(0, (window.last - window.first).days))
        lead = rng.choice(leads)
        rows.append(_task_row(first_id + n, directive_id, lead, due, day))
        if n % 3 == 0:  # a third co-ordinated by another agency (copied at escalation)
            other = rng.choice([a for a in leads if a != lead])
            links.append({"task_id": first_id + n, "agency_id": other})
    _insert(Task.__table__, rows)
    _insert(task_coordinators, links)
    return count


def _task_row(task_id: int, directive_id: int, lead: int, due: dt.date, day: dt.date) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {
        "id": task_id,
        "directive_id": directive_id,
        "parent_id": None,
        "clause": str(task_id),
        "title": f"Nhiệm vụ thử {task_id}",
        "description": "",
        "lead_agency_id": lead,
        "group_kind": None,
        "deadline_kind": "date",
        "deadline_text": f"Trước ngày {due:%d/%m/%Y}",
        "due_date": due,
        "original_due_date": due,
        "status": "in_progress",
        "priority": "normal",
        "confidential": False,
        "created_on": min(due, day) - dt.timedelta(days=30),
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "search_key": "",
    }


def _insert(table, rows: Sequence[dict]) -> None:
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(table), list(rows[start : start + INSERT_BATCH]))


def tasks_in_windows(day: dt.date) -> int:
    """Count the open tasks due in the day's windows (what planning has to read)."""
    total = 0
    for window in due_windows(ReminderPolicy(), vietnam_calendar(), day):
        total += db.session.scalar(
            select(func.count()).where(
                Task.status.in_(REMINDED_STATUSES),
                Task.due_date.between(window.first, window.last),
                Task.lead_agency_id.is_not(None),
            )
        )
    return total


def clear_day(day: dt.date) -> None:
    """Forget the day's ledger rows, so that planning creates them again."""
    ids = select(Notification.id).where(Notification.planned_for == day)
    db.session.execute(
        delete(NotificationAttempt).where(NotificationAttempt.notification_id.in_(ids))
    )
    db.session.execute(delete(Notification).where(Notification.planned_for == day))
    db.session.execute(delete(ReminderDay).where(ReminderDay.day == day))


def settle(app) -> None:
    """After the benchmark's own mass deletes and updates, do what autovacuum would do soon."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE notifications, notification_attempts")


def planner_for(app) -> Planner:
    settings, clock = app.extensions["tracker.settings"], app.extensions["tracker.clock"]
    return Planner(
        ReminderPolicy.from_settings(settings),
        vietnam_calendar(),
        settings.zone,
        settings.reminder_send_hour,
        clock.now(),
    )


def measure_planning(app, day: dt.date) -> dict:
    """Plan the day on a clean ledger (timed), again with tracemalloc, then once more."""
    run_job(app, "bench.clear", lambda: clear_day(day))
    settle(app)
    started = time.perf_counter()
    created = run_job(app, "bench.plan", lambda: plan_day(planner_for(app), day))
    seconds = time.perf_counter() - started
    run_job(app, "bench.clear", lambda: clear_day(day))
    tracemalloc.start()
    run_job(app, "bench.plan", lambda: plan_day(planner_for(app), day))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    again = run_job(app, "bench.plan", lambda: plan_day(planner_for(app), day))
    return {
        "seconds": round(seconds, 3),
        "rows_created": sum(created.values()),
        "rows_by_rule": dict(created),
        "python_peak_mb": round(peak / 2**20, 1),
        "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "replan_seconds": round(time.perf_counter() - started, 3),
        "replan_rows_created": sum(again.values()),
    }


def measure_delivery(app, sink: CountingSink, day: dt.date, digest: bool, limit: int) -> dict:
    """Deliver the day's e-mail rows (at most `limit` of them) and time it."""
    settings = app.extensions["tracker.settings"]
    app.extensions["tracker.settings"] = dataclasses.replace(settings, reminder_digest=digest)
    run_job(app, "bench.reset", lambda: reset_rows(day, limit))
    settle(app)
    before = sink.count
    started = time.perf_counter()
    result = run_job(app, "bench.deliver", reminders.deliver)
    seconds = time.perf_counter() - started
    app.extensions["tracker.settings"] = settings
    messages = sink.count - before
    return {
        "mode": "digest" if digest else "per_task",
        "rows": result.get("claimed", 0),
        "messages": messages,
        "seconds": round(seconds, 3),
        "messages_per_second": round(messages / seconds, 1) if seconds else None,
        "rows_per_second": round(result.get("claimed", 0) / seconds, 1) if seconds else None,
    }


def reset_rows(day: dt.date, limit: int) -> None:
    """Make the day's first `limit` e-mail rows pending again, the others already sent."""
    past = dt.datetime.combine(day, dt.time(0), dt.UTC)
    email = (Notification.planned_for == day) & (Notification.channel == "email")
    first = select(Notification.id).where(email).order_by(Notification.id).limit(limit)
    db.session.execute(update(Notification).where(email).values(state="sent"))
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(first.scalar_subquery()))
        .values(state="pending", attempts=0, next_attempt_at=past, message_id=None, sent_at=None)
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.reminders", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--day",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 18),
        help="the working day to plan (default 2026-11-18, a Wednesday)",
    )
    parser.add_argument(
        "--due-tasks", type=int, default=10_000, help="open tasks to add in the windows"
    )
    parser.add_argument(
        "--seed-tasks", type=int, default=0, help="tasks to add first with bench.seed (history)"
    )
    parser.add_argument("--messages", type=int, default=5000, help="rows to deliver per-task")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    sink = CountingSink()
    sink.start()
    try:
        app = build_app(args.database_url, args.day, sink)
        with app.app_context():
            database = prepare(args.seed_tasks, args.due_tasks, args.day) | {
                "dialect": db.engine.dialect.name
            }
        planning = measure_planning(app, args.day)
        digest = measure_delivery(app, sink, args.day, True, 10**9)
        per_task = measure_delivery(app, sink, args.day, False, args.messages)
        with app.app_context():
            db.engine.dispose()
    finally:
        sink.stop()
    print(
        json.dumps(
            {
                "day": args.day.isoformat(),
                "database": database,
                "planning": planning,
                "delivery": [digest, per_task],
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
