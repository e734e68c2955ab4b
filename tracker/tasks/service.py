"""Task operations: create, edit, load. They flush and write the audit log; the caller commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.agencies.models import Agency
from tracker.agencies.registry import attach
from tracker.agencies.service import resolve_codes
from tracker.audit.service import record_task, task_snapshot
from tracker.deadlines import DeadlineKind, describe, normalise_due_date
from tracker.directives.models import Directive
from tracker.errors import InvalidInput, InvalidTransition, NotFound, StaleVersion
from tracker.extensions import db
from tracker.reminders import events
from tracker.tasks.models import OPEN_STATUSES, Task, task_coordinators
from tracker.text import fold
from tracker.users.models import User


@dataclasses.dataclass(frozen=True)
class TaskInput:
    """The fields a client sets when creating a task (a lead agency or a group, not both)."""

    directive_id: int
    title: str
    deadline_kind: DeadlineKind
    lead_agency: str | None = None
    group: str | tuple[str, ...] | None = None
    due_date: dt.date | None = None
    deadline_text: str | None = None
    clause: str | None = None
    description: str = ""
    coordinating_agencies: Sequence[str] = ()
    priority: str = "normal"
    confidential: bool = False


PLAIN_FIELDS = ("clause", "title", "description", "priority", "confidential")
DEADLINE_FIELDS = ("deadline_kind", "due_date", "deadline_text")
AGENCY_FIELDS = ("lead_agency", "coordinating_agencies")
EDITABLE_FIELDS = PLAIN_FIELDS + DEADLINE_FIELDS + AGENCY_FIELDS


def create_task(data: TaskInput, actor: User | None, now: dt.datetime, today: dt.date) -> Task:
    """Create a task on a directive for one lead agency."""
    if (data.lead_agency is None) == (data.group is None):
        raise InvalidInput("Give either lead_agency or group.", field="lead_agency")
    if data.group is not None:
        raise InvalidInput("Group tasks are created with create_group_task.", field="group")
    directive = directive_for(data.directive_id)
    task = new_task(data, directive, now, today)
    assign_agencies(task, directive, data.lead_agency, data.coordinating_agencies)
    db.session.add(task)
    db.session.flush()
    record_task("created", task, {}, actor, now)
    events.task_assigned(task, now, today)
    return task


def directive_for(directive_id: int) -> Directive:
    """Return the directive a new task belongs to, or refuse the field."""
    directive = db.session.scalar(_DIRECTIVE, {"directive_id": directive_id})
    if directive is None:
        raise InvalidInput(f"Directive {directive_id} does not exist.", field="directive_id")
    return directive


def new_task(data: TaskInput, directive: Directive, now: dt.datetime, today: dt.date) -> Task:
    """Build a task's common fields (no agencies yet)."""
    task = Task(directive_id=directive.id, created_on=today, created_at=now, updated_at=now)
    for name in PLAIN_FIELDS:
        setattr(task, name, getattr(data, name))
    set_deadline(task, directive, data.deadline_kind, data.due_date, data.deadline_text)
    task.original_due_date = task.due_date
    task.search_key = task_search_key(task)
    return task


def update_task(
    task: Task, changes: dict, expected_version: int | None, actor: User | None, now: dt.datetime
) -> Task:
    """Apply validated changes to an open task, refusing a stale version."""
    check_version(task, expected_version)
    if task.status not in OPEN_STATUSES:
        raise InvalidTransition(f"A task in state '{task.status}' cannot be edited.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Fields cannot be changed: {', '.join(sorted(unknown))}.")
    before = task_snapshot(task)
    directive = db.session.get(Directive, task.directive_id)
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(task, name, changes[name])
    if any(name in changes for name in AGENCY_FIELDS):
        _change_agencies(task, directive, changes)
    if any(name in changes for name in DEADLINE_FIELDS):
        _change_deadline(task, directive, changes)
    task.search_key = task_search_key(task)
    task.updated_at = now
    db.session.flush()
    record_task("updated", task, before, actor, now)
    return task


def check_version(task: Task, expected_version: int | None) -> None:
    """Refuse to act on a task that changed since the client read it."""
    if expected_version is not None and expected_version != task.version:
        raise StaleVersion(
            f"Task {task.id} has changed (version {task.version}); fetch it again and retry."
        )


def _change_agencies(task: Task, directive: Directive, changes: dict) -> None:
    """Reassign a task's agencies; a group parent has none of its own."""
    if task.is_group_parent:
        raise InvalidInput(
            "A group task's agencies are those of its child tasks.", field="lead_agency"
        )
    lead = changes.get("lead_agency", task.lead_agency.code)
    others = changes.get("coordinating_agencies", [a.code for a in task.coordinating_agencies])
    assign_agencies(task, directive, lead, others)


def _change_deadline(task: Task, directive: Directive, changes: dict) -> None:
    """Correct the assigned deadline; an edit moves the original due date too."""
    if task.extended_on is not None:
        raise InvalidTransition("The deadline of an extended task changes only by extension.")
    kind = DeadlineKind(changes.get("deadline_kind", task.deadline_kind))
    due = changes.get("due_date", task.due_date)
    if (
        "deadline_kind" in changes
        and kind.value != task.deadline_kind
        and "due_date" not in changes
    ):
        due = None if kind in (DeadlineKind.REGULAR, DeadlineKind.NONE) else task.due_date
    set_deadline(task, directive, kind, due, changes.get("deadline_text"))
    task.original_due_date = task.due_date


def set_deadline(
    task: Task, directive: Directive, kind: DeadlineKind, due: dt.date | None, text: str | None
) -> None:
    """Normalise and check a deadline against its directive."""
    kind = DeadlineKind(kind)
    normalised = normalise_due_date(kind, due)
    if normalised is not None and normalised < directive.issued_on:
        raise InvalidInput("The due date is before the directive was issued.", field="due_date")
    task.deadline_kind = kind.value
    task.due_date = normalised
    task.deadline_text = text or describe(kind, normalised)


def assign_agencies(task: Task, directive: Directive, lead: str, others: Sequence[str]) -> None:
    """Set lead and co-ordinating agencies, checking they existed when the directive was issued."""
    (lead_agency,) = resolve_codes([lead], "lead_agency")
    coordinators = resolve_codes(others, "coordinating_agencies")
    if lead_agency in coordinators:
        raise InvalidInput(
            "The lead agency cannot also co-ordinate.", field="coordinating_agencies"
        )
    ensure_existed(lead_agency, directive.issued_on, "lead_agency")
    for agency in coordinators:
        ensure_existed(agency, directive.issued_on, "coordinating_agencies")
    task.lead_agency = lead_agency
    task.coordinating_agencies = coordinators


def ensure_existed(agency: Agency, issued_on: dt.date, field: str) -> None:
    """Refuse an agency that had been merged away before the directive was issued."""
    if agency.valid_until is not None and agency.valid_until < issued_on:
        successor = agency.successor.code if agency.successor else "its successor"
        raise InvalidInput(
            f"{agency.code} was merged into {successor} on {agency.valid_until:%Y-%m-%d}; "
            f"assign the task to {successor}.",
            field=field,
        )


def task_search_key(task: Task) -> str:
    """Return the folded text a task is found by."""
    return fold(f"{task.title} {task.description}")


def get_task(task_id: int, *, for_update: bool = False) -> Task:
    """Return a task with its agencies (locking its row for a state change), or raise NotFound.

    The agencies come from the registry (tracker.agencies.registry), so only the task row and
    its co-ordinators' ids are read.
    """
    query = _TASK_ALONE
    if for_update:
        query = query.with_for_update(of=Task).execution_options(populate_existing=True)
    task = db.session.scalar(query, {"task_id": task_id})
    if task is None:
        raise NotFound(f"Task {task_id} not found.")
    coordinators = db.session.connection().scalars(_COORDINATOR_IDS, {"task_id": task_id})
    lead = None if task.lead_agency_id is None else attach(task.lead_agency_id)
    set_committed_value(task, "lead_agency", lead)
    set_committed_value(task, "coordinating_agencies", [attach(i) for i in coordinators])
    return task


# Built once: SQLAlchemy reuses their cache keys (see tracker.tasks.paging).
_DIRECTIVE = select(Directive).where(Directive.id == bindparam("directive_id"))
_TASK_ALONE = (
    select(Task)
    .where(Task.id == bindparam("task_id"))
    .options(lazyload(Task.lead_agency), lazyload(Task.coordinating_agencies))
)
_COORDINATOR_IDS = (
    select(task_coordinators.c.agency_id)
    .join(Agency, Agency.id == task_coordinators.c.agency_id)
    .where(task_coordinators.c.task_id == bindparam("task_id"))
    .order_by(Agency.code)
)
