"""The counts of one statistics row, and the SQL that puts each task in one of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, case, literal

from tracker.tasks.models import Task
from tracker.tasks.timeliness import Basis, Timeliness, timeliness_case

BUCKETS = (
    Timeliness.DONE_ON_TIME,
    Timeliness.DONE_LATE,
    Timeliness.OPEN_IN_TERM,
    Timeliness.OPEN_OVERDUE,
)
WITHDRAWN = "withdrawn"
COUNT_NAMES = (*(b.value for b in BUCKETS), Timeliness.REGULAR.value, WITHDRAWN)
RATE_DIGITS = 4


@dataclasses.dataclass
class Counts:
    """Tasks in the four buckets, and beside them regular (undated) and withdrawn tasks."""

    done_on_time: int = 0
    done_late: int = 0
    open_in_term: int = 0
    open_overdue: int = 0
    regular: int = 0
    withdrawn: int = 0

    @property
    def total(self) -> int:
        """Return the tasks in the four buckets (regular and withdrawn ones are not counted)."""
        return self.done_on_time + self.done_late + self.open_in_term + self.open_overdue

    @property
    def done(self) -> int:
        """Return the tasks done, on time or late."""
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        """Return the tasks still open, in term or overdue."""
        return self.open_in_term + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Return done on time / done, or None when nothing is done."""
        return round(self.done_on_time / self.done, RATE_DIGITS) if self.done else None

    def add(self, other: Counts) -> None:
        """Add another row's counts to this one."""
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add_pairs(self, pairs: Iterable[tuple[str, int]]) -> None:
        """Add (count name, number) pairs, as a GROUP BY on `count_name` returns them."""
        for name, number in pairs:
            setattr(self, name, getattr(self, name) + int(number))


def withdrawn_by(as_of: dt.date) -> ColumnElement[bool]:
    """SQL: the task existed and had been withdrawn by the end of the day."""
    return and_(Task.created_on <= as_of, Task.cancelled_on <= as_of)


def count_name(as_of: dt.date, basis: Basis, due: ColumnElement) -> ColumnElement:
    """SQL: the `Counts` field a task adds one to as of a day (NULL if it did not exist yet).

    `due` is the due date that counted on the day, as `timeliness_case` takes it.
    """
    return case(
        (withdrawn_by(as_of), literal(WITHDRAWN)), else_=timeliness_case(as_of, basis, due)
    ).label("count_name")
