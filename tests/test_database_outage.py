"""The database going away mid-request is a 503 with Retry-After, never a 500; then it recovers."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError

import api.idempotency
from api.errors import rollback
from tests.conftest import PG_URL
from tests.workflow_helpers import report
from tracker.extensions import db


def server_gone() -> OperationalError:
    return OperationalError(
        "SELECT 1", {}, Exception("terminating connection due to administrator command")
    )


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.json == {
        "status": 503,
        "code": "unavailable",
        "message": "The database is unavailable; retry later.",
    }


def test_a_rollback_failing_on_a_dead_connection_still_gives_503(client, make, monkeypatch):
    headers = make.auth("office")

    def lost(*_args, **_kwargs):
        raise server_gone()

    monkeypatch.setattr("api.auth.authenticate_token", lost)
    monkeypatch.setattr(db.session, "rollback", lost)
    assert_unavailable(client.get("/api/v1/tasks", headers=headers))


def test_losing_the_database_while_storing_an_idempotent_response_is_503(client, make, monkeypatch):
    task = make.task(lead_agency="MOF")
    headers = make.auth("agency", "MOF") | {"Idempotency-Key": "after-request-outage"}
    remember = api.idempotency.remember

    def lost(*_args, **_kwargs):
        raise server_gone()

    monkeypatch.setattr(api.idempotency, "remember", lost)
    assert_unavailable(report(client, headers, task.id))
    monkeypatch.setattr(api.idempotency, "remember", remember)
    retried = report(client, headers, task.id)
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers  # the first attempt left nothing
    assert len(client.get(f"/api/v1/tasks/{task.id}/reports", headers=headers).json["items"]) == 1


def terminate(pid: int) -> None:
    """End a PostgreSQL session from outside, as a server shutting down does."""
    url = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_the_server_ended_is_rolled_back_quietly_and_replaced(
    app, db_session, backend
):
    if backend != "postgresql":
        pytest.skip("PostgreSQL ends sessions; SQLite has none")
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    terminate(pid)
    rollback()  # the plain session rollback raises AdminShutdown here
    assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
