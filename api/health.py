"""Liveness and readiness for load balancers and orchestrators: outside /api/v1, no token, cheap.

`/healthz` says the process answers (no database: a database outage must not get every worker
restarted). `/readyz` says this instance can serve: the database answers within a short timeout
and its schema is at the migration head (so a new release is not sent traffic before
`flask db upgrade`, nor an old one kept after a contract migration it does not know).
"""

from __future__ import annotations

import functools
import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from api.errors import error_response
from tracker.extensions import db

READY_TIMEOUT_MS = 2000
RETRY_AFTER_SECONDS = 5
NO_STORE = {"Cache-Control": "no-store"}
bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """The process is up and answers requests."""
    return {"status": "ok"}, 200, NO_STORE


@bp.get("/readyz")
def readyz():
    """The database answers and its schema is at the migration head; 503 otherwise."""
    problem = readiness_problem()
    if problem is not None:
        field, message = problem
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **NO_STORE}
        return error_response(503, "not_ready", message, {field: [message]}, headers)
    return {"status": "ready", "database": "ok", "migrations": "head"}, 200, NO_STORE


def readiness_problem() -> tuple[str, str] | None:
    """Return (check, message) for the first failing check, None when ready."""
    try:
        current = _current_heads()
    except SQLAlchemyError as exc:
        log.warning("readiness: database check failed: %s", exc.__class__.__name__)
        return "database", "The database does not answer."
    if current != _expected_heads(current_app.extensions["migrate"].directory):
        return "migrations", "The database schema is not at the latest migration."
    return None


def _current_heads() -> frozenset[str]:
    """Ask the database for SELECT 1 and its migration heads, within the short timeout."""
    with db.engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {READY_TIMEOUT_MS}"))
        conn.execute(text("SELECT 1"))
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.scalars(text("SELECT version_num FROM alembic_version")))


@functools.cache
def _expected_heads(directory: str) -> frozenset[str]:
    """Return the heads of the migration scripts shipped with this release (read once)."""
    return frozenset(ScriptDirectory(directory).get_heads())
