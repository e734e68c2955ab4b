"""Writing and reading the audit log; services call `record` for every change they make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.users.models import User

TASK_FIELDS = (
    "clause",
    "title",
    "description",
    "deadline_kind",
    "deadline_text",
    "due_date",
    "original_due_date",
    "status",
    "priority",
    "confidential",
    "completed_on",
    "accepted_on",
    "cancelled_on",
    "cancel_reason",
)


def jsonable(value):
    """Return a JSON-ready form of a field value."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def task_snapshot(task: Task) -> dict:
    """Return the audited fields of a task, agencies by code."""
    snapshot = {name: jsonable(getattr(task, name)) for name in TASK_FIELDS}
    snapshot["lead_agency"] = task.lead_agency.code if task.lead_agency else None
    snapshot["coordinating_agencies"] = sorted(a.code for a in task.coordinating_agencies)
    return snapshot


def diff(before: Mapping, after: Mapping) -> dict:
    """Return `{field: [before, after]}` for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    action: str,
    entity: str,
    entity_id: int,
    task_id: int | None,
    actor: User | None,
    now: dt.datetime,
    changes: Mapping,
) -> AuditEntry:
    """Append one entry to the log."""
    entry = AuditEntry(
        action=action,
        entity=entity,
        entity_id=entity_id,
        task_id=task_id,
        actor_id=actor.id if actor else None,
        at=now,
        changes=dict(changes),
    )
    db.session.add(entry)
    return entry


def record_task(action: str, task: Task, before: Mapping, actor: User | None, now) -> None:
    """Log a change of a task as the difference between two snapshots."""
    changes = diff(before, task_snapshot(task))
    if changes or action == "created":
        record(action, "task", task.id, task.id, actor, now, changes)


def task_history(task_id: int) -> list[AuditEntry]:
    """Return a task's log, oldest first."""
    query = select(AuditEntry).where(AuditEntry.task_id == task_id).order_by(AuditEntry.id)
    return list(db.session.scalars(query))
