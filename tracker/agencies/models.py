"""The agency registry: ministries, government agencies, provinces and organisations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db


class Agency(db.Model):
    """An agency that can lead or co-ordinate tasks."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    abbreviations: Mapped[list[str]] = mapped_column(JSON, default=list)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    valid_until: Mapped[dt.date | None]
    search_key: Mapped[str] = mapped_column(String(2000), default="")

    successor: Mapped[Agency | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def is_current(self) -> bool:
        """Return whether the agency still exists (has not been merged away)."""
        return self.successor_id is None

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class RegistryState(db.Model):
    """One row whose token changes with every registry load, so processes know to reload theirs."""

    __tablename__ = "agency_registry_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(BigInteger)
