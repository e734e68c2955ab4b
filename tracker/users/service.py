"""Users and API tokens: creation, and turning a presented token into a user."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.agencies.registry import attach
from tracker.agencies.service import get_agency
from tracker.db import has_write_intent, write_intent
from tracker.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from tracker.extensions import db
from tracker.users.models import ApiToken, Role, TokenState, User, token_state

TOKEN_PREFIX = "dt_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = 10  # "dt_" and 7 random characters: shown in lists and logs, never enough to use
LAST_USED_GRANULARITY = dt.timedelta(minutes=5)
_PREFIX_SHAPE = re.compile(r"dt_[A-Za-z0-9_-]{7}")
UNKNOWN_OR_REVOKED = "The token is unknown or revoked."


def create_user(
    email: str, role: str, agency_code: str | None, name: str, now: dt.datetime
) -> User:
    """Create a user; an agency user must name its agency, others must not."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInput("A valid e-mail address is required.", field="email")
    if role not in set(Role):
        raise InvalidInput(f"Unknown role {role!r}.", field="role")
    if (role == Role.AGENCY) != (agency_code is not None):
        message = (
            "An agency user needs an agency code."
            if role == Role.AGENCY
            else ("Only agency users belong to an agency.")
        )
        raise InvalidInput(message, field="agency")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"A user {email} already exists.", field="email")
    agency = get_agency(agency_code) if agency_code else None
    user = User(email=email, role=role, agency=agency, name=name, created_at=now)
    db.session.add(user)
    db.session.flush()
    return user


def get_user_by_email(email: str) -> User:
    """Return a user by e-mail address, or raise NotFound."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"No user {email}.")
    return user


def create_token(
    user: User, name: str, now: dt.datetime, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the raw secret is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        prefix=raw[:PREFIX_LENGTH],
        token_hash=hash_token(raw),
        name=name,
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def hash_token(raw: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def token_prefix(raw: str | None) -> str | None:
    """Return the public prefix of a presented token, or None if it does not look like ours."""
    prefix = (raw or "")[:PREFIX_LENGTH]
    return prefix if _PREFIX_SHAPE.fullmatch(prefix) else None


def authenticate_token(raw: str | None, now: dt.datetime) -> ApiToken:
    """Return the valid token presented (its user active), or raise AuthenticationFailed."""
    if not raw:
        raise AuthenticationFailed("A valid bearer token is required.", reason="missing")
    if token_prefix(raw) is None or len(raw) > 200:
        raise AuthenticationFailed("A valid bearer token is required.", reason="malformed")
    token = db.session.scalar(_TOKEN_BY_HASH, {"token_hash": hash_token(raw)})
    if token is not None and token.user.agency_id is not None:
        set_committed_value(token.user, "agency", attach(token.user.agency_id))
    refusal = _refusal(token, now)
    if refusal is not None:
        message = "The token has expired." if refusal == "expired" else UNKNOWN_OR_REVOKED
        raise AuthenticationFailed(message, reason=refusal)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        if has_write_intent():
            token.last_used_at = now
        else:
            _record_use(token.id, now)
    return token


def _refusal(token: ApiToken | None, now: dt.datetime) -> str | None:
    """Return why a stored token may not be used (None if it may)."""
    if token is None:
        return "unknown"
    state = token_state(token, now)
    if state is TokenState.REVOKED:
        return "revoked"
    if not token.user.active:
        return "inactive_user"
    return "expired" if state is TokenState.EXPIRED else None


def session_user(token_id: int, user_id: int, now: dt.datetime) -> User | None:
    """Return the user of a browser session opened with a token, while that token stays valid."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id or _refusal(token, now) is not None:
        return None
    return token.user


def _record_use(token_id: int, now: dt.datetime) -> None:
    """Note a token's use coarsely, outside the caller's transaction so reads stay read-only."""
    with write_intent(), db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


# Built once (SQLAlchemy keeps its cache key); the user's agency comes from the registry.
_TOKEN_BY_HASH = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("token_hash"))
    .options(joinedload(ApiToken.user).lazyload(User.agency))
)
