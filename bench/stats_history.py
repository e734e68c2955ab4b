"""Give a seeded database the extension history the seed lacks: a share of tasks extended once."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import bindparam, func, insert, select, update

from tracker.clock import current_clock
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.users.models import User
from tracker.users.service import create_token, create_user
from tracker.workflow.models import Extension, ExtensionState

BENCH_EMAIL = "bench-stats@example.gov.vn"
CHUNK = 5_000


def bench_user() -> User:
    """Return the benchmark's office user, created once."""
    user = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
    if user is None:
        user = create_user(BENCH_EMAIL, "office", None, "Benchmark", current_clock().now())
        db.session.commit()
    return user


def bench_headers() -> dict[str, str]:
    """Return request headers with a fresh token of the benchmark's office user."""
    _token, raw = create_token(bench_user(), "bench", current_clock().now())
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def add_extensions(share: float, today: dt.date, seed: int = 7) -> int:
    """Extend `share` of the dated tasks once (before their original due date); idempotent."""
    if db.session.scalar(select(func.count()).select_from(Extension)):
        return 0
    user, rng = bench_user(), random.Random(seed)
    rows = db.session.execute(
        select(Task.id, Task.created_on, Task.due_date, Task.accepted_on, Task.cancelled_on)
        .where(Task.due_date.is_not(None), Task.parent_id.is_(None))
        .order_by(Task.id)
    ).all()
    picked = [plan for row in rows if rng.random() < share and (plan := _plan(row, today, rng))]
    for start in range(0, len(picked), CHUNK):
        _write(picked[start : start + CHUNK], user.id)
    db.session.commit()
    return len(picked)


def _plan(row, today: dt.date, rng: random.Random) -> dict | None:
    """Return one extension of a task, decided while it was open, or None if none fits."""
    decided = min(row.due_date - dt.timedelta(days=rng.randint(1, 20)), today)
    closed = [d for d in (row.accepted_on, row.cancelled_on) if d is not None]
    if decided < row.created_on or any(decided >= d for d in closed):
        return None
    new_due = row.due_date + dt.timedelta(days=rng.randint(15, 120))
    return {"tid": row.id, "old": row.due_date, "new": new_due, "on": decided}


def _write(plans: list[dict], user_id: int) -> None:
    """Store the extensions and move the tasks' due dates."""
    now = dt.datetime.now(dt.UTC)
    db.session.execute(
        insert(Extension),
        [
            {
                "task_id": p["tid"],
                "requested_due_date": p["new"],
                "previous_due_date": p["old"],
                "reason": "Cần thêm thời gian",
                "state": ExtensionState.APPROVED.value,
                "requested_by_id": user_id,
                "requested_at": now,
                "decided_by_id": user_id,
                "decided_at": now,
                "decided_on": p["on"],
            }
            for p in plans
        ],
    )
    tasks = Task.__table__
    db.session.execute(
        update(tasks)
        .where(tasks.c.id == bindparam("tid"))
        .values(due_date=bindparam("new"), extended_on=bindparam("on")),
        plans,
    )
