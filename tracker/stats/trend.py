"""Monthly trend: tasks assigned, completed and withdrawn each month, and those due each month."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import ColumnElement, extract, func, select

from tracker.extensions import db
from tracker.stats.counts import Counts
from tracker.stats.periods import DateRange, months_between
from tracker.stats.scope import StatsFilter, all_agencies, scope_conditions, scoped_tasks
from tracker.tasks.models import Task

MAX_MONTHS = 120
DEFAULT_MONTHS = 12
EVENTS = {
    "assigned": Task.created_on,
    "completed": Task.accepted_on,
    "withdrawn": Task.cancelled_on,
}


@dataclasses.dataclass
class MonthTrend:
    """One month: events in it, and the tasks due in it by bucket as of the report's day."""

    month: DateRange
    assigned: int = 0
    completed: int = 0
    withdrawn: int = 0
    due: Counts = dataclasses.field(default_factory=Counts)

    @property
    def label(self) -> str:
        """Return the month as YYYY-MM."""
        return f"{self.month.start:%Y-%m}"


def default_months(last: dt.date) -> DateRange:
    """Return the twelve months ending with the month of `last`."""
    year, month = divmod(last.year * 12 + last.month - 1 - (DEFAULT_MONTHS - 1), 12)
    return DateRange(dt.date(year, month + 1, 1), last)


def monthly_trend(spec: StatsFilter, span: DateRange) -> list[MonthTrend]:
    """Return one entry per month of the span (counts from four grouped queries)."""
    months = [MonthTrend(m) for m in months_between(span.start, span.end, MAX_MONTHS)]
    by_key = {(m.month.start.year, m.month.start.month): m for m in months}
    whole = DateRange(months[0].month.start, months[-1].month.end)
    agencies = all_agencies()
    for name, column in EVENTS.items():
        rows = db.session.execute(_events(spec, agencies, column, whole))
        for year, month, agency_id, count in rows:
            if agency_id is not None:  # group parents are counted through their children
                entry = by_key[(int(year), int(month))]
                setattr(entry, name, getattr(entry, name) + count)
    rows = db.session.execute(_due_buckets(dataclasses.replace(spec, due=whole), agencies))
    for year, month, name, agency_id, count in rows:
        entry = by_key.get((int(year), int(month)))
        if entry is not None and name is not None and agency_id is not None:
            entry.due.add_pairs([(name, count)])
    return months


def _events(spec: StatsFilter, agencies, column: ColumnElement, whole: DateRange):
    """SELECT year, month, lead agency and count of the tasks whose event falls in each month.

    Grouping by lead agency too (NULL: group parents, skipped) keeps every column read within
    the covering `ix_tasks_stats` index, which is far narrower than the table.
    """
    keys = (extract("year", column), extract("month", column), Task.lead_agency_id)
    return (
        select(*keys, func.count())
        .where(*scope_conditions(dataclasses.replace(spec, due=None), agencies))
        .where(column.between(whole.start, min(whole.end, spec.as_of)))
        .group_by(*keys)
    )


def _due_buckets(spec: StatsFilter, agencies):
    """SELECT year, month, count name, lead agency (NULL: group parents) and number of tasks."""
    scoped = scoped_tasks(spec, agencies, undated=False)
    year, month = extract("year", scoped.c.due), extract("month", scoped.c.due)
    keys = (year, month, scoped.c.count_name, scoped.c.lead_agency_id)
    return select(*keys, func.count()).group_by(*keys)
