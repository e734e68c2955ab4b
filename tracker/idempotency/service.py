"""Claiming a client's idempotency key, and remembering the response given under it."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.errors import Conflict, InvalidInput
from tracker.extensions import db
from tracker.idempotency.models import IdempotencyKey

MAX_KEY_LENGTH = 200


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Return a digest identifying one request."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def claim(user_id: int, key: str, print_: str, now: dt.datetime) -> tuple[IdempotencyKey, bool]:
    """Claim a key for this request (True), or return the earlier claim of the same key (False).

    A concurrent request with the same key waits on the unique index until the first
    commits (PostgreSQL) or is serialised by the write lock (SQLite), then sees its row.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            field="Idempotency-Key",
        )
    row = IdempotencyKey(user_id=user_id, key=key, fingerprint=print_, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return row, True
    except IntegrityError:
        pass
    earlier = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if earlier.fingerprint != print_:
        raise Conflict("This Idempotency-Key was used for a different request.")
    if earlier.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still in progress.")
    return earlier, False


def remember(row: IdempotencyKey, status_code: int, body: str, etag: str | None) -> None:
    """Store the response of the request that claimed the key."""
    row.status_code, row.response_body, row.response_etag = status_code, body, etag
    db.session.flush()
