"""Plain views of claimed ledger rows (no session needed once loaded) and when to skip one."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tracker.reminders.policy import DUE_DATE_RULES, REMINDED_STATUSES, Rule
from tracker.tasks.models import TaskStatus


@dataclasses.dataclass(frozen=True)
class TaskView:
    """What a message says about a task."""

    id: int
    title: str
    clause: str | None
    directive_number: str
    lead_agency_code: str | None
    lead_agency_name: str | None
    status: str
    due_date: dt.date | None
    deadline_kind: str


@dataclasses.dataclass(frozen=True)
class ContactView:
    """An e-mail addressee."""

    id: int
    email: str
    name: str
    paused: bool
    agency_code: str
    agency_name: str
    agency_short_name: str


@dataclasses.dataclass(frozen=True)
class HookView:
    """A webhook addressee."""

    id: int
    url: str
    secret: str | None  # None: no configured key opens it
    active: bool
    agency_code: str


@dataclasses.dataclass(frozen=True)
class LedgerItem:
    """A claimed ledger row with what is needed to send it or to decide to skip it."""

    row_id: int
    attempt: int
    channel: str
    rule: str
    occurrence: str
    planned_for: dt.date
    due_date: dt.date | None
    data: dict
    created_at: dt.datetime
    task: TaskView
    contact: ContactView | None = None
    hook: HookView | None = None
    last_report_at: dt.datetime | None = None
    mail_key: str | None = None  # the key of the mail that carried it at an earlier attempt


SKIP_BY_STATUS = {
    TaskStatus.COMPLETED.value: "The task was completed.",
    TaskStatus.CANCELLED.value: "The task was withdrawn.",
    TaskStatus.SUBMITTED.value: "The task's completion report awaits review.",
}


def skip_reason(item: LedgerItem) -> str | None:
    """Return why a row must not be sent any more, or None to send it."""
    if item.channel == "email":
        if item.contact is None:
            return "The contact was removed."
        if item.contact.paused:
            return "The contact paused reminders."
    elif item.hook is None or not item.hook.active:
        return "The webhook was removed or deactivated."
    return _stale_reminder(item)


def _stale_reminder(item: LedgerItem) -> str | None:
    """A reminder about a task that was closed, extended or reported since it was planned."""
    rule = _reminder_rule(item)
    if rule is None:
        return None  # a workflow event: it happened, it is delivered
    if item.task.status not in REMINDED_STATUSES:
        return SKIP_BY_STATUS.get(item.task.status, f"The task is {item.task.status}.")
    if rule in DUE_DATE_RULES and item.task.due_date != item.due_date:
        return "The due date changed (extended) since the reminder was planned."
    if rule is Rule.REPORT_MISSING and _reported_since(item):
        return "A progress report arrived since the reminder was planned."
    return None


def _reminder_rule(item: LedgerItem) -> Rule | None:
    """Return the reminder rule of a row (webhook reminder events included)."""
    by_event = {
        "task.due_soon": Rule.DUE_SOON,
        "task.overdue": Rule.OVERDUE,
        "task.escalated": Rule.ESCALATED,
    }
    if item.rule in by_event:
        return by_event[item.rule]
    try:
        return Rule(item.rule)
    except ValueError:
        return None


def _reported_since(item: LedgerItem) -> bool:
    since = item.data.get("since_utc")
    if item.last_report_at is None or since is None:
        return False
    return item.last_report_at >= dt.datetime.fromisoformat(since)
