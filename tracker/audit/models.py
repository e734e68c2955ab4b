"""The append-only audit log of every change to tasks, reports, extensions and assignments."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import JSON, Engine, ForeignKey, Index, String, event
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


# A statement that would change or remove rows of the log, in SQLite's spellings.
_REWRITE = re.compile(
    r"\b(?:UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|(?:INSERT\s+OR\s+)?REPLACE\s+INTO)\s+"
    r"(?:[\"`\[]?main[\"`\]]?\.)?[\"`\[]?audit_entries\b",
    re.IGNORECASE,
)


def refuse_rewrites(engine: Engine) -> None:
    """On SQLite, refuse any UPDATE or DELETE of the log, raw SQL too (PostgreSQL: a trigger)."""

    @event.listens_for(engine, "before_cursor_execute")
    def check(_connection, _cursor, statement, _parameters, _context, _executemany):
        if "audit_entries" in statement.lower() and _REWRITE.search(statement):
            raise Conflict("The audit log is append-only: entries cannot be changed or deleted.")
