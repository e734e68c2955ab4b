"""Declarative base, column types and engine settings shared by every model."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg.types.array import ListBinaryDumper
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


class Base(DeclarativeBase):
    """Base of all models, with named constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and returned as an aware UTC datetime."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store aware datetimes as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        """Return stored values as aware UTC."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    """Return the current UTC time (a fallback default; services pass the clock's time)."""
    return dt.datetime.now(dt.UTC)


@contextmanager
def write_intent() -> Iterator[None]:
    """Mark the unit of work as one that writes, so SQLite takes the write lock up front."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def has_write_intent() -> bool:
    """Return whether the current unit of work was marked as writing."""
    return _write_intent.get()


def set_write_intent(value: bool) -> contextvars.Token:
    """Mark (or unmark) the current context as writing; returns a token for reset."""
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    """Restore the write intent that a `set_write_intent` call replaced."""
    _write_intent.reset(token)


def configure_postgresql(engine: Engine) -> None:
    """Turn JIT off: it cost 100+ ms on short counts over large tables (measured), never paid.

    List parameters (only the reminder ledger's array inserts have them) go in binary form: in
    text form psycopg escaped every string with a regular expression, a quarter of the planning's
    own CPU time at 1,000,000 tasks (profiled).
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for units of work that write."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "synchronous=NORMAL",
            "busy_timeout=30000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
