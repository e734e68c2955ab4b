"""Progress of one directive: its tasks by status and by timeliness, per lead agency."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from tracker.directives.models import Directive
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.stats.agencies import AgencyCounts, AgencyReport, agency_statistics
from tracker.stats.scope import StatsFilter, all_agencies, shown_agency_ids
from tracker.tasks.models import Task


@dataclasses.dataclass
class DirectiveProgress:
    """The directive, its per-agency rows (each with `by_status`) and totals."""

    directive: Directive
    report: AgencyReport
    group_tasks: int

    @property
    def items(self) -> list[AgencyCounts]:
        """Return the agency rows."""
        return self.report.items

    @property
    def totals(self):
        """Return the totals row."""
        return self.report.totals


def directive_progress(directive_id: int, spec: StatsFilter) -> DirectiveProgress:
    """Count a directive's tasks per lead agency: timeliness as of a day, and current status."""
    directive = db.session.get(Directive, directive_id)
    if directive is None:
        raise NotFound(f"Directive {directive_id} not found.")
    spec = dataclasses.replace(spec, directive_id=directive_id)
    report = agency_statistics(spec)
    by_agency = status_counts(directive_id, spec)
    totals: dict[str, int] = {}
    for item in report.items:
        item.by_status = by_agency.get(item.agency.id, {})
        for status, count in item.by_status.items():
            totals[status] = totals.get(status, 0) + count
    report.totals.by_status = totals
    return DirectiveProgress(directive, report, _group_tasks(directive_id, spec.as_of))


def status_counts(directive_id: int, spec: StatsFilter) -> dict[int, dict[str, int]]:
    """Return, per shown agency, how many of the directive's tasks are in each current status."""
    rows = db.session.execute(
        select(Task.lead_agency_id, Task.status, func.count())
        .where(
            Task.directive_id == directive_id,
            Task.lead_agency_id.is_not(None),
            Task.created_on <= spec.as_of,
        )
        .group_by(Task.lead_agency_id, Task.status)
    )
    shown = shown_agency_ids(all_agencies(), spec.merge)
    counts: dict[int, dict[str, int]] = {}
    for agency_id, status, count in rows:
        by_status = counts.setdefault(shown[agency_id], {})
        by_status[status] = by_status.get(status, 0) + count
    return counts


def _group_tasks(directive_id: int, as_of: dt.date) -> int:
    """Return how many group tasks (counted through their children) the directive has."""
    return db.session.scalar(
        select(func.count()).where(
            Task.directive_id == directive_id,
            Task.group_kind.is_not(None),
            Task.created_on <= as_of,
        )
    )
