"""An agency's feed of its open tasks' due dates, and the per-agency token that protects it.

The token is an HMAC of the agency code under the secret key: no table to keep, the same for
every user of the agency, and all feeds are revoked at once by changing the secret key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from tracker.agencies.models import Agency
from tracker.agencies.service import lineage_ids
from tracker.calendar.ical import AllDayEvent, calendar_chunks
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.stats.labels import STATUS_LABELS
from tracker.tasks.models import OPEN_STATUSES, Task

TOKEN_PURPOSE = b"directive-tracker calendar feed v1\x00"
TOKEN_BYTES = 20
UID_DOMAIN = "directive-tracker"
REFRESH = "PT1H"
BATCH = 500


def feed_token(secret_key: str, agency_code: str) -> str:
    """Return the agency's feed token (URL-safe, 160 bits)."""
    digest = hmac.new(
        secret_key.encode("utf-8"), TOKEN_PURPOSE + agency_code.encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii").rstrip("=")


def valid_feed_token(secret_key: str, agency_code: str, token: str) -> bool:
    """Return whether a presented token is the agency's (in constant time)."""
    expected = feed_token(secret_key, agency_code).encode("ascii")
    return hmac.compare_digest(expected, token.encode("utf-8", "replace"))


def agency_calendar(agency: Agency, task_url: str) -> Iterator[bytes]:
    """Yield the agency's feed: one all-day event on the due date of each open task it leads.

    `task_url` is a format string with `{id}`, the link each event carries.
    """
    events = (_event(task, number, task_url) for task, number in _open_tasks(agency))
    return calendar_chunks(f"Hạn nhiệm vụ - {agency.name}", events, REFRESH)


def _open_tasks(agency: Agency) -> Iterator[tuple[Task, str]]:
    """Yield the open dated tasks the agency (or one merged into it) leads, by due date."""
    query = (
        select(Task, Directive.number)
        .join(Directive, Directive.id == Task.directive_id)
        .where(
            Task.lead_agency_id.in_(lineage_ids(agency.id)),
            Task.status.in_(OPEN_STATUSES),
            Task.due_date.is_not(None),
        )
        .order_by(Task.due_date, Task.id)
        .options(lazyload(Task.coordinating_agencies))
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.execute(query)


def _event(task: Task, directive_number: str, task_url: str) -> AllDayEvent:
    """Return a task's event; a confidential task shows no title or content."""
    if task.confidential:
        summary = f"Hạn nhiệm vụ mật #{task.id}"
        details = ["Nhiệm vụ mật: xem nội dung trong hệ thống."]
    else:
        summary = f"Hạn: {task.title}"
        details = [f"Văn bản: {directive_number}" + (f", mục {task.clause}" if task.clause else "")]
        details.append(f"Nội dung: {task.title}")
    details += [
        f"Thời hạn: {task.deadline_text}",
        f"Trạng thái: {STATUS_LABELS.get(task.status, task.status)}",
    ]
    if task.original_due_date and task.original_due_date != task.due_date:
        details.append(f"Đã gia hạn (hạn ban đầu {task.original_due_date:%d/%m/%Y})")
    return AllDayEvent(
        uid=f"task-{task.id}@{UID_DOMAIN}",
        day=task.due_date,
        summary=summary,
        description="\n".join(details),
        stamp=task.updated_at,
        sequence=max(task.version - 1, 0),
        url=task_url.format(id=task.id),
        categories=("Hạn nhiệm vụ",),
    )
