"""Tasks: one thing one lead agency must do, from one clause of a directive."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.agencies.models import Agency
from tracker.db import UTCDateTime, utcnow
from tracker.directives.models import Directive
from tracker.extensions import db


class TaskStatus(StrEnum):
    """Where a task is in its life."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED})


class Priority(StrEnum):
    """How urgent the Government Office considers a task."""

    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


task_coordinators = Table(
    "task_coordinators",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True),
    Index("ix_task_coordinators_agency_id_task_id", "agency_id", "task_id"),
)


# What the statistics read of a task (tracker.stats), so that their indexes cover them.
STATS_COLUMNS = (
    "original_due_date",
    "extended_on",
    "created_on",
    "cancelled_on",
    "lead_agency_id",
    "directive_id",
    "status",
    "accepted_on",
    "completed_on",
    "id",
)


class Task(db.Model):
    """A task assigned to a lead agency, with a deadline and a status."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_lead_status_due", "lead_agency_id", "status", "due_date", "id"),
        Index("ix_tasks_lead_due", "lead_agency_id", "due_date", "id"),
        Index("ix_tasks_status_due", "status", "due_date", "id"),
        Index("ix_tasks_due_id", "due_date", "id"),
        Index("ix_tasks_directive_id", "directive_id", "id"),
        Index("ix_tasks_parent_id", "parent_id"),
        # Statistics read every column they need from these, never the wide table rows.
        Index("ix_tasks_stats", "due_date", *STATS_COLUMNS),
        Index(
            "ix_tasks_stats_extended",
            "extended_on",
            *(c for c in STATS_COLUMNS if c != "extended_on"),
            "due_date",
            sqlite_where=text("extended_on IS NOT NULL"),
            postgresql_where=text("extended_on IS NOT NULL"),
        ),
        # Regular tasks owe periodic reports; the monthly check reads only them.
        Index("ix_tasks_kind_status", "deadline_kind", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    clause: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    group_kind: Mapped[str | None] = mapped_column(String(24))
    deadline_kind: Mapped[str] = mapped_column(String(16))
    deadline_text: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None]
    original_due_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.ASSIGNED)
    priority: Mapped[str] = mapped_column(String(16), default=Priority.NORMAL)
    confidential: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[dt.date | None]
    accepted_on: Mapped[dt.date | None]
    cancelled_on: Mapped[dt.date | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    extended_on: Mapped[dt.date | None]
    created_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    search_key: Mapped[str] = mapped_column(Text, default="")

    directive: Mapped[Directive] = relationship(lazy="raise")
    lead_agency: Mapped[Agency | None] = relationship(lazy="joined", innerjoin=False)
    coordinating_agencies: Mapped[list[Agency]] = relationship(
        secondary=task_coordinators, lazy="selectin", order_by=Agency.code
    )

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    # Derived for display, never stored: timeliness as of a day, and a group parent's children.
    timeliness = None
    children_by_status = None

    @property
    def is_group_parent(self) -> bool:
        """Return whether this task only groups per-agency child tasks."""
        return self.group_kind is not None

    @property
    def children_count(self) -> int | None:
        """Return how many child tasks a group parent has (None for other tasks)."""
        if self.children_by_status is None:
            return None
        return sum(self.children_by_status.values())

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.status}>"


class TaskCount(db.Model):
    """How many tasks a lead agency has in a status, confidential or not (0: group parents).

    Kept by triggers on `tasks` (migration 9d41c7e2b6a3): they append to `task_count_changes`,
    folded in here every 1000 changes; the number is this row plus the changes not yet folded.
    """

    __tablename__ = "task_counts"

    lead_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    confidential: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class TaskCountChange(db.Model):
    """One change of a task count not yet folded into `task_counts` (written by triggers only)."""

    __tablename__ = "task_count_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    lead_key: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    confidential: Mapped[bool]
    delta: Mapped[int]
