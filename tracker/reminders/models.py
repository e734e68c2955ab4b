"""Reminder recipients (agency contacts, webhooks) and the ledger of what is to be sent."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class ContactRole(StrEnum):
    """What a contact is to its agency."""

    FOCAL_POINT = "focal_point"
    HEAD = "head"


class AgencyContact(db.Model):
    """A person of an agency who receives reminders by e-mail."""

    __tablename__ = "agency_contacts"
    __table_args__ = (UniqueConstraint("agency_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default=ContactRole.FOCAL_POINT)
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")


class Webhook(db.Model):
    """A URL of an agency (or of the Government Office) that receives signed events."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    sealed_secret: Mapped[str] = mapped_column("secret", Text)  # see tracker/sealing.py
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")


class Channel(StrEnum):
    """How a ledger row is delivered."""

    EMAIL = "email"
    WEBHOOK = "webhook"


class State(StrEnum):
    """Where a ledger row stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


UNDELIVERED = text("state IN ('pending', 'sending')")


class Notification(db.Model):
    """One ledger row: a (task, rule, occurrence, recipient) to deliver exactly once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("task_id", "rule", "occurrence", "recipient"),
        # Partial: only rows still to deliver, so the claim indexes stay small as the ledger grows.
        Index(
            "ix_notifications_contact_claim",
            "contact_id",
            "state",
            "next_attempt_at",
            postgresql_where=UNDELIVERED,
            sqlite_where=UNDELIVERED,
        ),
        Index(
            "ix_notifications_claim",
            "channel",
            "state",
            "next_attempt_at",
            "id",
            postgresql_where=UNDELIVERED,
            sqlite_where=UNDELIVERED,
        ),
        Index("ix_notifications_agency_id_id", "agency_id", "id"),
        Index("ix_notifications_state_id", "state", "id"),
        Index("ix_notifications_webhook_id", "webhook_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    channel: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str] = mapped_column(String(32))
    occurrence: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(320))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency_contacts.id", ondelete="SET NULL")
    )
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id", ondelete="SET NULL"))
    planned_for: Mapped[dt.date]
    due_date: Mapped[dt.date | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default=State.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    # Attached for display by the ledger's detail view, never stored.
    history = None


class NotificationAttempt(db.Model):
    """One delivery attempt of a ledger row and what came of it."""

    __tablename__ = "notification_attempts"
    __table_args__ = (
        Index("ix_notification_attempts_notification_id_id", "notification_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    attempt: Mapped[int]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(12))
    detail: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(100))


class ReminderDay(db.Model):
    """A day whose reminders have been planned (so a missed day can be caught up)."""

    __tablename__ = "reminder_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    planned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created: Mapped[int] = mapped_column(default=0)
