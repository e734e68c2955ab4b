"""Tasks read for display as plain rows of columns, without building ORM objects.

A task's representation needs its columns, its lead and co-ordinating agencies (code and name),
its timeliness on a day and, for a group parent, its children by status. Reading those as Core
rows costs a fraction of hydrating ORM objects with their relationships (profiled: most of the
list request's time); the statements stay the same in number whatever the page size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import Select, String, bindparam, cast, func, select

from tracker.agencies.models import Agency
from tracker.agencies.registry import AgencyEntry, current_registry
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
    coordinator_ids: str | None  # comma-separated


class AgencyRef(NamedTuple):
    """An agency as a task's representation names it."""

    id: int
    code: str
    name: str


_LINKS = task_coordinators.c
EXTRA_COLUMNS = (
    Agency.code.label("lead_code"),
    Agency.name.label("lead_name"),
    select(func.aggregate_strings(cast(_LINKS.agency_id, String), ","))
    .where(_LINKS.task_id == Task.id)
    .scalar_subquery()
    .label("coordinator_ids"),
)
TASK_COLUMNS = tuple(getattr(Task, name) for name in TaskRow._fields[: -len(EXTRA_COLUMNS)])


@dataclasses.dataclass(frozen=True)
class TaskRows:
    """Task rows with what their representation takes from other tables, by task id."""

    rows: list[TaskRow]
    coordinators: dict[int, list[AgencyEntry]]
    timeliness: dict[int, Timeliness | None]
    children: dict[int, dict[str, int]]


def select_rows(*conditions) -> Select:
    """Return the SELECT of the display columns (lead agency joined) of the matching tasks."""
    return (
        select(*TASK_COLUMNS, *EXTRA_COLUMNS)
        .outerjoin(Agency, Agency.id == Task.lead_agency_id)
        .where(*conditions)
    )


def read_rows(
    query: Select, as_of: dt.date, basis: Basis = Basis.EFFECTIVE, params: dict | None = None
) -> TaskRows:
    """Run a `select_rows` query; add co-ordinators, timeliness as of a day and children.

    Reads go to the session's connection directly: rows of columns need nothing of the ORM's
    result handling (nor its autoflush: nothing is pending where tasks are read for display).
    Each row carries its co-ordinators' ids; their codes and names come from the registry.
    """
    result = db.session.connection().execute(query, params)
    rows = [TaskRow._make(row) for row in result]
    parents = [row.id for row in rows if row.group_kind is not None]
    agencies = current_registry().by_id if any(row.coordinator_ids for row in rows) else {}
    return TaskRows(
        rows,
        {row.id: coordinators_of(row, agencies) for row in rows},
        timeliness_by_id(rows, as_of, basis),
        children_status_counts(parents),
    )


def read_task(task_id: int, as_of: dt.date) -> TaskRows:
    """Return one task for display, or raise NotFound."""
    shown = read_rows(_ONE_TASK, as_of, params={"task_id": task_id})
    if not shown.rows:
        raise NotFound(f"Task {task_id} not found.")
    return shown


def coordinators_of(row: TaskRow, agencies: dict[int, AgencyEntry]) -> list[AgencyEntry]:
    """Return a row's co-ordinating agencies (registry entries) in the database's code order."""
    if not row.coordinator_ids:
        return []
    found = [agencies[int(agency_id)] for agency_id in row.coordinator_ids.split(",")]
    return sorted(found, key=attrgetter("rank"))


_ONE_TASK = select_rows(Task.id == bindparam("task_id"))  # built once (tracker.tasks.paging)
