"""Reports from agencies and their review by the Government Office."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from tracker.audit.service import jsonable, record, record_task, task_snapshot
from tracker.directives.models import Directive
from tracker.errors import InvalidInput, InvalidTransition, NotFound
from tracker.extensions import db
from tracker.reminders import events
from tracker.tasks.groups import refresh_parent
from tracker.tasks.models import OPEN_STATUSES, Task, TaskStatus
from tracker.tasks.service import check_version
from tracker.users.models import User
from tracker.workflow.models import Report, ReportKind, ReviewState

REPORTABLE = {
    ReportKind.PROGRESS: {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS},
    ReportKind.COMPLETION: {TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS},
    ReportKind.CONTRIBUTION: set(OPEN_STATUSES),
}


@dataclasses.dataclass(frozen=True)
class ReportInput:
    """What an agency reports."""

    kind: ReportKind
    summary: str
    percent: int | None = None
    completed_on: dt.date | None = None
    evidence: tuple[dict, ...] = ()


def post_report(
    task: Task, data: ReportInput, author: User, expected: int | None, now: dt.datetime, today
) -> Report:
    """Record a report and move the task: first progress -> in_progress, completion -> submitted."""
    check_version(task, expected)
    _ensure_reportable(task, data.kind)
    _check_report_fields(task, data, today)
    report = Report(
        task_id=task.id,
        kind=data.kind.value,
        agency_id=author.agency_id,
        author_id=author.id,
        summary=data.summary,
        percent=data.percent,
        completed_on=data.completed_on,
        evidence=[dict(item) for item in data.evidence],
        created_at=now,
        review_state=ReviewState.PENDING if data.kind is ReportKind.COMPLETION else None,
    )
    db.session.add(report)
    before = task_snapshot(task)
    _advance(task, data.kind)
    task.updated_at = now
    db.session.flush()
    record("posted", "report", report.id, task.id, author, now, _report_fields(report))
    record_task("status_changed", task, before, author, now)
    if task.parent_id:
        refresh_parent(task.parent_id, author, now, today)
    events.report_submitted(task, report, now, today)
    return report


def _ensure_reportable(task: Task, kind: ReportKind) -> None:
    """Refuse reports the task's state does not allow, naming the state."""
    if task.is_group_parent:
        raise InvalidTransition("Agencies report on their own child tasks, not on the group task.")
    if task.status not in REPORTABLE[kind]:
        raise InvalidTransition(
            f"Task {task.id} is '{task.status}'; a {kind.value} report is not possible now."
        )


def _check_report_fields(task: Task, data: ReportInput, today: dt.date) -> None:
    """Completion needs a plausible completion date and evidence; other kinds have neither date."""
    if data.kind is not ReportKind.COMPLETION:
        if data.completed_on is not None:
            raise InvalidInput("Only completion reports carry completed_on.", field="completed_on")
        return
    if data.completed_on is None:
        raise InvalidInput("A completion report needs completed_on.", field="completed_on")
    if data.completed_on > today:
        raise InvalidInput("The completion date cannot be in the future.", field="completed_on")
    issued_on = db.session.get(Directive, task.directive_id).issued_on
    if data.completed_on < issued_on:
        raise InvalidInput(
            "The completion date is before the directive was issued.", field="completed_on"
        )
    if not data.evidence:
        raise InvalidInput("A completion report needs evidence.", field="evidence")


def _advance(task: Task, kind: ReportKind) -> None:
    """Apply the status change a report implies."""
    if kind is ReportKind.COMPLETION:
        task.status = TaskStatus.SUBMITTED
    elif kind is ReportKind.PROGRESS and task.status == TaskStatus.ASSIGNED:
        task.status = TaskStatus.IN_PROGRESS


def _report_fields(report: Report) -> dict:
    """Return a report's content for the audit log."""
    names = ("kind", "summary", "percent", "completed_on", "evidence")
    return {name: [None, jsonable(getattr(report, name))] for name in names}


def review_report(
    task: Task,
    report_id: int,
    decision: str,
    comment: str | None,
    reviewer: User,
    expected: int | None,
    now: dt.datetime,
    today: dt.date,
) -> Report:
    """Accept (task completed) or return (task back in progress) the latest completion report."""
    check_version(task, expected)
    report = _reviewable_report(task, report_id)
    if decision == "return" and not comment:
        raise InvalidInput("A comment is required to return a report.", field="comment")
    before = task_snapshot(task)
    if decision == "accept":
        task.status, task.completed_on, task.accepted_on = (
            TaskStatus.COMPLETED,
            report.completed_on,
            today,
        )
    else:
        task.status = TaskStatus.IN_PROGRESS
    report.review_state = ReviewState.ACCEPTED if decision == "accept" else ReviewState.RETURNED
    report.reviewed_by_id, report.reviewed_at, report.review_comment = reviewer.id, now, comment
    task.updated_at = now
    db.session.flush()
    changes = {"review_state": [ReviewState.PENDING.value, report.review_state]}
    record("reviewed", "report", report.id, task.id, reviewer, now, changes | _comment(comment))
    record_task("status_changed", task, before, reviewer, now)
    if task.parent_id:
        refresh_parent(task.parent_id, reviewer, now, today)
    events.report_reviewed(task, report, now, today)
    return report


def _comment(comment: str | None) -> dict:
    """Return the audit change of a review comment."""
    return {"comment": [None, comment]} if comment else {}


def _reviewable_report(task: Task, report_id: int) -> Report:
    """Return the report if it is the task's pending latest completion report."""
    report = db.session.scalar(
        select(Report).where(Report.id == report_id).with_for_update(of=Report)
    )
    if report is None or report.task_id != task.id:
        raise NotFound(f"Report {report_id} not found on task {task.id}.")
    if report.kind != ReportKind.COMPLETION:
        raise InvalidTransition("Only completion reports are reviewed.")
    if report.review_state != ReviewState.PENDING:
        raise InvalidTransition(f"Report {report_id} was already {report.review_state}.")
    if report.id != latest_completion_id(task.id):
        raise InvalidTransition("Only the latest completion report can be reviewed.")
    if task.status != TaskStatus.SUBMITTED:
        raise InvalidTransition(f"Task {task.id} is '{task.status}', not submitted.")
    return report


def latest_completion_id(task_id: int) -> int | None:
    """Return the id of a task's latest completion report."""
    return db.session.scalar(
        select(Report.id)
        .where(Report.task_id == task_id, Report.kind == ReportKind.COMPLETION)
        .order_by(Report.id.desc())
        .limit(1)
    )


def list_reports(task_id: int) -> list[Report]:
    """Return a task's reports, oldest first."""
    query = select(Report).where(Report.task_id == task_id).order_by(Report.id)
    return list(db.session.scalars(query))
