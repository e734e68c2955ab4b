"""Schemas of agency contacts, webhooks and the reminder ledger."""

from marshmallow import fields, validate

from api.schemas.common import (
    AgencyCode,
    BoundedInt,
    OutSchema,
    PageArgs,
    StrictBoolean,
    StrictSchema,
    Text,
    WebUrl,
    page_of,
)
from tracker.reminders.events import EVENTS
from tracker.reminders.models import Channel, ContactRole, State


def _agency_code(row) -> str | None:
    return row.agency.code if row.agency else None


def agency_field() -> fields.Function:
    """The agency of a row, by code."""
    return fields.Function(_agency_code, metadata={"type": "string", "example": "MOF"})


class EmailAddress(Text):
    """An e-mail address (stored trimmed and in lower case)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(
            {"format": "email", "example": "dau.moi@mof.gov.vn"}
        )
        super().__init__(254, min_length=3, validate=validate.Email(), **kwargs)


class ContactCreateSchema(StrictSchema):
    """A contact of an agency who receives reminders."""

    email = EmailAddress(required=True)
    name = Text(200, load_default="", metadata={"example": "Nguyễn Văn An"})
    role = fields.Enum(ContactRole, by_value=True, load_default=ContactRole.FOCAL_POINT)
    paused = StrictBoolean(
        load_default=False, metadata={"description": "true: the contact receives no reminders."}
    )


class ContactUpdateSchema(StrictSchema):
    """Changes to a contact (any of its fields)."""

    email = EmailAddress()
    name = Text(200)
    role = fields.Enum(ContactRole, by_value=True)
    paused = StrictBoolean()


class ContactSchema(OutSchema):
    """A contact as returned."""

    id = fields.Integer(required=True)
    agency = agency_field()
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    paused = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


ContactPageSchema = page_of(ContactSchema, "ContactPage")


def event_list(**kwargs) -> fields.List:
    """A list of webhook event names."""
    return fields.List(
        fields.String(validate=validate.OneOf(EVENTS)),
        validate=validate.Length(max=len(EVENTS)),
        metadata={"description": "Events to receive; empty or absent: all of them."},
        **kwargs,
    )


def webhook_url(**kwargs) -> WebUrl:
    """An absolute http(s) URL."""
    return WebUrl(
        require_tld=False,
        metadata={"example": "https://hethong.mof.gov.vn/tracker-events"},
        **kwargs,
    )


class WebhookCreateSchema(StrictSchema):
    """A URL and secret to receive signed events (`agency` defaults to the caller's own)."""

    agency = AgencyCode(metadata={"description": "OOG for the Government Office."})
    url = webhook_url(required=True)
    secret = Text(200, min_length=16, strip=False, required=True)
    events = event_list(load_default=list)
    active = StrictBoolean(load_default=True)
    description = Text(200, load_default="")


class WebhookUpdateSchema(StrictSchema):
    """Changes to a registration."""

    url = webhook_url()
    secret = Text(200, min_length=16, strip=False)
    events = event_list()
    active = StrictBoolean()
    description = Text(200)


class WebhookSchema(OutSchema):
    """A registration as returned (the secret never is)."""

    id = fields.Integer(required=True)
    agency = agency_field()
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    description = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


WebhookPageSchema = page_of(WebhookSchema, "WebhookPage")


class WebhookListArgs(PageArgs):
    """Filters of the webhook list."""

    agency = AgencyCode()


class NotificationListArgs(PageArgs):
    """Filters of the ledger."""

    task_id = BoundedInt(strict=False)
    agency = AgencyCode(metadata={"description": "The recipient's agency."})
    state = fields.String(validate=validate.OneOf([s.value for s in State]))
    channel = fields.String(validate=validate.OneOf([c.value for c in Channel]))
    rule = Text(32, metadata={"description": "e.g. due_soon, overdue, task.assigned"})


class NotificationSchema(OutSchema):
    """A ledger row."""

    id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    channel = fields.String(required=True)
    rule = fields.String(required=True)
    occurrence = fields.String(required=True)
    recipient = fields.String(required=True)
    agency = agency_field()
    planned_for = fields.Date(required=True)
    due_date = fields.Date(allow_none=True)
    state = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.DateTime(required=True)
    last_error = fields.String(allow_none=True)
    message_id = fields.String(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class AttemptSchema(OutSchema):
    """One delivery attempt."""

    attempt = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    outcome = fields.String(required=True)
    detail = fields.String(allow_none=True)
    worker = fields.String(required=True)


class NotificationDetailSchema(NotificationSchema):
    """A ledger row with every attempt."""

    history = fields.List(fields.Nested(AttemptSchema), required=True)


NotificationPageSchema = page_of(NotificationSchema, "NotificationPage")
