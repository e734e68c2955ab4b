"""The Government Office's table: each lead agency's tasks in the four buckets as of a day."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from sqlalchemy import func, select

from tracker.agencies.data import AGENCY_KINDS
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.stats.counts import Counts
from tracker.stats.scope import StatsFilter, all_agencies, scoped_tasks, shown_agency_ids


@dataclasses.dataclass
class AgencyCounts(Counts):
    """One agency's row."""

    agency: Agency | None = None
    by_status: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class TotalCounts(Counts):
    """The totals row, with the number of agencies it sums."""

    agencies: int = 0
    by_status: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class AgencyReport:
    """The rows, their totals and the filter that produced them."""

    spec: StatsFilter
    items: list[AgencyCounts]
    totals: TotalCounts


def _rate_key(descending: bool) -> Callable[[AgencyCounts], tuple]:
    """Sort by on-time rate, agencies with nothing done last."""
    sign = -1 if descending else 1
    return lambda row: (row.on_time_rate is None, sign * (row.on_time_rate or 0), row.agency.code)


SORTS: dict[str, Callable[[AgencyCounts], tuple]] = {
    "agency": lambda row: (AGENCY_KINDS.index(row.agency.kind), row.agency.code),
    "-total": lambda row: (-row.total, row.agency.code),
    "-open_overdue": lambda row: (-row.open_overdue, row.agency.code),
    "on_time_rate": _rate_key(descending=False),
    "-on_time_rate": _rate_key(descending=True),
}


def agency_statistics(spec: StatsFilter, sort: str = "agency") -> AgencyReport:
    """Count each agency's tasks in one GROUP BY query; merged agencies folded if asked."""
    agencies = all_agencies()
    shown = shown_agency_ids(agencies, spec.merge)
    items: dict[int, AgencyCounts] = {}
    for agency_id, name, number in db.session.execute(counts_by_lead_agency(spec, agencies)):
        if agency_id is None or name is None:  # group parents (children count), not yet created
            continue
        target = shown[agency_id]
        item = items.setdefault(target, AgencyCounts(agency=agencies[target]))
        item.add_pairs([(name, number)])
    ordered = sorted(items.values(), key=SORTS[sort])
    return AgencyReport(spec, ordered, totals_of(ordered))


def counts_by_lead_agency(spec: StatsFilter, agencies: Mapping[int, Agency]):
    """Return the SELECT of (lead agency, count name, number of tasks)."""
    scoped = scoped_tasks(spec, agencies)
    keys = (scoped.c.lead_agency_id, scoped.c.count_name)
    return select(*keys, func.count()).group_by(*keys)


def totals_of(items: list[AgencyCounts]) -> TotalCounts:
    """Sum the rows."""
    totals = TotalCounts(agencies=len(items))
    for item in items:
        totals.add(item)
    return totals
