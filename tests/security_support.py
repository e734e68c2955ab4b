"""Helpers of the security tests: more app instances on the test database, limits that bite fast."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from limits import parse

from api.app import create_app
from tests.conftest import START, ZONE
from tracker.clock import FixedClock
from tracker.extensions import db

SECRET = "test-secret-key-0123456789"


@contextlib.contextmanager
def another_app(database_url: str, **settings) -> Iterator:
    """Another instance of the service on the same database (as a second process would be)."""
    application = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": SECRET, **settings},
        clock=FixedClock(ZONE, START),
    )
    try:
        yield application
    finally:
        guard = application.extensions["tracker.failure_guard"]
        if settings.get("RATELIMIT_STORAGE_URL", "memory://").startswith("redis"):
            guard.blocked.clear()  # a shared Redis: its keys end with their window, touch no other
        else:
            guard.reset()
        with application.app_context():
            db.engine.dispose()


def tighten(app, client: str = "3/minute", token: str = "2/minute") -> None:
    """Make an app's failure limits small enough for a test to reach them."""
    app.extensions["tracker.failure_guard"].rates = {"client": parse(client), "token": parse(token)}


def from_address(address: str) -> dict:
    """Test-client keyword arguments for a request from another client address."""
    return {"environ_base": {"REMOTE_ADDR": address}}
