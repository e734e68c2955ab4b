"""Webhook registrations of agencies and of the Government Office. Operations flush only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from sqlalchemy import func, select, update

from tracker.agencies.models import Agency
from tracker.audit.service import record
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.reminders.events import EVENTS
from tracker.reminders.models import Notification, State, Webhook
from tracker.reminders.webhooks import check_url
from tracker.sealing import current_box
from tracker.users.models import User

MAX_WEBHOOKS_PER_AGENCY = 10
FIELDS = ("url", "secret", "events", "active", "description")


@dataclasses.dataclass(frozen=True)
class WebhookInput:
    """A registration as a client gives it (events empty: all events)."""

    url: str
    secret: str
    events: tuple[str, ...] = ()
    active: bool = True
    description: str = ""


def list_webhooks(
    agency_ids: Collection[int] | None, page: int, page_size: int
) -> tuple[list[Webhook], int]:
    """Return a page of registrations (of some agencies, or all) and the total."""
    query = select(Webhook)
    if agency_ids is not None:
        query = query.where(Webhook.agency_id.in_(agency_ids))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page_query = query.order_by(Webhook.id).offset((page - 1) * page_size).limit(page_size)
    return list(db.session.scalars(page_query)), total


def get_webhook(webhook_id: int) -> Webhook:
    """Return a registration or raise NotFound."""
    hook = db.session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"Webhook {webhook_id} not found.")
    return hook


def create_webhook(
    agency: Agency, data: WebhookInput, actor: User, now: dt.datetime, *, allow_private: bool
) -> Webhook:
    """Register a URL and secret for an agency's events."""
    count = db.session.scalar(select(func.count()).where(Webhook.agency_id == agency.id))
    if count >= MAX_WEBHOOKS_PER_AGENCY:
        raise InvalidInput(f"An agency has at most {MAX_WEBHOOKS_PER_AGENCY} webhooks.")
    check_url(data.url, allow_private=allow_private, resolve=False)
    hook = Webhook(agency_id=agency.id, created_at=now, updated_at=now)
    _apply(hook, dataclasses.asdict(data))
    db.session.add(hook)
    db.session.flush()
    record("created", "webhook", hook.id, None, actor, now, _audited(hook))
    return hook


def update_webhook(
    hook: Webhook, changes: dict, actor: User, now: dt.datetime, *, allow_private: bool
) -> Webhook:
    """Change a registration's URL, secret, events, description, or (de)activate it."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"Fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "url" in changes:
        check_url(changes["url"], allow_private=allow_private, resolve=False)
    _apply(hook, changes)
    hook.updated_at = now
    db.session.flush()
    record("updated", "webhook", hook.id, None, actor, now, _audited(hook))
    return hook


def delete_webhook(hook: Webhook, actor: User, now: dt.datetime) -> None:
    """Remove a registration; its undelivered events are skipped."""
    db.session.execute(
        update(Notification)
        .where(Notification.webhook_id == hook.id, Notification.state == State.PENDING)
        .values(state=State.SKIPPED, last_error="The webhook was removed.", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    record("deleted", "webhook", hook.id, None, actor, now, {"url": [hook.url, None]})
    db.session.delete(hook)
    db.session.flush()


def _apply(hook: Webhook, values: dict) -> None:
    """Copy validated fields onto a registration."""
    if "events" in values:
        unknown = sorted(set(values["events"]) - set(EVENTS))
        if unknown:
            raise InvalidInput(f"Unknown event(s): {', '.join(unknown)}.", field="events")
        values = values | {"events": sorted(set(values["events"]))}
    if "secret" in values:
        hook.sealed_secret = current_box().seal(values["secret"])
    for name in FIELDS:
        if name in values and name != "secret":
            setattr(hook, name, values[name])


def _audited(hook: Webhook) -> dict:
    """What the audit log keeps of a registration (never the secret)."""
    return {"url": [None, hook.url], "events": [None, hook.events], "active": [None, hook.active]}


def reseal_secrets() -> dict[str, int]:
    """Seal every webhook secret again under the current secret key (after a key change)."""
    box, counts = current_box(), {"resealed": 0, "unopened": 0}
    for hook in db.session.scalars(select(Webhook).order_by(Webhook.id)):
        sealed = box.reseal(hook.sealed_secret)
        if sealed is None:
            counts["unopened"] += 1
        else:
            hook.sealed_secret = sealed
            counts["resealed"] += 1
    db.session.flush()
    return counts
