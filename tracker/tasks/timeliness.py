"""Timeliness, derived as of a day and never stored: the Government Office's four buckets."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_

from tracker.tasks.models import Task, TaskStatus


class Timeliness(StrEnum):
    """Where a task stands against its deadline on a given day."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TERM = "open_in_term"
    OPEN_OVERDUE = "open_overdue"
    REGULAR = "regular"


def timeliness_of(task: Task, as_of: dt.date) -> Timeliness | None:
    """Return the task's bucket at the end of a day; None if it did not exist or was withdrawn."""
    if task.created_on > as_of or (task.cancelled_on is not None and task.cancelled_on <= as_of):
        return None
    if task.due_date is None:
        return Timeliness.REGULAR
    if _done_by(task, as_of):
        on_time = task.completed_on is not None and task.completed_on <= task.due_date
        return Timeliness.DONE_ON_TIME if on_time else Timeliness.DONE_LATE
    return Timeliness.OPEN_IN_TERM if as_of <= task.due_date else Timeliness.OPEN_OVERDUE


def _done_by(task: Task, as_of: dt.date) -> bool:
    """Return whether the task's completion had been accepted by the end of the day."""
    return (
        task.status == TaskStatus.COMPLETED
        and task.accepted_on is not None
        and task.accepted_on <= as_of
    )


def existing_on(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: the task existed and was not withdrawn at the end of the day."""
    return and_(
        Task.created_on <= as_of,
        or_(Task.cancelled_on.is_(None), Task.cancelled_on > as_of),
    )


def done_by(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: completion accepted by the end of the day."""
    return and_(Task.status == TaskStatus.COMPLETED, Task.accepted_on <= as_of)


def timeliness_condition(bucket: Timeliness, as_of: dt.date) -> ColumnElement[bool]:
    """SQL condition equivalent to `timeliness_of(task, as_of) == bucket`."""
    dated = Task.due_date.is_not(None)
    conditions = {
        Timeliness.REGULAR: Task.due_date.is_(None),
        Timeliness.DONE_ON_TIME: and_(dated, done_by(as_of), Task.completed_on <= Task.due_date),
        Timeliness.DONE_LATE: and_(dated, done_by(as_of), Task.completed_on > Task.due_date),
        Timeliness.OPEN_IN_TERM: and_(dated, ~done_by(as_of), Task.due_date >= as_of),
        Timeliness.OPEN_OVERDUE: and_(dated, ~done_by(as_of), Task.due_date < as_of),
    }
    condition = conditions.get(bucket)
    return false() if condition is None else and_(existing_on(as_of), condition)


def annotate_timeliness(tasks, as_of: dt.date) -> None:
    """Attach each task's timeliness as of a day, for display (never stored)."""
    for task in tasks:
        task.timeliness = timeliness_of(task, as_of)
