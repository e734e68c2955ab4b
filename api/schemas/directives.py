"""Directive schemas: separate input and output."""

from marshmallow import fields, validate

from api.schemas.common import CalendarDate, OutSchema, PageArgs, StrictSchema, Text, page_of
from tracker.directives.models import DirectiveKind

KINDS = [kind.value for kind in DirectiveKind]


class DirectiveCreateSchema(StrictSchema):
    """What a client sends to create a directive."""

    number = Text(64, min_length=1, required=True, metadata={"example": "95/TB-VPCP"})
    title = Text(500, min_length=1, required=True)
    kind = fields.String(
        load_default=DirectiveKind.CONCLUSION_NOTICE.value, validate=validate.OneOf(KINDS)
    )
    issued_on = CalendarDate(required=True)
    issuer = Text(200, min_length=1, load_default="Văn phòng Chính phủ")
    meeting = Text(500, allow_none=True, load_default=None)
    summary = Text(10_000, allow_none=True, load_default=None)
    source_text = Text(200_000, allow_none=True, load_default=None, strip=False)


class DirectiveUpdateSchema(StrictSchema):
    """What a client may change on a directive (every field optional)."""

    number = Text(64, min_length=1)
    title = Text(500, min_length=1)
    kind = fields.String(validate=validate.OneOf(KINDS))
    issued_on = CalendarDate()
    issuer = Text(200, min_length=1)
    meeting = Text(500, allow_none=True)
    summary = Text(10_000, allow_none=True)
    source_text = Text(200_000, allow_none=True, strip=False)


class DirectiveSchema(OutSchema):
    """A directive as returned."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    issued_on = fields.Date(required=True)
    issuer = fields.String(required=True)
    meeting = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class DirectiveDetailSchema(DirectiveSchema):
    """A directive with its source text."""

    source_text = fields.String(allow_none=True)


class DirectiveListArgs(PageArgs):
    """Filters of the directive list."""

    q = Text(
        200, metadata={"description": "Words of the number, title or summary; accents optional."}
    )
    issued_from = CalendarDate()
    issued_to = CalendarDate()


DirectivePageSchema = page_of(DirectiveSchema, "DirectivePage")
