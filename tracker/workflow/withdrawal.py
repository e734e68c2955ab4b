"""Withdrawal: the Government Office cancels a task (and a group's open children)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.audit.service import record_task, task_snapshot
from tracker.errors import InvalidTransition
from tracker.extensions import db
from tracker.tasks.groups import refresh_parent
from tracker.tasks.models import OPEN_STATUSES, Task, TaskStatus
from tracker.tasks.service import check_version
from tracker.users.models import User


def cancel_task(
    task: Task,
    reason: str,
    actor: User,
    expected: int | None,
    now: dt.datetime,
    today: dt.date,
) -> Task:
    """Withdraw an open task; it leaves the statistics but stays readable."""
    check_version(task, expected)
    if task.status not in OPEN_STATUSES:
        raise InvalidTransition(f"Task {task.id} is '{task.status}'; it cannot be withdrawn.")
    if task.is_group_parent:
        children = select(Task).where(Task.parent_id == task.id, Task.status.in_(OPEN_STATUSES))
        for child in db.session.scalars(children.with_for_update(of=Task)):
            _withdraw(child, reason, actor, now, today)
    _withdraw(task, reason, actor, now, today)
    if task.parent_id:
        refresh_parent(task.parent_id, actor, now, today)
    return task


def _withdraw(task: Task, reason: str, actor: User, now: dt.datetime, today: dt.date) -> None:
    """Mark one task cancelled and log it."""
    before = task_snapshot(task)
    task.status, task.cancelled_on, task.cancel_reason = TaskStatus.CANCELLED, today, reason
    task.updated_at = now
    db.session.flush()
    record_task("cancelled", task, before, actor, now)
