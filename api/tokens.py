"""API tokens: issued with an expiry (administrators), listed without secrets, revoked."""

from __future__ import annotations

import dataclasses

from flask import current_app
from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.tokens import (
    IssuedTokenSchema,
    TokenCreateSchema,
    TokenListArgs,
    TokenPageSchema,
    TokenSchema,
)
from tracker.clock import current_clock
from tracker.errors import InvalidInput, NotFound
from tracker.permissions import (
    authorize_issue_token,
    authorize_list_tokens,
    authorize_revoke_token,
    authorize_view_token,
)
from tracker.users import tokens
from tracker.users.models import ApiToken, User
from tracker.users.service import get_user_by_email

blp = ApiBlueprint(
    "tokens",
    __name__,
    url_prefix="/tokens",
    description="API tokens: the secret is shown once, when issued; only its hash is stored.",
)
EXAMPLE = {"user": "he.thong@mof.gov.vn", "name": "MOF reporting system", "expires_in_days": 90}


@dataclasses.dataclass(frozen=True)
class Issued:
    """A token with the secret that only its issuing response carries."""

    token: ApiToken
    secret: str


@blp.route("")
class Tokens(MethodView):
    """The tokens."""

    @blp.arguments(TokenListArgs, location="query")
    @blp.response(200, TokenPageSchema)
    @blp.errors(403, 422)
    def get(self, args):
        """List tokens, newest first: anyone's for administrators, their own for other users."""
        wanted = _owner(args["user"]).id if args.get("user") else None
        owner_id = authorize_list_tokens(current_user(), wanted)
        spec = tokens.TokenFilter(owner_id, args.get("state"))
        page, size = args["page"], args["page_size"]
        items, total = tokens.list_tokens(spec, current_clock().now(), page, size)
        return {"items": items, "total": total, "page": page, "page_size": size}

    @blp.arguments(TokenCreateSchema, example=EXAMPLE)
    @blp.response(201, IssuedTokenSchema)
    @blp.errors(403, 422)
    def post(self, data):
        """Issue a token for a user (administrators); only this response carries its secret."""
        authorize_issue_token(current_user())
        owner = _owner(data["user"])
        settings = current_app.extensions["tracker.settings"]
        now = current_clock().now()
        days = data.get("expires_in_days", settings.token_default_days)
        expires_at = tokens.expiry_after(days, now)
        token, secret = tokens.issue_token(owner, data["name"], expires_at, current_user(), now)
        return Issued(token, secret)


@blp.route("/<id:token_id>")
class TokenById(MethodView):
    """One token."""

    @blp.response(200, TokenSchema)
    @blp.errors(403, 404)
    def get(self, token_id):
        """Get a token (administrators; users their own)."""
        token = tokens.get_token(token_id)
        authorize_view_token(current_user(), token)
        return token


@blp.route("/<id:token_id>/revoke")
class TokenRevocation(MethodView):
    """Revoking a token."""

    @blp.response(200, TokenSchema)
    @blp.errors(403, 404)
    def post(self, token_id):
        """Revoke a token at once (administrators; users their own); again: no change."""
        token = tokens.get_token(token_id)
        authorize_revoke_token(current_user(), token)
        return tokens.revoke_token(token, current_user(), current_clock().now())


def _owner(email: str) -> User:
    """Return the user a request names, an unknown address being a field error."""
    try:
        return get_user_by_email(email)
    except NotFound as exc:  # as a 422: the address is a field of the body or query
        raise InvalidInput(f"No user {email}.", field="user") from exc
