"""Timeliness, derived as of a day and never stored: the Government Office's four buckets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, false, literal, null, or_, select

from tracker.extensions import db
from tracker.tasks.models import OPEN_STATUSES, Task, TaskStatus
from tracker.workflow.models import Extension, ExtensionState


class Timeliness(StrEnum):
    """Where a task stands against its deadline on a given day."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TERM = "open_in_term"
    OPEN_OVERDUE = "open_overdue"
    REGULAR = "regular"


class Basis(StrEnum):
    """Which due date timeliness is measured against."""

    EFFECTIVE = "effective"
    ORIGINAL = "original"


def timeliness_of(task: Task, as_of: dt.date, due: dt.date | None = None) -> Timeliness | None:
    """Return the task's bucket at the end of a day; None if it did not exist or was withdrawn.

    `due` is the due date that counts (default: the task's effective due date now).
    """
    if task.created_on > as_of or (task.cancelled_on is not None and task.cancelled_on <= as_of):
        return None
    due = task.due_date if due is None else due
    if due is None:
        return Timeliness.REGULAR
    if _done_by(task, as_of):
        on_time = task.completed_on is not None and task.completed_on <= due
        return Timeliness.DONE_ON_TIME if on_time else Timeliness.DONE_LATE
    return Timeliness.OPEN_IN_TERM if as_of <= due else Timeliness.OPEN_OVERDUE


def _done_by(task: Task, as_of: dt.date) -> bool:
    """Return whether the task's completion had been accepted by the end of the day."""
    return (
        task.status == TaskStatus.COMPLETED
        and task.accepted_on is not None
        and task.accepted_on <= as_of
    )


def annotate_timeliness(tasks: list[Task], as_of: dt.date, basis: Basis = Basis.EFFECTIVE) -> None:
    """Attach each task's timeliness as of a day, for display (never stored)."""
    buckets = timeliness_by_id(tasks, as_of, basis)
    for task in tasks:
        task.timeliness = buckets[task.id]


def timeliness_by_id(
    tasks: Iterable, as_of: dt.date, basis: Basis = Basis.EFFECTIVE
) -> dict[int, Timeliness | None]:
    """Return each task's timeliness as of a day (tasks or rows with a task's columns)."""
    tasks = list(tasks)
    dues = due_dates_as_of(tasks, as_of, basis)
    return {task.id: timeliness_of(task, as_of, dues[task.id]) for task in tasks}


def due_dates_as_of(
    tasks: Iterable[Task], as_of: dt.date, basis: Basis
) -> dict[int, dt.date | None]:
    """Return each task's due date as it stood at the end of a day (one query for extended ones)."""
    tasks = list(tasks)
    if basis is Basis.ORIGINAL:
        return {task.id: task.original_due_date for task in tasks}
    dues = {task.id: task.due_date for task in tasks}
    later = {t.id: t for t in tasks if t.extended_on is not None and t.extended_on > as_of}
    if later:
        for task_id in later:
            dues[task_id] = later[task_id].original_due_date
        rows = db.session.execute(
            select(Extension.task_id, Extension.requested_due_date)
            .where(Extension.task_id.in_(later), _approved_by(as_of))
            .order_by(Extension.decided_on, Extension.id)
        )
        dues.update(dict(rows.all()))
    return dues


def _approved_by(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: an extension approved by the end of the day."""
    return and_(Extension.state == ExtensionState.APPROVED, Extension.decided_on <= as_of)


def due_on(as_of: dt.date, basis: Basis = Basis.EFFECTIVE) -> ColumnElement:
    """SQL: the due date that counted at the end of a day."""
    if basis is Basis.ORIGINAL:
        return Task.original_due_date
    granted_by_then = (
        select(Extension.requested_due_date)
        .where(Extension.task_id == Task.id, _approved_by(as_of))
        .order_by(Extension.decided_on.desc(), Extension.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case(
        (or_(Task.extended_on.is_(None), Task.extended_on <= as_of), Task.due_date),
        else_=db.func.coalesce(granted_by_then, Task.original_due_date),
    )


def _current_condition(bucket: Timeliness, as_of: dt.date) -> ColumnElement[bool]:
    """SQL for a bucket as of today or later, from the current status and due date."""
    is_open = Task.status.in_(OPEN_STATUSES)
    completed = Task.status == TaskStatus.COMPLETED
    conditions = {
        Timeliness.REGULAR: and_(Task.status != TaskStatus.CANCELLED, Task.due_date.is_(None)),
        Timeliness.DONE_ON_TIME: and_(completed, Task.completed_on <= Task.due_date),
        Timeliness.DONE_LATE: and_(completed, Task.completed_on > Task.due_date),
        Timeliness.OPEN_IN_TERM: and_(is_open, Task.due_date >= as_of),
        Timeliness.OPEN_OVERDUE: and_(is_open, Task.due_date < as_of),
    }
    return conditions.get(bucket, false())


@dataclasses.dataclass(frozen=True)
class DueSlice:
    """Tasks matching `condition`, and the SQL of the due date that counted for them on the day."""

    condition: ColumnElement[bool]
    due: ColumnElement


def due_slices(
    as_of: dt.date,
    basis: Basis = Basis.EFFECTIVE,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> list[DueSlice]:
    """Split the dated tasks (due from `first` to `last`, if given) into disjoint index ranges.

    Extensions only move a due date later, so the date that counted on any day lies between the
    original and the current one. Most tasks were not extended after the day: their current
    due date counts, a plain column. Only the few extended after it need the extension history.
    """
    ranged = first is not None and last is not None
    if basis is Basis.ORIGINAL:
        if not ranged:
            return [DueSlice(Task.due_date.is_not(None), Task.original_due_date)]
        in_range = Task.original_due_date.between(first, last)
        return [
            DueSlice(and_(Task.due_date.between(first, last), in_range), Task.original_due_date),
            DueSlice(
                and_(Task.extended_on.is_not(None), Task.due_date > last, in_range),
                Task.original_due_date,
            ),
        ]
    settled = or_(Task.extended_on.is_(None), Task.extended_on <= as_of)
    history = due_on(as_of, basis)
    if not ranged:
        return [
            DueSlice(and_(Task.due_date.is_not(None), settled), Task.due_date),
            DueSlice(Task.extended_on > as_of, history),
        ]
    return [
        DueSlice(and_(Task.due_date.between(first, last), settled), Task.due_date),
        DueSlice(
            and_(
                Task.extended_on > as_of,
                Task.due_date >= first,
                Task.original_due_date <= last,
                history.between(first, last),
            ),
            history,
        ),
    ]


def due_between(
    first: dt.date, last: dt.date, as_of: dt.date, basis: Basis = Basis.EFFECTIVE
) -> ColumnElement[bool]:
    """SQL: the due date that counted at the end of a day lies from `first` to `last`."""
    return or_(*(piece.condition for piece in due_slices(as_of, basis, first, last)))


def existing_on(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: the task existed and was not withdrawn at the end of the day."""
    return and_(
        Task.created_on <= as_of,
        or_(Task.cancelled_on.is_(None), Task.cancelled_on > as_of),
    )


def done_by(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: completion accepted by the end of the day."""
    return and_(Task.status == TaskStatus.COMPLETED, Task.accepted_on <= as_of)


def timeliness_condition(
    bucket: Timeliness,
    as_of: dt.date,
    basis: Basis = Basis.EFFECTIVE,
    today: dt.date | None = None,
) -> ColumnElement[bool]:
    """SQL condition equivalent to `timeliness_of(task, as_of, due as of then) == bucket`.

    Given `today`, a snapshot of today or later takes a form that uses the (status, due_date)
    index: nothing recorded (creation, acceptance, withdrawal, extension) is dated after today.
    """
    if today is not None and as_of >= today and basis is Basis.EFFECTIVE:
        return _current_condition(bucket, as_of)
    due = due_on(as_of, basis)
    dated = due.is_not(None)
    conditions = {
        Timeliness.REGULAR: due.is_(None),
        Timeliness.DONE_ON_TIME: and_(dated, done_by(as_of), Task.completed_on <= due),
        Timeliness.DONE_LATE: and_(dated, done_by(as_of), Task.completed_on > due),
        Timeliness.OPEN_IN_TERM: and_(dated, ~done_by(as_of), due >= as_of),
        Timeliness.OPEN_OVERDUE: and_(dated, ~done_by(as_of), due < as_of),
    }
    condition = conditions.get(bucket)
    return false() if condition is None else and_(existing_on(as_of), condition)


def timeliness_case(
    as_of: dt.date, basis: Basis = Basis.EFFECTIVE, due: ColumnElement | None = None
) -> ColumnElement:
    """SQL twin of `timeliness_of`: the bucket at the end of a day; NULL if absent or withdrawn.

    `due` is the due date that counted (default: `due_on(as_of, basis)`); a `DueSlice` gives a
    cheaper equivalent for its tasks.
    """
    due = due_on(as_of, basis) if due is None else due
    on_time = case(
        (Task.completed_on <= due, literal(Timeliness.DONE_ON_TIME.value)),
        else_=literal(Timeliness.DONE_LATE.value),
    )
    return case(
        (~existing_on(as_of), null()),
        (due.is_(None), literal(Timeliness.REGULAR.value)),
        (done_by(as_of), on_time),
        (due >= as_of, literal(Timeliness.OPEN_IN_TERM.value)),
        else_=literal(Timeliness.OPEN_OVERDUE.value),
    )
