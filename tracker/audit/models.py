"""The append-only audit log of every change to tasks, reports, extensions and assignments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import UTCDateTime, utcnow
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.users.models import User


class AuditEntry(db.Model):
    """Who changed what, when: before -> after for each changed field."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_task_id_id", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def refuse_change(_mapper, _connection, entry: AuditEntry) -> None:
    """The log is append-only: no update or delete goes through the ORM."""
    raise Conflict(f"Audit entry {entry.id} cannot be changed or deleted.")
