"""Reading the ledger: the notifications list with filters, one row with its attempts."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from tracker.agencies.service import get_agency, lineage_ids
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.reminders.models import Notification, NotificationAttempt


@dataclasses.dataclass(frozen=True)
class NotificationFilter:
    """What the ledger can be filtered by."""

    task_id: int | None = None
    agency: str | None = None
    state: str | None = None
    channel: str | None = None
    rule: str | None = None


def list_notifications(
    spec: NotificationFilter, page: int, page_size: int
) -> tuple[list[Notification], int]:
    """Return a page of ledger rows, newest first, and the total."""
    query = select(Notification)
    if spec.task_id is not None:
        query = query.where(Notification.task_id == spec.task_id)
    if spec.agency:
        query = query.where(Notification.agency_id.in_(_lineage(spec.agency)))
    for name in ("state", "channel", "rule"):
        if getattr(spec, name):
            query = query.where(getattr(Notification, name) == getattr(spec, name))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page_query = (
        query.order_by(Notification.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(db.session.scalars(page_query)), total


def _lineage(code: str) -> set[int]:
    """Return the ids an agency filter matches: the agency and those merged into it."""
    try:
        return lineage_ids(get_agency(code).id)
    except NotFound:
        raise InvalidInput(f"Unknown agency code: {code}.", field="agency") from None


def get_notification(notification_id: int) -> Notification:
    """Return one ledger row with its attempts (as `history`), or raise NotFound."""
    row = db.session.get(Notification, notification_id)
    if row is None:
        raise NotFound(f"Notification {notification_id} not found.")
    query = (
        select(NotificationAttempt)
        .where(NotificationAttempt.notification_id == row.id)
        .order_by(NotificationAttempt.id)
    )
    row.history = list(db.session.scalars(query))
    return row
