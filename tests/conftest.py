"""Fixtures: one app per database backend, each test starting from an empty database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete

from api.app import create_app
from tests import factories
from tests.live_server import private_database
from tests.reminder_support import MailSink, WebhookReceiver
from tracker.agencies.data import load_agency_records
from tracker.agencies.service import load_registry
from tracker.audit.models import AuditEntry
from tracker.clock import FixedClock
from tracker.extensions import db

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=ZONE)
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# The registry outlives tests; the task counts are kept by triggers as tasks are deleted.
KEPT_TABLES = {"agencies", "agency_registry_state", "task_counts", "task_count_changes"}


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A fresh database per backend: a SQLite file, or a private PostgreSQL schema."""
    tmp_dir = tmp_path_factory.mktemp("db")
    with private_database(request.param, PG_URL, tmp_dir, prefix="test") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    """The application on the backend, its schema built by the migrations, the registry loaded."""
    clock = FixedClock(ZONE, START)
    application = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test-secret-key-0123456789"},
        clock=clock,
    )
    with application.app_context():
        flask_migrate.upgrade()
        load_registry(load_agency_records())
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def backend(app) -> str:
    """The name of the database backend under test."""
    with app.app_context():
        return db.engine.dialect.name


@pytest.fixture
def clock(app) -> FixedClock:
    """The app's clock, reset to the start date for each test."""
    fixed = app.extensions["tracker.clock"]
    fixed.at = START
    return fixed


@pytest.fixture
def db_session(app, clock):
    """An app context with the database emptied (all but the registry) after the test."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        app.extensions["tracker.failure_guard"].reset()


def _empty_tables() -> None:
    """Delete every row but the agency registry and what triggers keep, children first."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name == AuditEntry.__tablename__:
            purge_audit_log()
        elif table.name not in KEPT_TABLES:
            db.session.execute(delete(table))
    db.session.commit()


def purge_audit_log() -> None:
    """Empty the append-only log past its guards: TRUNCATE (PostgreSQL's trigger is for UPDATE
    and DELETE) or, on SQLite, a DELETE on the driver's connection, below SQLAlchemy's events."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("TRUNCATE audit_entries")
    else:
        connection.connection.driver_connection.execute("DELETE FROM audit_entries")


class FreshSessionClient(FlaskClient):
    """A test client whose requests see the database as a new request would.

    Requests run in the test's app context and so share its session; expiring it first
    stops objects loaded earlier (or changed by other connections) from looking current.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.expire_all()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db_session):
    """A test client over the emptied database."""
    app.test_client_class = FreshSessionClient
    return app.test_client()


@pytest.fixture
def make(db_session):
    """Factories that create and commit rows."""
    return factories.Factories(db_session)


@pytest.fixture
def office(make):
    """Headers of a Government Office user."""
    return make.auth("office")


@pytest.fixture
def admin(make):
    """Headers of an administrator."""
    return make.auth("admin")


@pytest.fixture
def viewer(make):
    """Headers of a read-only user."""
    return make.auth("viewer")


@pytest.fixture
def settings_with(app):
    """Change settings for one test: `settings_with(reminder_digest=False)`."""
    original = app.extensions["tracker.settings"]

    def apply(**changes):
        current = app.extensions["tracker.settings"]
        app.extensions["tracker.settings"] = dataclasses.replace(current, **changes)

    yield apply
    app.extensions["tracker.settings"] = original


@pytest.fixture
def mail_sink(settings_with):
    """A real SMTP server on a free loopback port, with the app's SMTP settings pointing at it."""
    sink = MailSink().start()
    settings_with(smtp_host="127.0.0.1", smtp_port=sink.port, smtp_security="none")
    yield sink
    sink.stop()


@pytest.fixture
def webhook_receiver(settings_with):
    """A real HTTP server receiving webhooks on a free loopback port."""
    receiver = WebhookReceiver().start()
    settings_with(webhook_allow_private_hosts=True)
    yield receiver
    receiver.stop()
