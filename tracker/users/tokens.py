"""The life of API tokens: issued with an expiry, listed without their secret, revoked; audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from sqlalchemy import ColumnElement, and_, func, or_, select

from tracker.audit.service import jsonable, record
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.users.models import ApiToken, TokenState, User
from tracker.users.service import create_token

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class TokenFilter:
    """Which tokens a list shows (None: any)."""

    user_id: int | None = None
    state: TokenState | None = None


def expiry_after(days: int, now: dt.datetime) -> dt.datetime | None:
    """Return when a token issued now for `days` days expires (0 days: never)."""
    return None if days == 0 else now + dt.timedelta(days=days)


def issue_token(
    user: User, name: str, expires_at: dt.datetime | None, actor: User | None, now: dt.datetime
) -> tuple[ApiToken, str]:
    """Create a token for a user; the secret is returned here once and never stored."""
    if expires_at is not None and expires_at <= now:
        raise InvalidInput("The expiry must be in the future.", field="expires_in_days")
    token, raw = create_token(user, name, now, expires_at)
    changes = {
        "user": [None, user.email],
        "name": [None, name],
        "prefix": [None, token.prefix],
        "expires_at": [None, jsonable(expires_at)],
    }
    record("created", "token", token.id, None, actor, now, changes)
    log.info("token %s (%s) issued for %s by %s", token.id, token.prefix, user.email, _who(actor))
    return token, raw


def revoke_token(token: ApiToken, actor: User | None, now: dt.datetime) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = now
    db.session.flush()
    record("revoked", "token", token.id, None, actor, now, {"revoked_at": [None, jsonable(now)]})
    log.info(
        "token %s (%s) of %s revoked by %s", token.id, token.prefix, token.user.email, _who(actor)
    )
    return token


def get_token(token_id: int) -> ApiToken:
    """Return a token or raise NotFound."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"Token {token_id} not found.")
    return token


def find_token(reference: str) -> ApiToken:
    """Return the token with an id or a prefix (as the lists and the logs show them)."""
    if reference.isdigit():
        return get_token(int(reference))
    found = list(db.session.scalars(select(ApiToken).where(ApiToken.prefix == reference).limit(2)))
    if len(found) != 1:
        raise NotFound(f"No single token with the prefix {reference!r}.")
    return found[0]


def list_tokens(
    spec: TokenFilter, now: dt.datetime, page: int, page_size: int
) -> tuple[list[ApiToken], int]:
    """Return a page of tokens, newest first, and the total."""
    query = select(ApiToken)
    if spec.user_id is not None:
        query = query.where(ApiToken.user_id == spec.user_id)
    if spec.state is not None:
        query = query.where(_in_state(spec.state, now))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page_query = query.order_by(ApiToken.id.desc()).offset((page - 1) * page_size).limit(page_size)
    return list(db.session.scalars(page_query)), total


def _in_state(state: TokenState, now: dt.datetime) -> ColumnElement[bool]:
    """SQL condition for the tokens in a state."""
    not_revoked = ApiToken.revoked_at.is_(None)
    if state == TokenState.REVOKED:
        return ApiToken.revoked_at.is_not(None)
    if state == TokenState.EXPIRED:
        return and_(not_revoked, ApiToken.expires_at <= now)
    return and_(not_revoked, or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))


def _who(actor: User | None) -> str:
    """Name the actor in the log."""
    return actor.email if actor is not None else "the command line"
