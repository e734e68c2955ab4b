"""A `limits` storage in our own database, so that every process on one database shares counts.

The `limits` library (under flask-limiter) keeps counters in memory, Redis, Memcached or MongoDB
only. `database://` keeps fixed-window counters in the `rate_limit_counters` table instead: one
upsert per hit, atomic on PostgreSQL (ON CONFLICT DO UPDATE) and on SQLite (one writer at a time).
Windows are in epoch seconds from `time.time()`, like the library's own storages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from limits.storage import Storage
from sqlalchemy import Double, Engine, Index, String, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import write_intent
from tracker.extensions import db

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 300.0


class RateLimitCounter(db.Model):
    """One fixed-window counter: how many hits under a key until the window ends."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_expires", "expires"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int]
    expires: Mapped[float] = mapped_column(Double)  # epoch seconds


COUNTERS = RateLimitCounter.__table__


class DatabaseStorage(Storage):
    """Fixed-window counters in the service's database (the engine comes as a storage option)."""

    STORAGE_SCHEME = ["database"]  # noqa: RUF012  (the `limits` registry reads this class attribute)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        *,
        engine: Engine,
        clock: Callable[[], float] = time.time,
        **_options,
    ):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine = engine
        self.clock = clock
        self.next_purge = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to a key's counter, starting a new window if the last one has ended."""
        now = self.clock()
        self._purge_now_and_then(now)
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(COUNTERS).values(key=key, count=amount, expires=now + expiry)
        live = COUNTERS.c.expires > now
        statement = statement.on_conflict_do_update(
            index_elements=[COUNTERS.c.key],
            set_={
                "count": case((live, COUNTERS.c.count + amount), else_=amount),
                "expires": case((live, COUNTERS.c.expires), else_=statement.excluded.expires),
            },
        ).returning(COUNTERS.c.count)
        with write_intent(), self.engine.begin() as connection:
            return connection.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        """Return a key's count in its current window (0 once the window has ended)."""
        query = select(COUNTERS.c.count).where(
            COUNTERS.c.key == key, COUNTERS.c.expires > self.clock()
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or 0

    def get_expiry(self, key: str) -> float:
        """Return when a key's window ends (now if it has none)."""
        now = self.clock()
        query = select(COUNTERS.c.expires).where(COUNTERS.c.key == key, COUNTERS.c.expires > now)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() or now

    def check(self) -> bool:
        """Return whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; returns how many there were."""
        with write_intent(), self.engine.begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with write_intent(), self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))

    def count_keys(self) -> int:
        """Return how many counters are stored (for tests and inspection)."""
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(COUNTERS)).scalar_one()

    def _purge_now_and_then(self, now: float) -> None:
        """Delete ended windows every few minutes, in a transaction of its own; failures wait."""
        if now < self.next_purge:
            return
        self.next_purge = now + PURGE_EVERY_SECONDS
        try:
            with write_intent(), self.engine.begin() as connection:
                connection.execute(delete(COUNTERS).where(COUNTERS.c.expires <= now))
        except SQLAlchemyError as exc:  # a deadlock with another purge, say: the next one will do
            log.warning("could not purge ended rate-limit windows: %s", exc.__class__.__name__)
