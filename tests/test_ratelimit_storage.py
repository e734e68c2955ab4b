"""Failure counts shared by several instances: our database:// storage, and Redis."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest

from tests.security_support import another_app, from_address, tighten
from tracker.extensions import db
from tracker.ratelimit import DatabaseStorage

PROTECTED = "/api/v1/agencies"
REDIS = ("127.0.0.1", 6379)


class Ticker:
    """A clock for the storage's windows, moved by hand."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def storage(db_session):
    ticker = Ticker()
    return DatabaseStorage("database://", engine=db.engine, clock=ticker), ticker


def test_counts_live_for_their_window_then_start_again(storage):
    store, ticker = storage
    assert store.get("k") == 0
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("k", 60, amount=2) == 5
    assert store.get_expiry("k") == 1_000_060.0
    ticker.now += 59
    assert store.get("k") == 5 and store.incr("other", 10) == 1
    ticker.now += 1
    assert store.get("k") == 0
    assert store.get_expiry("k") == ticker.now
    assert store.incr("k", 60) == 1
    assert store.get_expiry("k") == ticker.now + 60
    store.clear("k")
    assert store.get("k") == 0 and store.get("other") == 1
    assert store.reset() == 1 and store.get("other") == 0
    assert store.check()


def test_ended_windows_are_purged_now_and_then(storage):
    store, ticker = storage
    for n in range(5):
        store.incr(f"old-{n}", 10)
    assert store.count_keys() == 5
    ticker.now += 11
    store.incr("new", 10)  # too soon after the first purge: nothing goes
    assert store.count_keys() == 6
    ticker.now += 300
    store.incr("newer", 10)
    assert store.count_keys() == 1


def test_concurrent_hits_are_all_counted(app, db_session):
    store = DatabaseStorage("database://", engine=db.engine)
    errors = []

    def hammer():
        try:
            with app.app_context():
                for _ in range(10):
                    store.incr("shared", 60)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.get("shared") == 60


def failures_across(first, second, address: str, make) -> list[int]:
    """Three failures through two instances; then a valid token through the first, a fourth
    failure and a valid token through the second: their statuses.

    With shared counts the third failure used up the client's share of three: everything after
    is 429. With counts per instance, neither instance has seen three failures.
    """
    _user, raw = make.user("viewer")
    one, two = first.test_client(), second.test_client()

    def attempt(client, token=None):
        token = token or f"dt_{uuid.uuid4().hex[:7]}" + "x" * 33
        headers = {"Authorization": f"Bearer {token}"}
        return client.get(PROTECTED, headers=headers, **from_address(address)).status_code

    assert [attempt(one), attempt(two), attempt(one)] == [401, 401, 401]
    return [attempt(one, raw), attempt(two), attempt(two, raw)]


def test_two_instances_share_counts_in_the_database(database_url, db_session, make):
    with (
        another_app(database_url, RATELIMIT_STORAGE_URL="database://") as first,
        another_app(database_url, RATELIMIT_STORAGE_URL="database://") as second,
    ):
        tighten(first)
        tighten(second)
        assert failures_across(first, second, "192.0.2.44", make) == [429, 429, 429]


def test_memory_storage_counts_per_instance(database_url, db_session, make):
    """The contrast: memory:// is per process, so the second instance has seen one failure."""
    with another_app(database_url) as first, another_app(database_url) as second:
        tighten(first)
        tighten(second)
        assert failures_across(first, second, "192.0.2.45", make) == [200, 401, 200]


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_two_instances_share_counts_in_redis(database_url, db_session, make):
    url = "redis://127.0.0.1:6379/0"
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    with (
        another_app(database_url, RATELIMIT_STORAGE_URL=url) as first,
        another_app(database_url, RATELIMIT_STORAGE_URL=url) as second,
    ):
        tighten(first)
        tighten(second)
        assert first.extensions["tracker.failure_guard"].limiter.storage.check()
        assert failures_across(first, second, address, make) == [429, 429, 429]


def test_an_unreachable_storage_fails_open_and_says_so(database_url, db_session, make, caplog):
    """Counting needs the storage; refusing a bad token does not. Good tokens never touch it."""
    _user, raw = make.user("viewer")
    with another_app(database_url, RATELIMIT_STORAGE_URL="redis://127.0.0.1:9/0") as cut_off:
        client = cut_off.test_client()
        bad = {"Authorization": "Bearer dt_Nothing" + "x" * 33}
        assert client.get(PROTECTED, headers=bad).status_code == 401
        assert client.get(PROTECTED, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert "rate-limit storage unavailable" in caplog.text
