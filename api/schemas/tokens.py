"""Schemas of API tokens: never the hash; the secret only in the response that issues it."""

from __future__ import annotations

from marshmallow import fields

from api.schemas.common import BoundedInt, OutSchema, PageArgs, StrictSchema, Text, page_of
from api.schemas.reminders import EmailAddress
from tracker.clock import current_clock
from tracker.users.models import TokenState, token_state

MAX_DAYS = 3650


class TokenListArgs(PageArgs):
    """Filters of the token list."""

    user = EmailAddress(metadata={"description": "The owner's e-mail address."})
    state = fields.Enum(TokenState, by_value=True)


class TokenCreateSchema(StrictSchema):
    """A token to issue for a user."""

    user = EmailAddress(required=True, metadata={"description": "The owner's e-mail address."})
    name = Text(100, min_length=1, required=True, metadata={"example": "MOF reporting system"})
    expires_in_days = BoundedInt(
        0,
        MAX_DAYS,
        metadata={"description": "Lifetime in days; 0: never expires; absent: the default."},
    )


class TokenSchema(OutSchema):
    """A token as listed: its public prefix, never its secret or hash."""

    id = fields.Integer(required=True)
    user = fields.String(required=True, attribute="user.email")
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"example": "dt_Ab12Cd3"})
    state = fields.String(required=True, metadata={"enum": [s.value for s in TokenState]})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(
        allow_none=True, metadata={"description": "Recorded to within five minutes."}
    )

    def get_attribute(self, obj, attr, default):
        """The state is derived at the request's time."""
        if attr == "state":
            return token_state(obj, current_clock().now()).value
        return super().get_attribute(obj, attr, default)


class IssuedTokenSchema(TokenSchema):
    """A token just issued, with its secret: shown in this response only, never again."""

    token = fields.String(required=True, metadata={"description": "The bearer token (secret)."})

    def get_attribute(self, obj, attr, default):
        """Read the secret from the issued pair, every other field from the token."""
        if attr == "token":
            return obj.secret
        return super().get_attribute(obj.token, attr, default)


TokenPageSchema = page_of(TokenSchema, "TokenPage")
