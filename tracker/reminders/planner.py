"""Planning: turn the policy into ledger rows for a day, streaming only the tasks in its windows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select

from tracker.extensions import db
from tracker.reminders import ledger
from tracker.reminders.calendar import WorkingCalendar
from tracker.reminders.models import ReminderDay
from tracker.reminders.policy import (
    REMINDED_STATUSES,
    ReminderPolicy,
    ReportPeriod,
    Rule,
    Window,
    due_windows,
    missed_report_period,
)
from tracker.reminders.recipients import Directory, Recipient
from tracker.tasks.models import Task, task_coordinators
from tracker.workflow.models import Report, ReportKind

STREAM_CHUNK = 2000
INSERT_BATCH = 2000
WEBHOOK_EVENT = {
    Rule.DUE_SOON: "task.due_soon",
    Rule.DUE_TODAY: "task.due_soon",
    Rule.OVERDUE: "task.overdue",
    Rule.ESCALATED: "task.escalated",
}


@dataclasses.dataclass
class Planner:
    """Everything planning needs besides the day: policy, calendar, recipients, clock."""

    policy: ReminderPolicy
    calendar: WorkingCalendar
    zone: ZoneInfo
    send_hour: int
    now: dt.datetime
    directory: Directory = dataclasses.field(default_factory=Directory.load)

    def send_at(self, day: dt.date) -> dt.datetime:
        """Return when a day's reminders may go out: the send hour, local time."""
        return dt.datetime.combine(day, dt.time(self.send_hour), self.zone).astimezone(dt.UTC)


def plan_days(planner: Planner, today: dt.date, catch_up_days: int, *, force: bool) -> dict:
    """Plan the recent days that were missed (bounded), then today.

    Today is planned when forced (by hand) or once its send hour has come; the scheduler
    plans a day once (doing it again would add nothing). Days before the first day ever
    planned are not caught up: a new installation starts with today.
    """
    created = Counter()
    days = _days_to_plan(planner, today, catch_up_days, force)
    for day in days:
        created.update(plan_day(planner, day))
    return {"days": [d.isoformat() for d in days], "created": dict(+created)}


def _days_to_plan(planner: Planner, today: dt.date, catch_up_days: int, force: bool) -> list:
    """Return the unplanned days of the catch-up period, and today when it is due."""
    first = db.session.scalar(select(func.min(ReminderDay.day)))
    earliest = max(today - dt.timedelta(days=catch_up_days), first or today)
    planned = set(
        db.session.scalars(
            select(ReminderDay.day).where(ReminderDay.day >= earliest, ReminderDay.day <= today)
        )
    )
    days = [d for d in _days_from(earliest, today) if d not in planned and d != today]
    if force or (planner.now >= planner.send_at(today) and today not in planned):
        days.append(today)
    return days


def _days_from(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def plan_day(planner: Planner, day: dt.date) -> Counter:
    """Write the ledger rows of one day; returns how many new rows per rule."""
    created: Counter = Counter()
    buffer: list[dict] = []
    for row in _rows_of_day(planner, day):
        buffer.append(row)
        if len(buffer) >= INSERT_BATCH:
            _flush(buffer, created)
    _flush(buffer, created)
    _mark_planned(day, planner.now, sum(created.values()))
    return created


def _flush(buffer: list[dict], created: Counter) -> None:
    """Insert the buffered rows, counting the new ones per rule."""
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for row in buffer:
        by_rule[row["rule"]].append(row)
    for rule, rows in by_rule.items():
        created[rule] += ledger.insert_new(rows)
    buffer.clear()


def _mark_planned(day: dt.date, now: dt.datetime, count: int) -> None:
    """Remember that a day was planned (the first planner to finish records it)."""
    row = {"day": day, "planned_at": now, "created": count}
    ledger.insert_ignoring_duplicates(ReminderDay.__table__, [row])


def _rows_of_day(planner: Planner, day: dt.date) -> Iterator[dict]:
    """Yield the ledger row of every reminder of the day."""
    for window in due_windows(planner.policy, planner.calendar, day):
        for task_id, lead_id, due, coordinators in _tasks_in(window):
            for recipient in _recipients(planner.directory, window.rule, lead_id, coordinators):
                occurrence = window.occurrence(due)
                data = {"count": window.count, "copy": recipient.copy}
                yield _row(planner, day, task_id, window.rule, occurrence, recipient, due, data)
    period = missed_report_period(planner.policy, planner.calendar, day)
    if period is not None:
        yield from _report_rows(planner, day, period)


def _tasks_in(window: Window) -> Iterator[tuple[int, int, dt.date, tuple[int, ...]]]:
    """Stream the open, dated tasks due in a window (an index range scan on due_date)."""
    query = (
        select(Task.id, Task.lead_agency_id, Task.due_date)
        .where(
            Task.status.in_(REMINDED_STATUSES),
            Task.due_date >= window.first,
            Task.due_date <= window.last,
            Task.lead_agency_id.is_not(None),
        )
        .order_by(Task.due_date, Task.id)
    )
    result = db.session.execute(query.execution_options(yield_per=STREAM_CHUNK))
    for chunk in result.partitions():
        coordinators = _coordinators([row.id for row in chunk], window.rule)
        for task_id, lead_id, due in chunk:
            yield task_id, lead_id, due, coordinators.get(task_id, ())


def _coordinators(task_ids: list[int], rule: Rule) -> dict[int, tuple[int, ...]]:
    """Return the co-ordinating agencies of tasks, for the rules that copy them."""
    if rule is not Rule.ESCALATED or not task_ids:
        return {}
    found: dict[int, list[int]] = defaultdict(list)
    query = select(task_coordinators.c.task_id, task_coordinators.c.agency_id).where(
        task_coordinators.c.task_id.in_(task_ids)
    )
    for task_id, agency_id in db.session.execute(query):
        found[task_id].append(agency_id)
    return {task_id: tuple(ids) for task_id, ids in found.items()}


def _recipients(
    directory: Directory, rule: Rule, lead_id: int, coordinators: tuple[int, ...]
) -> list[Recipient]:
    """E-mail recipients and webhooks of a rule's reminder."""
    if rule is Rule.ESCALATED:
        mail = directory.escalation_mail(lead_id, coordinators)
        hooks = directory.hooks_for(WEBHOOK_EVENT[rule], (lead_id, *coordinators))
    else:
        mail = directory.lead_mail(lead_id)
        hooks = (
            directory.hooks_for(WEBHOOK_EVENT[rule], (lead_id,)) if rule in WEBHOOK_EVENT else []
        )
    return mail + hooks


def _report_rows(planner: Planner, day: dt.date, period: ReportPeriod) -> Iterator[dict]:
    """Yield reminders for regular tasks without a progress report in the period just ended."""
    period_start = dt.datetime.combine(period.start, dt.time(), planner.zone).astimezone(dt.UTC)
    reported = exists(
        select(Report.id).where(
            Report.task_id == Task.id,
            Report.kind.in_((ReportKind.PROGRESS.value, ReportKind.COMPLETION.value)),
            Report.created_at >= period_start,
        )
    )
    query = (
        select(Task.id, Task.lead_agency_id)
        .where(
            Task.deadline_kind == "regular",
            Task.status.in_(REMINDED_STATUSES),
            Task.lead_agency_id.is_not(None),
            Task.created_on < period.start,
            ~reported,
        )
        .order_by(Task.id)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    data = {"period": period.key, "label": period.label, "since_utc": period_start.isoformat()}
    for task_id, lead_id in db.session.execute(query):
        for recipient in planner.directory.lead_mail(lead_id):
            yield _row(
                planner, day, task_id, Rule.REPORT_MISSING, period.key, recipient, None, data
            )


def _row(planner, day, task_id, rule, occurrence, recipient: Recipient, due, data) -> dict:
    """Build one ledger row (every column given, as an executemany insert needs)."""
    rule_name = rule.value if recipient.channel == "email" else WEBHOOK_EVENT.get(rule, rule.value)
    return {
        "task_id": task_id,
        "channel": recipient.channel.value,
        "rule": rule_name,
        "occurrence": occurrence,
        "recipient": recipient.address,
        "agency_id": recipient.agency_id,
        "contact_id": recipient.contact_id,
        "webhook_id": recipient.webhook_id,
        "planned_for": day,
        "due_date": due,
        "data": data,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": planner.send_at(day),
        "created_at": planner.now,
        "updated_at": planner.now,
    }
