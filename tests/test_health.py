"""Liveness (/healthz) and readiness (/readyz): no token, outside /api/v1, 503 when not ready."""

from __future__ import annotations

import flask_migrate
import pytest
from sqlalchemy import make_url, text

from api.app import create_app
from tracker.extensions import db

SECRET = {"SECRET_KEY": "health-test-secret-0123456789"}


def unreachable_url(backend: str, database_url: str, tmp_path) -> str:
    """A database the app cannot reach: a closed port, or a file in a missing directory."""
    if backend == "postgresql":
        return make_url(database_url).set(port=1).render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'missing' / 'tracker.db'}"


def test_liveness_answers_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-Id"]


def test_readiness_checks_the_database_and_the_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {"status": "ready", "database": "ok", "migrations": "head"}


def test_health_is_not_under_the_api_prefix(client):
    assert client.get("/api/v1/healthz").status_code in {401, 404}
    assert client.get("/api/v1/readyz").status_code in {401, 404}


def test_an_unreachable_database_is_not_ready_but_the_process_is_alive(
    app, backend, database_url, tmp_path
):
    broken = create_app({"DATABASE_URL": unreachable_url(backend, database_url, tmp_path)} | SECRET)
    client = broken.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.json
    assert (body["status"], body["code"]) == (503, "not_ready")
    assert body["errors"] == {"database": ["The database does not answer."]}
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no internal detail
    with broken.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("revision", [None, "-1"], ids=["empty", "one-behind"])
def test_a_schema_behind_the_migration_head_is_not_ready(tmp_path, revision):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"} | SECRET)
    with app.app_context():
        if revision is not None:
            flask_migrate.upgrade()
            flask_migrate.downgrade(revision=revision)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert list(response.json["errors"]) == ["migrations"]
    with app.app_context():
        flask_migrate.upgrade()
    assert app.test_client().get("/readyz").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_a_schema_ahead_of_this_release_is_ready(tmp_path):
    """During a rolling upgrade the new release's expand migration runs first: old ones serve on."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"} | SECRET)
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
        db.session.commit()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["migrations"] == "ahead"
    with app.app_context():
        db.engine.dispose()
