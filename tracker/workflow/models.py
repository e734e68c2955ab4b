"""Reports from agencies and extension requests, each tied to one task."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db
from tracker.users.models import User


class ReportKind(StrEnum):
    """What a report says."""

    PROGRESS = "progress"
    COMPLETION = "completion"
    CONTRIBUTION = "contribution"


class ReviewState(StrEnum):
    """Where a completion report stands with the Government Office."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Report(db.Model):
    """A progress, completion or contribution report on a task."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_task_id_id", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    kind: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None]
    completed_on: Mapped[dt.date | None]
    evidence: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_state: Mapped[str | None] = mapped_column(String(16))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])


class ExtensionState(StrEnum):
    """Where an extension request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Extension(db.Model):
    """A lead agency's request for a new due date, and the Government Office's decision."""

    __tablename__ = "extensions"
    __table_args__ = (Index("ix_extensions_task_id_id", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    requested_due_date: Mapped[dt.date]
    previous_due_date: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=ExtensionState.PENDING)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_on: Mapped[dt.date | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User] = relationship(lazy="joined", foreign_keys=[requested_by_id])
