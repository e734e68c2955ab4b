"""Counting and paging the task list: prepared statements for its common shape, and split reads.

Three costs dominated the list once its rows stopped being ORM objects (profiled, EXPLAINed):

- Building each statement again and deriving SQLAlchemy's cache key from it took longer than
  running it. The common shape, "lead agencies and/or statuses" (an agency's open work, a status,
  everything), gets statements built once per shape with bound parameters: SQLAlchemy keeps a
  statement's cache key, so executing one again costs only the execution.
- Due-date order across several values. `lead_agency_id IN (the agency and those merged into it)
  AND status IN (assigned, in_progress, submitted) ORDER BY due_date` cannot read due-date order
  from the (lead_agency_id, status, due_date, id) index. At 1,000,000 tasks PostgreSQL walked the
  due-date index and discarded thousands of rows per page (2-8 ms), SQLite fetched every match and
  sorted it (1.5-2.3 ms). Split into one branch per (lead agency, status) pair, each reads its first
  rows in order from that index alone; their union, at most branches x (page end) ids, is sorted
  and cut to the page, and only the page's rows are read (EXPLAIN: a Merge Append of index-only
  scans on PostgreSQL, covering-index searches on SQLite; 0.3-0.4 ms on either).
- Counting every match for `total`: at 1,000,000 tasks 35-64 ms on PostgreSQL for all tasks, 20 ms
  for one status. The shape's count adds up the maintained counts (`TaskCount`) instead. The
  tasks an agency leads or co-ordinates (`agency=`, and what an agency's user sees) were counted
  by reading every task row (a sequential scan on PostgreSQL, 330-760 ms; 126 ms on SQLite); the
  union of two index-only reads counts them (74 and 56 ms, measured on a busy machine).
"""

from __future__ import annotations

import dataclasses
import functools

from sqlalchemy import Select, bindparam, func, select, union, union_all

from tracker.tasks.models import Task, TaskCount, TaskCountChange, task_coordinators
from tracker.tasks.rows import select_rows

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
# The tasks led or co-ordinated by some agencies, counted from two indexes.
INVOLVED_COUNT = select(func.count()).select_from(
    union(
        select(Task.id).where(Task.lead_agency_id.in_(bindparam("agencies", expanding=True))),
        select(task_coordinators.c.task_id).where(
            task_coordinators.c.agency_id.in_(bindparam("agencies", expanding=True))
        ),
    ).subquery()
)
MAX_BRANCHES = 30
MAX_PAGE_END = 5000


@dataclasses.dataclass(frozen=True)
class Shape:
    """A filter of only lead agencies and statuses (either may be empty), for staff or viewers."""

    lead_ids: tuple[int, ...]
    statuses: tuple[str, ...]
    public_only: bool  # a viewer's list leaves confidential tasks out

    def count(self) -> tuple[Select, dict]:
        """Return the prepared count of the matching tasks (maintained counts), with parameters."""
        key = (bool(self.lead_ids), bool(self.statuses), self.public_only)
        return _count_statement(*key), self._lists()

    def page(self, sort: str, page: int, size: int) -> tuple[Select, dict]:
        """Return the prepared SELECT of a page of display rows, with its parameters."""
        end = page * size
        branches = len(self.lead_ids or [None]) * len(self.statuses or [None])
        params = {"offset": end - size, "size": size}
        if sort.endswith("due_date") and 1 < branches <= MAX_BRANCHES and end <= MAX_PAGE_END:
            params |= {f"lead_{i}": lead for i, lead in enumerate(self.lead_ids)}
            params |= {f"status_{i}": status for i, status in enumerate(self.statuses)}
            key = (len(self.lead_ids), len(self.statuses), self.public_only, sort)
            return _split_page_statement(*key), params | {"end": end}
        key = (bool(self.lead_ids), bool(self.statuses), self.public_only, sort)
        return _page_statement(*key), params | self._lists()

    def _lists(self) -> dict:
        """The IN lists' parameters."""
        return {"leads": list(self.lead_ids), "statuses": list(self.statuses)}


def _shape_conditions(
    leads: bool, statuses: bool, public_only: bool, table=Task, lead=Task.lead_agency_id
) -> list:
    """The conditions of a shape on tasks (or their counts), with expanding parameters."""
    conditions = []
    if leads:
        conditions.append(lead.in_(bindparam("leads", expanding=True)))
    if statuses:
        conditions.append(table.status.in_(bindparam("statuses", expanding=True)))
    if public_only:
        conditions.append(table.confidential.is_(False))
    return conditions


@functools.cache
def _count_statement(leads: bool, statuses: bool, public_only: bool) -> Select:
    """The count of a shape's tasks, from the maintained counts and their unfolded changes."""
    parts = [
        select(number.label("n")).where(
            *_shape_conditions(leads, statuses, public_only, table, table.lead_key)
        )
        for table, number in ((TaskCount, TaskCount.n), (TaskCountChange, TaskCountChange.delta))
    ]
    numbers = union_all(*parts).subquery()
    return select(func.coalesce(func.sum(numbers.c.n), 0))


@functools.cache
def _page_statement(leads: bool, statuses: bool, public_only: bool, sort: str) -> Select:
    """A page of a shape's tasks read in one index range (or sorted)."""
    conditions = _shape_conditions(leads, statuses, public_only)
    return _paged(select_rows(*conditions).order_by(*SORTS[sort]))


@functools.cache
def _split_page_statement(leads: int, statuses: int, public_only: bool, sort: str) -> Select:
    """A page of a shape's tasks in due-date order, read a (lead agency, status) pair at a time."""
    order = SORTS[sort]
    lead_terms = [Task.lead_agency_id == bindparam(f"lead_{i}") for i in range(leads)]
    status_terms = [Task.status == bindparam(f"status_{i}") for i in range(statuses)]
    public = [Task.confidential.is_(False)] if public_only else []
    firsts = [
        select(Task.id, Task.due_date)
        .where(*terms, *public)
        .order_by(*order)
        .limit(bindparam("end"))
        .subquery()
        for terms in _pairs(lead_terms, status_terms)
    ]
    candidates = union_all(*(select(first.c.id, first.c.due_date) for first in firsts)).subquery()
    due, task_id = candidates.c.due_date, candidates.c.id
    if sort.startswith("-"):
        candidate_order = (due.desc().nulls_last(), task_id.desc())
    else:
        candidate_order = (due.asc().nulls_last(), task_id.asc())
    ids = _paged(select(task_id).order_by(*candidate_order))
    return select_rows(Task.id.in_(ids)).order_by(*order)


def _pairs(leads: list, statuses: list) -> list[list]:
    """Each branch's terms: one lead agency and one status, where the shape has them."""
    return [[*lead, *status] for lead in _or_none(leads) for status in _or_none(statuses)]


def _or_none(terms: list) -> list[list]:
    """Each term as a one-term list; one empty list when there are none."""
    return [[term] for term in terms] or [[]]


def _paged(query: Select) -> Select:
    """A query cut to the page given by the `offset` and `size` parameters."""
    return query.offset(bindparam("offset")).limit(bindparam("size"))


def page_query(conditions: list, sort: str, page: int, size: int) -> Select:
    """Return the SELECT of a page of display rows of the tasks matching any conditions."""
    query = select_rows(*conditions).order_by(*SORTS[sort])
    return query.offset((page - 1) * size).limit(size)
