"""Workflow events for webhooks, written to the ledger in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import exists, select

from tracker.extensions import db
from tracker.reminders import ledger
from tracker.reminders.models import Webhook
from tracker.reminders.recipients import Directory
from tracker.tasks.models import Task


class Event(StrEnum):
    """The events a webhook can subscribe to."""

    TASK_ASSIGNED = "task.assigned"
    TASK_DUE_SOON = "task.due_soon"
    TASK_OVERDUE = "task.overdue"
    TASK_ESCALATED = "task.escalated"
    REPORT_SUBMITTED = "report.submitted"
    REPORT_REVIEWED = "report.reviewed"


EVENTS = tuple(event.value for event in Event)
_ANY_ACTIVE_WEBHOOK = select(exists().where(Webhook.active))  # built once: every write asks


def task_assigned(task: Task, now: dt.datetime, today: dt.date) -> int:
    """Tell the lead and co-ordinating agencies (and the Government Office) of a new task."""
    agencies = (task.lead_agency_id, *(a.id for a in task.coordinating_agencies))
    return _enqueue(task, Event.TASK_ASSIGNED, "assigned", agencies, {}, now, today)


def report_submitted(task: Task, report, now: dt.datetime, today: dt.date) -> int:
    """Tell the lead agency and the Government Office that a report was posted."""
    data = {"report_id": report.id, "kind": report.kind, "percent": report.percent}
    agencies = (task.lead_agency_id,)
    return _enqueue(task, Event.REPORT_SUBMITTED, str(report.id), agencies, data, now, today)


def report_reviewed(task: Task, report, now: dt.datetime, today: dt.date) -> int:
    """Tell the lead agency and the Government Office how a completion report was reviewed."""
    data = {"report_id": report.id, "decision": report.review_state}
    if report.review_comment:
        data["comment"] = report.review_comment
    agencies = (task.lead_agency_id,)
    return _enqueue(task, Event.REPORT_REVIEWED, str(report.id), agencies, data, now, today)


def _enqueue(task: Task, event: Event, occurrence: str, agencies, data: dict, now, today) -> int:
    """Write one ledger row per subscribed webhook; returns how many."""
    if not db.session.connection().scalar(_ANY_ACTIVE_WEBHOOK):
        return 0
    directory = Directory.load(contacts=False)
    rows = [
        {
            "task_id": task.id,
            "channel": hook.channel.value,
            "rule": event.value,
            "occurrence": occurrence,
            "recipient": hook.address,
            "agency_id": hook.agency_id,
            "contact_id": None,
            "webhook_id": hook.webhook_id,
            "planned_for": today,
            "due_date": task.due_date,
            "data": data,
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for hook in directory.hooks_for(event.value, [a for a in agencies if a is not None])
    ]
    return ledger.insert_new(rows)
