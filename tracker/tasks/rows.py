"""Tasks read for display as plain rows of columns, without building ORM objects.

A task's representation needs its columns, its lead and co-ordinating agencies (code and name),
its timeliness on a day and, for a group parent, its children by status. Reading those as Core
rows costs a fraction of hydrating ORM objects with their relationships (profiled: most of the
list request's time); the statements stay the same in number whatever the page size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import NamedTuple

from sqlalchemy import Select, bindparam, select

from tracker.agencies.models import Agency
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.tasks.groups import children_status_counts
from tracker.tasks.models import Task, task_coordinators
from tracker.tasks.timeliness import Basis, Timeliness, timeliness_by_id


class TaskRow(NamedTuple):
    """The columns of a task its representation shows or derives something from."""

    id: int
    directive_id: int
    parent_id: int | None
    clause: str | None
    title: str
    description: str
    lead_agency_id: int | None
    group_kind: str | None
    deadline_kind: str
    deadline_text: str
    due_date: dt.date | None
    original_due_date: dt.date | None
    status: str
    priority: str
    confidential: bool
    completed_on: dt.date | None
    accepted_on: dt.date | None
    cancelled_on: dt.date | None
    cancel_reason: str | None
    extended_on: dt.date | None
    created_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    lead_code: str | None
    lead_name: str | None


class AgencyRef(NamedTuple):
    """An agency as a task's representation names it."""

    id: int
    code: str
    name: str


LEAD_COLUMNS = (Agency.code.label("lead_code"), Agency.name.label("lead_name"))
TASK_COLUMNS = tuple(getattr(Task, name) for name in TaskRow._fields[: -len(LEAD_COLUMNS)])


@dataclasses.dataclass(frozen=True)
class TaskRows:
    """Task rows with what their representation takes from other tables, by task id."""

    rows: list[TaskRow]
    coordinators: dict[int, list[AgencyRef]]
    timeliness: dict[int, Timeliness | None]
    children: dict[int, dict[str, int]]


def select_rows(*conditions) -> Select:
    """Return the SELECT of the display columns (lead agency joined) of the matching tasks."""
    return (
        select(*TASK_COLUMNS, *LEAD_COLUMNS)
        .outerjoin(Agency, Agency.id == Task.lead_agency_id)
        .where(*conditions)
    )


def read_rows(
    query: Select, as_of: dt.date, basis: Basis = Basis.EFFECTIVE, params: dict | None = None
) -> TaskRows:
    """Run a `select_rows` query; add co-ordinators, timeliness as of a day and children.

    Reads go to the session's connection directly: rows of columns need nothing of the ORM's
    result handling (nor its autoflush: nothing is pending where tasks are read for display).
    """
    result = db.session.connection().execute(query, params)
    rows = [TaskRow._make(row) for row in result]
    parents = [row.id for row in rows if row.group_kind is not None]
    return TaskRows(
        rows,
        coordinators_of([row.id for row in rows]),
        timeliness_by_id(rows, as_of, basis),
        children_status_counts(parents),
    )


def read_task(task_id: int, as_of: dt.date) -> TaskRows:
    """Return one task for display, or raise NotFound."""
    shown = read_rows(_ONE_TASK, as_of, params={"task_id": task_id})
    if not shown.rows:
        raise NotFound(f"Task {task_id} not found.")
    return shown


def coordinators_of(task_ids: list[int]) -> dict[int, list[AgencyRef]]:
    """Return each task's co-ordinating agencies, by code (one query)."""
    if not task_ids:
        return {}
    found: dict[int, list[AgencyRef]] = {task_id: [] for task_id in task_ids}
    result = db.session.connection().execute(_COORDINATORS, {"task_ids": task_ids})
    for task_id, *agency in result:
        found[task_id].append(AgencyRef._make(agency))
    return found


# Built once: SQLAlchemy then reuses their cache keys and compiled forms (tracker.tasks.paging).
_ONE_TASK = select_rows(Task.id == bindparam("task_id"))
_COORDINATORS = (
    select(task_coordinators.c.task_id, Agency.id, Agency.code, Agency.name)
    .join(Agency, Agency.id == task_coordinators.c.agency_id)
    .where(task_coordinators.c.task_id.in_(bindparam("task_ids", expanding=True)))
    .order_by(Agency.code)
)
