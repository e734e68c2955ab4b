"""Which tasks a statistic counts: the filters shared by the agency table, directives and trend."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import ColumnElement, Date, Subquery, cast, null, select, union_all

from tracker.agencies.models import Agency
from tracker.agencies.service import get_agency, lineage_ids
from tracker.directives.models import Directive
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.stats.counts import count_name
from tracker.stats.periods import DateRange
from tracker.tasks.models import Task
from tracker.tasks.timeliness import Basis, DueSlice, due_slices

MAX_SUCCESSION = 16


class Merge(StrEnum):
    """Whether tasks of a merged agency are counted under it or under its successor."""

    NONE = "none"
    SUCCESSOR = "successor"


@dataclasses.dataclass(frozen=True)
class StatsFilter:
    """The tasks counted: existing on `as_of`, due in `due` (undated ones always), and filters."""

    as_of: dt.date
    due: DateRange | None = None
    basis: Basis = Basis.EFFECTIVE
    kind: str | None = None
    directive_id: int | None = None
    issuer: str | None = None
    agency: str | None = None
    merge: Merge = Merge.NONE


def check_as_of(as_of: dt.date, today: dt.date) -> None:
    """Refuse a day after today: its figures could still change, so they are no snapshot."""
    if as_of > today:
        raise InvalidInput(f"as_of cannot be after today ({today:%Y-%m-%d}).", field="as_of")


def scope_conditions(spec: StatsFilter, agencies: Mapping[int, Agency]) -> list[ColumnElement]:
    """Return the WHERE conditions, but the due range, of the tasks a statistic counts.

    Group parents (no lead agency) are not filtered out here but dropped from the results: a
    `lead_agency_id IS NOT NULL` condition lures SQLite into walking the whole lead-agency index.
    """
    conditions = [Task.created_on <= spec.as_of]
    if spec.directive_id is not None:
        conditions.append(Task.directive_id == spec.directive_id)
    if spec.issuer:
        issued = select(Directive.id).where(Directive.issuer == spec.issuer)
        conditions.append(Task.directive_id.in_(issued))
    if spec.kind:
        shown = shown_agency_ids(agencies, spec.merge)
        ids = [i for i in agencies if agencies[shown[i]].kind == spec.kind]
        conditions.append(Task.lead_agency_id.in_(ids))
    if spec.agency:
        conditions.append(Task.lead_agency_id.in_(_lineage(spec.agency)))
    return conditions


def due_slices_of(spec: StatsFilter, undated: bool = True) -> list[DueSlice]:
    """Return the disjoint slices of tasks a statistic reads, each one index range.

    Tasks without a due date have no period: they are counted in every period (as `regular`,
    or `withdrawn`), unless `undated` is false.
    """
    first, last = (spec.due.start, spec.due.end) if spec.due else (None, None)
    slices = due_slices(spec.as_of, spec.basis, first, last)
    if undated:
        slices.insert(0, DueSlice(Task.due_date.is_(None), cast(null(), Date)))
    return slices


def scoped_tasks(
    spec: StatsFilter, agencies: Mapping[int, Agency], undated: bool = True
) -> Subquery:
    """Return, for each task in scope, its lead agency, its due date on the day and count name.

    One SELECT per slice, glued with UNION ALL: each walks one index range (the covering
    `ix_tasks_stats` and `ix_tasks_stats_extended`) instead of an OR that makes the database
    fetch table rows. Group by the subquery's plain columns: PostgreSQL would not match an
    expression with bound parameters in GROUP BY to the same one in SELECT.
    """
    common = scope_conditions(spec, agencies)
    parts = [
        select(
            Task.lead_agency_id,
            piece.due.label("due"),
            count_name(spec.as_of, spec.basis, piece.due),
        ).where(*common, piece.condition)
        for piece in due_slices_of(spec, undated)
    ]
    return union_all(*parts).subquery("scoped") if len(parts) > 1 else parts[0].subquery("scoped")


def _lineage(code: str) -> set[int]:
    """Return the ids an agency filter counts: the agency and those merged into it."""
    try:
        return lineage_ids(get_agency(code).id)
    except NotFound:
        raise InvalidInput(f"Unknown agency code: {code}.", field="agency") from None


def all_agencies() -> dict[int, Agency]:
    """Return the registry by id (about a hundred rows)."""
    return {agency.id: agency for agency in db.session.scalars(select(Agency))}


def shown_agency_ids(agencies: Mapping[int, Agency], merge: Merge) -> dict[int, int]:
    """Map each agency id to the id its tasks are counted under (its last successor if merging)."""
    if merge is Merge.NONE:
        return {agency_id: agency_id for agency_id in agencies}
    return {agency_id: _last_successor(agencies, agency_id) for agency_id in agencies}


def _last_successor(agencies: Mapping[int, Agency], agency_id: int) -> int:
    """Follow successor links to the agency that still exists (bounded, in case of a cycle)."""
    for _ in range(MAX_SUCCESSION):
        successor = agencies[agency_id].successor_id
        if successor is None or successor not in agencies:
            return agency_id
        agency_id = successor
    return agency_id
