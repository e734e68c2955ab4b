"""Extension requests by the lead agency and the Government Office's decisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.audit.service import jsonable, record, record_task, task_snapshot
from tracker.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from tracker.extensions import db
from tracker.tasks.models import OPEN_STATUSES, Task
from tracker.tasks.service import check_version
from tracker.users.models import User
from tracker.workflow.models import Extension, ExtensionState


def request_extension(
    task: Task,
    requested_due_date: dt.date,
    reason: str,
    author: User,
    expected: int | None,
    now: dt.datetime,
) -> Extension:
    """Ask for a later due date; one pending request at a time."""
    check_version(task, expected)
    _ensure_extensible(task)
    if requested_due_date <= task.due_date:
        raise InvalidInput(
            f"The requested date must be after the current due date {task.due_date:%Y-%m-%d}.",
            field="requested_due_date",
        )
    extension = Extension(
        task_id=task.id,
        requested_due_date=requested_due_date,
        previous_due_date=task.due_date,
        reason=reason,
        requested_by_id=author.id,
        requested_at=now,
    )
    db.session.add(extension)
    task.updated_at = now
    db.session.flush()
    changes = {"requested_due_date": [None, jsonable(requested_due_date)], "reason": [None, reason]}
    record("requested", "extension", extension.id, task.id, author, now, changes)
    return extension


def _ensure_extensible(task: Task) -> None:
    """Refuse extensions of closed, undated or group tasks, and a second pending request."""
    if task.is_group_parent:
        raise InvalidTransition("Extensions are requested on the agencies' child tasks.")
    if task.status not in OPEN_STATUSES:
        raise InvalidTransition(f"Task {task.id} is '{task.status}'; it cannot be extended.")
    if task.due_date is None:
        raise InvalidTransition(f"Task {task.id} has no due date to extend.")
    if pending_extension(task.id) is not None:
        raise Conflict(f"Task {task.id} already has a pending extension request.")


def pending_extension(task_id: int) -> Extension | None:
    """Return a task's pending extension request, if any."""
    return db.session.scalar(
        select(Extension).where(
            Extension.task_id == task_id, Extension.state == ExtensionState.PENDING
        )
    )


def decide_extension(
    task: Task,
    extension_id: int,
    approve: bool,
    comment: str | None,
    decider: User,
    expected: int | None,
    now: dt.datetime,
    today: dt.date,
) -> Extension:
    """Approve (the effective due date moves; the original is kept) or reject a request."""
    check_version(task, expected)
    extension = db.session.scalar(
        select(Extension).where(Extension.id == extension_id).with_for_update(of=Extension)
    )
    if extension is None or extension.task_id != task.id:
        raise NotFound(f"Extension {extension_id} not found on task {task.id}.")
    if extension.state != ExtensionState.PENDING:
        raise InvalidTransition(f"Extension {extension_id} was already {extension.state}.")
    if approve and task.status not in OPEN_STATUSES:
        raise InvalidTransition(f"Task {task.id} is '{task.status}'; it cannot be extended.")
    before = task_snapshot(task)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by_id, extension.decided_at, extension.decided_on = decider.id, now, today
    extension.decision_comment = comment
    if approve:
        task.due_date, task.extended_on = extension.requested_due_date, today
    task.updated_at = now
    db.session.flush()
    changes = {"state": [ExtensionState.PENDING.value, extension.state]}
    record("decided", "extension", extension.id, task.id, decider, now, changes)
    record_task("extended" if approve else "extension_rejected", task, before, decider, now)
    return extension


def list_extensions(task_id: int) -> list[Extension]:
    """Return a task's extension requests, oldest first."""
    query = select(Extension).where(Extension.task_id == task_id).order_by(Extension.id)
    return list(db.session.scalars(query))
