"""Directives: the numbered documents (e.g. conclusion notices) whose clauses assign tasks."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import UTCDateTime, utcnow
from tracker.extensions import db


class DirectiveKind(StrEnum):
    """The kinds of document that assign tasks."""

    CONCLUSION_NOTICE = "conclusion_notice"
    DIRECTIVE = "directive"
    RESOLUTION = "resolution"
    DECISION = "decision"
    OFFICIAL_LETTER = "official_letter"
    OTHER = "other"


class Directive(db.Model):
    """A numbered document such as 143/TB-VPCP."""

    __tablename__ = "directives"
    # Numbering restarts every year: 143/TB-VPCP exists in several years.
    __table_args__ = (UniqueConstraint("number", "issued_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), index=True)
    issued_year: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(24), default=DirectiveKind.CONCLUSION_NOTICE)
    issued_on: Mapped[dt.date] = mapped_column(index=True)
    issuer: Mapped[str] = mapped_column(String(200))
    meeting: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    source_text: Mapped[str | None] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
