"""Bearer-token authentication of API requests, with failures counted and limited."""

from __future__ import annotations

from flask import g, request

from api.ratelimit import client_address, failure_guard
from tracker.clock import current_clock
from tracker.errors import AuthenticationFailed
from tracker.extensions import db
from tracker.users.models import ApiToken
from tracker.users.service import authenticate_token, token_prefix


def bearer_token() -> str | None:
    """Return the token of an `Authorization: Bearer ...` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_user() -> None:
    """Authenticate the request or raise AuthenticationFailed (401) or TooManyRequests (429)."""
    if request.method == "OPTIONS":  # a CORS preflight carries no credentials
        return
    g.user = guarded_authentication(bearer_token()).user


def guarded_authentication(raw: str | None) -> ApiToken:
    """Authenticate a presented token, refusing clients and prefixes with too many failures.

    A request without credentials guesses nothing: it is refused (401), never counted or blocked.
    """
    if not raw:
        return authenticate_token(raw, current_clock().now())
    guard = failure_guard()
    keys = {"client": client_address(), "token": token_prefix(raw)}
    guard.refuse_if_blocked(keys)
    try:
        return authenticate_token(raw, current_clock().now())
    except AuthenticationFailed as exc:
        db.session.rollback()  # release SQLite's write lock before counting elsewhere
        guard.record_failure(keys, exc.reason)
        raise
