"""The most overdue tasks: open past their due date on the day, the oldest due dates first."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.permissions import visible_task_conditions
from tracker.stats.scope import StatsFilter, all_agencies, scope_conditions
from tracker.tasks.models import Task
from tracker.tasks.timeliness import Timeliness, due_between, due_dates_as_of, timeliness_condition
from tracker.users.models import User


@dataclasses.dataclass(frozen=True)
class OverdueTask:
    """A task open past the due date that counted on the day."""

    task: Task
    due: dt.date
    days_overdue: int


def most_overdue(user: User, spec: StatsFilter, limit: int) -> list[OverdueTask]:
    """Return up to `limit` overdue tasks the user may see, within the statistics' filter."""
    condition = timeliness_condition(Timeliness.OPEN_OVERDUE, spec.as_of, spec.basis)
    query = (
        select(Task)
        .where(condition, Task.group_kind.is_(None), *visible_task_conditions(user))
        .where(*scope_conditions(spec, all_agencies()))
        .order_by(Task.due_date, Task.id)
        .limit(limit)
        .options(joinedload(Task.lead_agency))
    )
    if spec.due is not None:
        query = query.where(due_between(spec.due.start, spec.due.end, spec.as_of, spec.basis))
    tasks = list(db.session.scalars(query))
    dues = due_dates_as_of(tasks, spec.as_of, spec.basis)
    overdue = [OverdueTask(t, dues[t.id], (spec.as_of - dues[t.id]).days) for t in tasks]
    return sorted(overdue, key=lambda item: (-item.days_overdue, item.task.id))
