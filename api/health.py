"""Liveness and readiness for load balancers and orchestrators: outside /api/v1, no token, cheap.

`/healthz` says the process answers (no database: a database outage must not get every worker
restarted). `/readyz` says this instance can serve: the database answers within a short timeout
and its schema is not behind this release's migrations (so a new release gets no traffic before
`flask db upgrade`). A schema *ahead* of this release (a newer release ran its expand migration
during a rolling upgrade) is ready: expand migrations keep the previous release working
(docs/operations.md, "Upgrading").
"""

from __future__ import annotations

import functools
import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, g
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
    return {"status": "ready", "database": "ok", "migrations": g.schema_state}, 200, NO_STORE


def readiness_problem() -> tuple[str, str] | None:
    """Return (check, message) for the first failing check, None when ready."""
    try:
        current = _current_heads()
    except SQLAlchemyError as exc:
        log.warning("readiness: database check failed: %s", exc.__class__.__name__)
        return "database", "The database does not answer."
    heads, known = _release_revisions(current_app.extensions["migrate"].directory)
    if not current or any(rev in known and rev not in heads for rev in current):
        return "migrations", "The database schema is behind this release: run flask db upgrade."
    g.schema_state = "head" if current <= heads else "ahead"
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
def _release_revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the heads and all revisions of the migrations shipped with this release."""
    scripts = ScriptDirectory(directory)
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known
