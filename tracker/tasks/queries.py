"""Listing tasks: filters, sorting and pagination for large tables."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import defer, joinedload, lazyload, selectinload

from tracker.agencies.models import Agency
from tracker.agencies.service import get_agency, lineage_ids
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.permissions import involving_coordinator, visible_tasks
from tracker.tasks.models import Task
from tracker.tasks.timeliness import Basis, Timeliness, timeliness_condition
from tracker.text import search_terms
from tracker.users.models import User

SORTS = {
    "due_date": (Task.due_date.asc().nulls_last(), Task.id.asc()),
    "-due_date": (Task.due_date.desc().nulls_last(), Task.id.desc()),
    "id": (Task.id.asc(),),
    "-id": (Task.id.desc(),),
    "created_at": (Task.created_at.asc(), Task.id.asc()),
    "-created_at": (Task.created_at.desc(), Task.id.desc()),
    "updated_at": (Task.updated_at.asc(), Task.id.asc()),
    "-updated_at": (Task.updated_at.desc(), Task.id.desc()),
}
AGENCY_REF = (Agency.id, Agency.code, Agency.name)


@dataclasses.dataclass(frozen=True)
class TaskFilter:
    """What a client may filter a task list by."""

    lead_agency: str | None = None
    agency: str | None = None
    directive_id: int | None = None
    parent_id: int | None = None
    status: tuple[str, ...] = ()
    timeliness: Timeliness | None = None
    as_of: dt.date | None = None
    basis: Basis = Basis.EFFECTIVE
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    q: str | None = None
    sort: str = "due_date"


def task_conditions(user: User, spec: TaskFilter, today: dt.date, *, counting=False) -> list:
    """Return the SQL conditions selecting the tasks a user may see that match the filter."""
    if spec.due_from and spec.due_to and spec.due_from > spec.due_to:
        raise InvalidInput("due_from is after due_to.", field="due_from")
    # SQLite's fast count needs a WHERE-less query, so "everything" adds no condition.
    visible = visible_tasks(user, counting=counting and _is_sqlite())
    conditions = [visible] if visible is not None else []
    return conditions + _conditions(spec, today, counting=counting and _is_sqlite())


def filtered_tasks(user: User, spec: TaskFilter, today: dt.date) -> Select:
    """Return the SELECT of the tasks a user may see that match the filter."""
    return select(Task).where(*task_conditions(user, spec, today))


def _conditions(spec: TaskFilter, today: dt.date, *, counting: bool) -> list:
    """Translate a filter into SQL conditions."""
    conditions = []
    if spec.lead_agency:
        conditions.append(Task.lead_agency_id.in_(_lineage(spec.lead_agency, "lead_agency")))
    if spec.agency:
        ids = _lineage(spec.agency, "agency")
        coordinated = involving_coordinator(ids, counting=counting)
        conditions.append(or_(Task.lead_agency_id.in_(ids), coordinated))
    if spec.directive_id is not None:
        conditions.append(Task.directive_id == spec.directive_id)
    if spec.parent_id is not None:
        conditions.append(Task.parent_id == spec.parent_id)
    if spec.status:
        conditions.append(Task.status.in_(spec.status))
    if spec.timeliness:
        bucket = timeliness_condition(spec.timeliness, spec.as_of, spec.basis, today)
        conditions.append(bucket)
    elif spec.as_of:
        conditions.append(Task.created_on <= spec.as_of)
    if spec.due_from:
        conditions.append(Task.due_date >= spec.due_from)
    if spec.due_to:
        conditions.append(Task.due_date <= spec.due_to)
    conditions.extend(
        Task.search_key.contains(t, autoescape=True) for t in search_terms(spec.q or "")
    )
    return conditions


def _is_sqlite() -> bool:
    """Return whether the database is SQLite (whose planner wants some forms spelled out)."""
    return db.engine.dialect.name == "sqlite"


def _lineage(code: str, field: str) -> set[int]:
    """Return the ids an agency filter matches: the agency and those merged into it."""
    try:
        agency = get_agency(code)
    except NotFound:
        raise InvalidInput(f"Unknown agency code: {code}.", field=field) from None
    return lineage_ids(agency.id)


def list_tasks(
    user: User, spec: TaskFilter, page: int, page_size: int, today: dt.date
) -> tuple[list[Task], int]:
    """Return one page of matching tasks, with their agencies loaded, and the total."""
    counted = select(func.count()).select_from(Task)
    total = db.session.scalar(counted.where(*task_conditions(user, spec, today, counting=True)))
    page_query = (
        filtered_tasks(user, spec, today)
        .order_by(*SORTS[spec.sort])
        .offset((page - 1) * page_size)
        .limit(page_size)
        .options(*list_load_options())
    )
    return list(db.session.scalars(page_query).unique()), total or 0


def list_load_options() -> tuple:
    """Load what a task's representation shows, and no more."""
    return (
        defer(Task.search_key),
        joinedload(Task.lead_agency).load_only(*AGENCY_REF).options(lazyload(Agency.successor)),
        selectinload(Task.coordinating_agencies)
        .load_only(*AGENCY_REF)
        .options(lazyload(Agency.successor)),
    )
