"""Listing tasks: filters, sorting and pagination for large tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import defer, joinedload, lazyload, selectinload

from tracker.agencies.models import Agency
from tracker.agencies.service import lineage_ids, lineage_of_code
from tracker.directives.models import Directive
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.permissions import involving_coordinator, task_visibility, visible_task_conditions
from tracker.search import matches_words, search_words
from tracker.tasks.groups import annotate_children
from tracker.tasks.models import Task
from tracker.tasks.paging import INVOLVED_COUNT, SORTS, Shape, page_query
from tracker.tasks.rows import TaskRows, read_rows
from tracker.tasks.timeliness import (
    Basis,
    Timeliness,
    annotate_timeliness,
    due_between,
    timeliness_condition,
)
from tracker.users.models import User

STREAM_BATCH = 1000
AGENCY_REF = (Agency.id, Agency.code, Agency.name)
# The filters beyond a prepared shape of tracker.tasks.paging (basis changes only the display).
NOT_SHAPED = (
    "agency", "directive_id", "parent_id", "timeliness", "as_of", "due_from", "due_to", "q",
)  # fmt: skip
BEYOND_INVOLVEMENT = tuple(name for name in NOT_SHAPED if name != "agency")


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
    visible = visible_task_conditions(user, counting=counting and _is_sqlite())
    return visible + _conditions(spec, today, counting=counting and _is_sqlite())


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
    conditions.extend(_due_conditions(spec))
    if spec.q:
        words = search_words(spec.q)
        conditions.append(matches_words(words) if words else false())
    return conditions


def _due_conditions(spec: TaskFilter) -> list:
    """Due range on the current due date, or on the one that counted on `as_of` (as statistics)."""
    if not (spec.due_from or spec.due_to):
        return []
    first, last = spec.due_from or dt.date.min, spec.due_to or dt.date.max
    if spec.as_of is None and spec.basis is Basis.EFFECTIVE:
        return [Task.due_date.between(first, last)]
    # On the original basis the day does not matter.
    return [due_between(first, last, spec.as_of or dt.date.max, spec.basis)]


def _is_sqlite() -> bool:
    """Return whether the database is SQLite (whose planner wants some forms spelled out)."""
    return db.engine.dialect.name == "sqlite"


def _lineage(code: str, field: str) -> set[int]:
    """Return the ids an agency filter matches: the agency and those merged into it."""
    try:
        return lineage_of_code(code)
    except NotFound:
        raise InvalidInput(f"Unknown agency code: {code}.", field=field) from None


def list_tasks(
    user: User, spec: TaskFilter, page: int, page_size: int, today: dt.date
) -> tuple[TaskRows, int]:
    """Return a page of matching tasks for display (timeliness as filtered) and the total."""
    shape = _shape(user, spec)
    if shape is None:
        total = count_tasks(user, spec, today)
        query = page_query(task_conditions(user, spec, today), spec.sort, page, page_size)
        return read_rows(query, spec.as_of or today, spec.basis), total
    total = int(db.session.connection().scalar(*shape.count()))  # PostgreSQL: a Decimal
    query, params = shape.page(spec.sort, page, page_size)
    return read_rows(query, spec.as_of or today, spec.basis, params), total


def _shape(user: User, spec: TaskFilter) -> Shape | None:
    """Return the filter as lead agencies and statuses, if that is all it is."""
    visibility = task_visibility(user)
    if visibility == "involved" or any(getattr(spec, name) for name in NOT_SHAPED):
        return None
    leads = sorted(_lineage(spec.lead_agency, "lead_agency")) if spec.lead_agency else []
    return Shape(tuple(leads), tuple(spec.status), public_only=visibility == "public")


def list_load_options() -> tuple:
    """Load what a task's representation shows, and no more."""
    return (
        defer(Task.search_key),
        joinedload(Task.lead_agency).load_only(*AGENCY_REF).options(lazyload(Agency.successor)),
        selectinload(Task.coordinating_agencies)
        .load_only(*AGENCY_REF)
        .options(lazyload(Agency.successor)),
    )


def count_tasks(user: User, spec: TaskFilter, today: dt.date) -> int:
    """Return how many tasks a user may see match the filter."""
    involved = _involvement(user, spec)
    if involved is not None:
        return db.session.connection().scalar(INVOLVED_COUNT, {"agencies": sorted(involved)})
    conditions = task_conditions(user, spec, today, counting=True)
    return db.session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0


def _involvement(user: User, spec: TaskFilter) -> set[int] | None:
    """The agencies whose tasks, led or co-ordinated, are all that is asked for (if that is all).

    `agency=` alone for staff, or nothing at all for an agency's user (who sees those tasks).
    """
    if spec.lead_agency or spec.status or any(getattr(spec, n) for n in BEYOND_INVOLVEMENT):
        return None
    visibility = task_visibility(user)
    if visibility == "all" and spec.agency:
        return _lineage(spec.agency, "agency")
    if visibility == "involved" and not spec.agency:
        return lineage_ids(user.agency_id)
    return None


def stream_tasks(
    user: User, spec: TaskFilter, as_of: dt.date, today: dt.date, batch_size: int = STREAM_BATCH
) -> Iterator[tuple[Task, str]]:
    """Yield matching tasks with their directive's number, a batch at a time (server cursor).

    Each batch gets its timeliness as of `as_of` and group counts, as the JSON list shows them;
    the session's identity map holds objects weakly, so memory stays bounded by the batch.
    """
    query = (
        filtered_tasks(user, spec, today)
        .join(Directive, Directive.id == Task.directive_id)
        .add_columns(Directive.number)
        .order_by(*SORTS[spec.sort])
        .options(*list_load_options())
        .execution_options(yield_per=batch_size)
    )
    for batch in db.session.execute(query).partitions():
        tasks = [task for task, _number in batch]
        annotate_timeliness(tasks, as_of, spec.basis)
        annotate_children(tasks)
        yield from batch
