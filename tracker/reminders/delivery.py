"""Delivery steps on the database side: claim and load rows, turn results into outcomes.

The job (jobs/reminders.py) commits each step on its own: the claim before sending, the
outcomes after, so no lock or transaction is held while talking to a server.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders import ledger
from tracker.reminders.items import ContactView, HookView, LedgerItem, TaskView
from tracker.reminders.mailer import key_of
from tracker.reminders.models import AgencyContact, Notification, State, Webhook
from tracker.reminders.policy import Rule
from tracker.sealing import current_box
from tracker.tasks.models import Task
from tracker.workflow.models import Report, ReportKind


@dataclasses.dataclass(frozen=True)
class DeliveryContext:
    """One worker's claim parameters and retry policy."""

    worker: str
    now: dt.datetime
    lease: dt.timedelta
    batch_size: int
    max_attempts: int
    retry_base_seconds: int
    retry_max_seconds: int
    speed: float = 1.0  # how fast the clock runs (an accelerated one in rehearsals)

    def claim(self) -> ledger.Claim:
        """Return the claim this context makes."""
        return ledger.Claim(
            self.worker, self.now, self.now + self.lease, self.batch_size, self.max_attempts
        )

    def retry_after(self, attempt: int) -> dt.timedelta:
        """Return the clock time to wait before the next attempt (a real delay, sped up)."""
        delay = ledger.retry_delay(attempt, self.retry_base_seconds, self.retry_max_seconds)
        return delay * self.speed


def claim_mail_items(ctx: DeliveryContext) -> list[LedgerItem]:
    """Claim a batch of contacts' due e-mail rows and load them."""
    ledger.give_up_abandoned(ctx.now, ctx.max_attempts)
    return load_items(ledger.claim_mail(ctx.claim()))


def claim_webhook_items(ctx: DeliveryContext) -> list[LedgerItem]:
    """Claim a batch of due webhook rows and load them."""
    ledger.give_up_abandoned(ctx.now, ctx.max_attempts)
    return load_items(ledger.claim_webhooks(ctx.claim()))


def load_items(row_ids: list[int]) -> list[LedgerItem]:
    """Load claimed rows with their task, contact or webhook as plain views."""
    rows = []
    for chunk in ledger.chunked(row_ids):
        rows.extend(db.session.execute(_rows_query(chunk)).all())
    contacts = _contacts({row[0].contact_id for row in rows} - {None})
    hooks = _hooks({row[0].webhook_id for row in rows} - {None})
    reports = _last_reports({row[0].task_id for row in rows if row[0].rule == Rule.REPORT_MISSING})
    return [_item(row, contacts, hooks, reports) for row in rows]


def _rows_query(row_ids):
    lead = aliased(Agency)
    return (
        select(
            Notification,
            Task.title,
            Task.clause,
            Task.status,
            Task.due_date,
            Task.deadline_kind,
            Directive.number,
            lead.code,
            lead.name,
        )
        .join(Task, Task.id == Notification.task_id)
        .join(Directive, Directive.id == Task.directive_id)
        .outerjoin(lead, lead.id == Task.lead_agency_id)
        .where(Notification.id.in_(row_ids))
        .order_by(Notification.id)
    )


def _item(row, contacts, hooks, reports) -> LedgerItem:
    ntf, title, clause, status, due, kind, number, lead_code, lead_name = row
    task = TaskView(ntf.task_id, title, clause, number, lead_code, lead_name, status, due, kind)
    return LedgerItem(
        row_id=ntf.id,
        attempt=ntf.attempts,
        channel=ntf.channel,
        rule=ntf.rule,
        occurrence=ntf.occurrence,
        planned_for=ntf.planned_for,
        due_date=ntf.due_date,
        data=dict(ntf.data or {}),
        created_at=ntf.created_at,
        task=task,
        contact=contacts.get(ntf.contact_id),
        hook=hooks.get(ntf.webhook_id),
        last_report_at=reports.get(ntf.task_id),
        mail_key=key_of(ntf.message_id) if ntf.channel == "email" else None,
    )


def _contacts(ids: set[int]) -> dict[int, ContactView]:
    if not ids:
        return {}
    query = select(AgencyContact).where(AgencyContact.id.in_(ids))
    return {
        c.id: ContactView(
            c.id, c.email, c.name, c.paused, c.agency.code, c.agency.name, c.agency.short_name
        )
        for c in db.session.scalars(query)
    }


def _hooks(ids: set[int]) -> dict[int, HookView]:
    if not ids:
        return {}
    query = select(Webhook).where(Webhook.id.in_(ids))
    box = current_box()
    return {
        h.id: HookView(h.id, h.url, box.open(h.sealed_secret), h.active, h.agency.code)
        for h in db.session.scalars(query)
    }


def _last_reports(task_ids: set[int]) -> dict[int, dt.datetime]:
    """Return each task's latest progress (or completion) report time."""
    latest = {}
    for chunk in ledger.chunked(sorted(task_ids)):
        query = (
            select(Report.task_id, func.max(Report.created_at))
            .where(
                Report.task_id.in_(chunk),
                Report.kind.in_((ReportKind.PROGRESS.value, ReportKind.COMPLETION.value)),
            )
            .group_by(Report.task_id)
        )
        latest.update({task_id: _aware(at) for task_id, at in db.session.execute(query)})
    return latest


def _aware(value: dt.datetime) -> dt.datetime:
    """max() over a UTC column comes back naive on some databases: it is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def skipped(item: LedgerItem, reason: str) -> ledger.Outcome:
    """The outcome of a row that is no longer to be sent."""
    return ledger.Outcome(item.row_id, State.SKIPPED, item.attempt, reason)


def sent(item: LedgerItem, message_id: str | None, detail: str | None = None) -> ledger.Outcome:
    """The outcome of a delivered row."""
    return ledger.Outcome(item.row_id, State.SENT, item.attempt, detail, message_id)


def failed(
    item: LedgerItem, detail: str, temporary: bool, ctx: DeliveryContext, now: dt.datetime
) -> ledger.Outcome:
    """A failed attempt: retried later with backoff, unless permanent or out of attempts."""
    if temporary and item.attempt < ctx.max_attempts:
        retry_at = now + ctx.retry_after(item.attempt)
        return ledger.Outcome(item.row_id, State.PENDING, item.attempt, detail, None, retry_at)
    if temporary:
        detail = f"Gave up after {item.attempt} attempts: {detail}"
    return ledger.Outcome(item.row_id, State.FAILED, item.attempt, detail)


def record(outcomes: Iterable[ledger.Outcome], worker: str, now: dt.datetime) -> int:
    """Store the outcomes of a batch."""
    return ledger.record(outcomes, worker, now)


def fix_message_ids(mails: Iterable[tuple[str, Iterable[LedgerItem]]], worker: str) -> None:
    """Give each row the Message-ID of the mail about to carry it, kept for every retry."""
    ledger.fix_message_ids(
        [(item.row_id, message_id) for message_id, items in mails for item in items], worker
    )


def release(items: Iterable[LedgerItem], worker: str, now: dt.datetime) -> None:
    """Hand back rows that were claimed but not attempted."""
    ledger.release([item.row_id for item in items], worker, now)
