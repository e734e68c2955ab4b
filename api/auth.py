"""Bearer-token authentication of API requests."""

from __future__ import annotations

from flask import g, request

from tracker.clock import current_clock
from tracker.users.service import authenticate


def bearer_token() -> str | None:
    """Return the token of an `Authorization: Bearer ...` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_user() -> None:
    """Authenticate the request or raise AuthenticationFailed (turned into 401)."""
    g.user = authenticate(bearer_token(), current_clock().now())
