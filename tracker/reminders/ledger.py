"""The ledger (outbox): duplicate-proof inserts, safe claims with a lease, recorded outcomes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import (
    JSON,
    DateTime,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from tracker.db import UTCDateTime
from tracker.extensions import db
from tracker.reminders.models import (
    AgencyContact,
    Channel,
    Notification,
    NotificationAttempt,
    State,
)

LEDGER = Notification.__table__
MAX_ERROR = 2000
# A batch's rows are held in memory while sent; a contact's digest is never split, though.
MAX_ROWS_PER_CLAIM = 5000
IN_LIST_CHUNK = 5000
UNDELIVERED_STATES = bindparam(
    "undelivered", [State.PENDING.value, State.SENDING.value], expanding=True, literal_execute=True
)


def insert_new(rows: Sequence[dict]) -> int:
    """Insert ledger rows, silently keeping the existing row for a known key; returns how many
    were new. ON CONFLICT DO NOTHING makes a re-run, or a planner racing another, harmless."""
    return insert_ignoring_duplicates(LEDGER, rows)


def insert_ignoring_duplicates(table: Table, rows: Sequence[dict]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (PostgreSQL and SQLite); returns the rows inserted."""
    if not rows:
        return 0
    primary_key = next(iter(table.primary_key.columns))
    if db.session.get_bind().dialect.name == "postgresql":
        statement = _unnest_insert(table, rows)
        return len(db.session.execute(statement.returning(primary_key)).all())
    statement = sqlite.insert(table).on_conflict_do_nothing().returning(primary_key)
    return len(db.session.execute(statement, list(rows)).all())


def _unnest_insert(table: Table, rows: Sequence[dict]):
    """PostgreSQL: one INSERT ... SELECT FROM unnest(arrays), one array parameter per column.

    Much cheaper than a VALUES list with a parameter per value, which psycopg parses anew for
    every batch; the rows keep the same conflict handling. The arrays travel in binary form
    (tracker.db.configure_postgresql).
    """
    names = list(rows[0])
    arrays = []
    for name in names:
        column, store = table.c[name], _storer(table.c[name])
        values = [store(row[name]) for row in rows] if store else [row[name] for row in rows]
        array_type = postgresql.ARRAY(_element_type(column))
        arrays.append(bindparam(f"u_{name}", values, type_=array_type))
    unnested = func.unnest(*arrays).table_valued(*names).render_derived(name="rows")
    columns = [
        cast(unnested.c[name], JSON) if isinstance(table.c[name].type, JSON) else unnested.c[name]
        for name in names
    ]
    return postgresql.insert(table).from_select(names, select(*columns)).on_conflict_do_nothing()


def _element_type(column):
    """The type of an array of a column's values, in their stored form."""
    if isinstance(column.type, UTCDateTime):
        return DateTime()
    if isinstance(column.type, JSON):
        return Text()
    return column.type


def _storer(column):
    """How an array parameter carries a column's values (naive UTC, JSON text), if not as is."""
    if isinstance(column.type, UTCDateTime):
        return lambda value: (
            None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None)
        )
    if isinstance(column.type, JSON):
        return lambda value: None if value is None else json.dumps(value, ensure_ascii=False)
    return None


def claimable(now: dt.datetime, max_attempts: int):
    """SQL: a row that is due, or whose worker's lease ran out (a killed worker's row)."""
    return and_(
        # Literal values: SQLite (and a generic PostgreSQL plan) can use the partial claim
        # indexes only when the query's own text implies their condition.
        Notification.state.in_(UNDELIVERED_STATES),
        Notification.attempts < max_attempts,
        or_(
            and_(Notification.state == State.PENDING, Notification.next_attempt_at <= now),
            and_(Notification.state == State.SENDING, Notification.lease_until < now),
        ),
    )


@dataclasses.dataclass(frozen=True)
class Claim:
    """Who claims, until when, and how many."""

    worker: str
    now: dt.datetime
    lease_until: dt.datetime
    limit: int
    max_attempts: int


def claim_mail(claim: Claim) -> list[int]:
    """Claim every due e-mail row of up to `limit` contacts; returns the row ids.

    A digest gathers all of a contact's rows, so the contact row is the unit that is locked
    (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE):
    two workers never split or share one contact's rows.
    """
    due = claimable(claim.now, claim.max_attempts)
    has_due_mail = exists(
        select(Notification.id).where(
            Notification.contact_id == AgencyContact.id, Notification.channel == Channel.EMAIL, due
        )
    )
    contacts = db.session.scalars(
        select(AgencyContact.id)
        .where(has_due_mail)
        .order_by(AgencyContact.id)
        .limit(claim.limit)
        .with_for_update(skip_locked=True, of=AgencyContact)
    ).all()
    if not contacts:
        return []
    contacts = _within_row_budget(contacts, due)
    where = [Notification.contact_id.in_(contacts), Notification.channel == Channel.EMAIL, due]
    return _mark_claimed(claim, where)


def _within_row_budget(contacts: list[int], due) -> list[int]:
    """Keep the first contacts whose rows fit in one batch (always the first: a digest is whole).

    Counted contact by contact, so a batch costs what it claims, not what all contacts have;
    the contacts left out stay locked only until this claim commits.
    """
    kept, total = [], 0
    for contact in contacts:
        total += db.session.scalar(
            select(func.count()).where(
                Notification.contact_id == contact, Notification.channel == Channel.EMAIL, due
            )
        )
        if kept and total > MAX_ROWS_PER_CLAIM:
            break
        kept.append(contact)
        if total >= MAX_ROWS_PER_CLAIM:
            break
    return kept


def chunked(items: Sequence, size: int = IN_LIST_CHUNK) -> Iterator[Sequence]:
    """Split a long list of ids for IN (...) lists (PostgreSQL takes at most 65535 parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def claim_webhooks(claim: Claim) -> list[int]:
    """Claim up to `limit` due webhook rows (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    ids = db.session.scalars(
        select(Notification.id)
        .where(Notification.channel == Channel.WEBHOOK, claimable(claim.now, claim.max_attempts))
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(claim.limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not ids:
        return []
    return _mark_claimed(claim, [Notification.id.in_(ids)])


def _mark_claimed(claim: Claim, where: list) -> list[int]:
    """Give the rows to the worker with a lease, counting the attempt."""
    statement = (
        update(Notification)
        .where(*where)
        .values(
            state=State.SENDING,
            claimed_by=claim.worker,
            lease_until=claim.lease_until,
            attempts=Notification.attempts + 1,
            updated_at=claim.now,
        )
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(db.session.scalars(statement).all())


def give_up_abandoned(now: dt.datetime, max_attempts: int) -> int:
    """Fail rows whose last allowed attempt was claimed by a worker that never finished."""
    statement = (
        update(Notification)
        .where(
            Notification.state == State.SENDING,
            Notification.lease_until < now,
            Notification.attempts >= max_attempts,
        )
        .values(
            state=State.FAILED,
            last_error="The worker of the last attempt stopped before finishing.",
            claimed_by=None,
            lease_until=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount or 0


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What became of one row's attempt."""

    row_id: int
    state: State
    attempt: int
    detail: str | None = None
    message_id: str | None = None
    next_attempt_at: dt.datetime | None = None


def record(outcomes: Iterable[Outcome], worker: str, now: dt.datetime) -> int:
    """Store outcomes of rows this worker still holds; returns how many were stored.

    A row whose lease ran out and that another worker took over is left to that worker.
    """
    outcomes = list(outcomes)
    if not outcomes:
        return 0
    _commit_without_waiting_for_disk()
    statement = (
        update(LEDGER)
        .where(LEDGER.c.id == bindparam("b_id"), LEDGER.c.claimed_by == bindparam("b_worker"))
        .values(
            state=bindparam("b_state"),
            last_error=bindparam("b_error"),
            # A failed attempt keeps the Message-ID: the retry is the same mail.
            message_id=func.coalesce(bindparam("b_message_id", type_=String), LEDGER.c.message_id),
            sent_at=bindparam("b_sent_at"),
            next_attempt_at=bindparam("b_next"),
            claimed_by=None,
            lease_until=None,
            updated_at=now,
        )
    )
    params = [_params(outcome, worker, now) for outcome in outcomes]
    stored = db.session.execute(statement, params).rowcount
    db.session.execute(insert(NotificationAttempt), [_attempt(o, worker, now) for o in outcomes])
    return stored if stored is not None and stored >= 0 else len(outcomes)


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: let this transaction's commit return before its WAL reaches the disk.

    Delivery commits an outcome per mail (so a killed worker repeats only the mail in flight);
    waiting for the disk each time cut delivery from 520 to 105 mails a second (measured).
    A crash of PostgreSQL itself may forget the last moment's outcomes: those mails go once
    more, under the same idempotency key; none is lost.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _params(outcome: Outcome, worker: str, now: dt.datetime) -> dict:
    sent = outcome.state == State.SENT
    return {
        "b_id": outcome.row_id,
        "b_worker": worker,
        "b_state": outcome.state.value,
        "b_error": None if sent else _clip(outcome.detail),
        "b_message_id": outcome.message_id,
        "b_sent_at": now if sent else None,
        "b_next": outcome.next_attempt_at or now,
    }


def _attempt(outcome: Outcome, worker: str, now: dt.datetime) -> dict:
    return {
        "notification_id": outcome.row_id,
        "attempt": outcome.attempt,
        "at": now,
        "outcome": outcome.state.value,
        "detail": _clip(outcome.detail),
        "worker": worker[:100],
    }


def _clip(text: str | None) -> str | None:
    return None if text is None else text[:MAX_ERROR]


def fix_message_ids(pairs: Sequence[tuple[int, str]], worker: str) -> None:
    """Store the Message-ID of each (row, mail) pair the worker holds, unless one is stored."""
    if not pairs:
        return
    statement = (
        update(LEDGER)
        .where(
            LEDGER.c.id == bindparam("b_id"),
            LEDGER.c.claimed_by == bindparam("b_worker"),
            LEDGER.c.message_id.is_(None),
        )
        .values(message_id=bindparam("b_message_id"))
    )
    params = [{"b_id": i, "b_worker": worker, "b_message_id": m} for i, m in pairs]
    db.session.execute(statement, params)


def release(row_ids: Sequence[int], worker: str, now: dt.datetime) -> None:
    """Hand back claimed rows not attempted (the lease was running out), uncounted."""
    for chunk in chunked(list(row_ids)):
        statement = (
            update(Notification)
            .where(Notification.id.in_(chunk), Notification.claimed_by == worker)
            .values(
                state=State.PENDING,
                claimed_by=None,
                lease_until=None,
                attempts=Notification.attempts - 1,
                next_attempt_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(statement)


def retry_delay(attempt: int, base_seconds: int, max_seconds: int) -> dt.timedelta:
    """Exponential backoff: base, 2*base, 4*base... capped."""
    return dt.timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempt - 1)))
