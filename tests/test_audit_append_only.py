"""The audit log is append-only: by a trigger on PostgreSQL, by code on SQLite, and in the ORM."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import delete, make_url, select, text, update
from sqlalchemy.exc import DBAPIError

from tracker.audit.models import AuditEntry
from tracker.audit.service import record
from tracker.errors import Conflict
from tracker.extensions import db

REFUSED = (Conflict, DBAPIError)


@pytest.fixture
def entry(db_session, clock) -> int:
    row = record("created", "token", 1, None, None, clock.now(), {"name": [None, "x"]})
    db_session.commit()
    return row.id


def stored_changes(entry_id: int) -> dict:
    with db.engine.connect() as connection:
        query = select(AuditEntry.changes).where(AuditEntry.id == entry_id)
        return connection.execute(query).scalar_one()


@pytest.mark.parametrize(
    "statement",
    [
        lambda i: update(AuditEntry).where(AuditEntry.id == i).values(action="forged"),
        lambda i: delete(AuditEntry).where(AuditEntry.id == i),
        lambda i: delete(AuditEntry),
        lambda i: text(f"UPDATE audit_entries SET action = 'forged' WHERE id = {i}"),
        lambda i: text(f'delete from "audit_entries" where id = {i}'),
        lambda i: text("UPDATE audit_entries SET action = 'forged' WHERE id = -1"),
    ],
    ids=["core-update", "core-delete", "delete-all", "sql-update", "sql-delete", "no-row"],
)
def test_statements_that_change_the_log_are_refused(entry, statement):
    with pytest.raises(REFUSED), db.engine.begin() as connection:
        connection.execute(statement(entry))
    assert stored_changes(entry) == {"name": [None, "x"]}


def test_the_orm_refuses_too(entry, db_session):
    row = db_session.get(AuditEntry, entry)
    row.action = "forged"
    with pytest.raises(Conflict):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(AuditEntry, entry))
    with pytest.raises(Conflict):
        db_session.flush()
    db_session.rollback()


def test_appending_still_works(entry, db_session, clock):
    record("revoked", "token", 1, None, None, clock.now(), {})
    db_session.commit()
    assert db_session.scalar(select(db.func.count()).select_from(AuditEntry)) == 2


def test_postgresql_itself_refuses_a_raw_update(entry, database_url, backend):
    """Below SQLAlchemy, on a connection of its own: the trigger is in the database."""
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite's guard is in the engine")
    conninfo = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False)) as connection:
        for sql in (
            f"UPDATE audit_entries SET action = 'forged' WHERE id = {entry}",
            f"DELETE FROM audit_entries WHERE id = {entry}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                connection.execute(sql)
            connection.rollback()
    assert stored_changes(entry) == {"name": [None, "x"]}
