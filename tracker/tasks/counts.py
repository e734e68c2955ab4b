"""Bulk loads and the task counts that triggers keep (migration 9d41c7e2b6a3, `TaskCount`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

PER_ROW_TRIGGER = "task_counts_inserted"
RECOUNT = (
    "DELETE FROM task_count_changes",
    "DELETE FROM task_counts",
    "INSERT INTO task_counts (lead_key, status, confidential, n)"
    " SELECT coalesce(lead_agency_id, 0), status, confidential, count(*) FROM tasks"
    " GROUP BY coalesce(lead_agency_id, 0), status, confidential",
)


@contextmanager
def counting_suspended(connection: Connection) -> Iterator[None]:
    """Insert tasks in bulk without the counting trigger on inserts, then count them all again.

    The caller holds the transaction (SQLite drops and recreates the trigger, PostgreSQL disables
    it); nothing else should write tasks meanwhile.
    """
    if connection.dialect.name == "sqlite":
        definition = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (PER_ROW_TRIGGER,),
        ).scalar_one()
        connection.exec_driver_sql(f"DROP TRIGGER {PER_ROW_TRIGGER}")
        yield
        connection.exec_driver_sql(definition)
    else:
        connection.exec_driver_sql(f"ALTER TABLE tasks DISABLE TRIGGER {PER_ROW_TRIGGER}")
        yield
        connection.exec_driver_sql(f"ALTER TABLE tasks ENABLE TRIGGER {PER_ROW_TRIGGER}")
    for statement in RECOUNT:
        connection.exec_driver_sql(statement)
