"""Schemas of reports, reviews, extensions, withdrawal and the audit history."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.agencies import AgencyRefSchema
from api.schemas.common import BoundedInt, CalendarDate, OutSchema, StrictSchema, Text, WebUrl
from tracker.workflow.models import ReportKind

MAX_EVIDENCE = 20


class EvidenceSchema(StrictSchema):
    """A document number and/or a link proving the work."""

    document_number = Text(100, metadata={"example": "1234/BCA-C06"})
    url = WebUrl(metadata={"example": "https://vanban.example.gov.vn/1234"})

    @validates_schema
    def needs_something(self, data, **_kwargs):
        """Evidence names a document, a link, or both."""
        if not data.get("document_number") and not data.get("url"):
            raise ValidationError("Give a document_number, a url, or both.")


class ReportCreateSchema(StrictSchema):
    """A report: progress or completion (lead agency), contribution (co-ordinating agency)."""

    kind = fields.Enum(ReportKind, by_value=True, required=True)
    summary = Text(10_000, min_length=1, required=True)
    percent = BoundedInt(0, 100, allow_none=True, load_default=None)
    completed_on = CalendarDate(
        allow_none=True,
        load_default=None,
        metadata={"description": "Completion only: the date of the agency's output document."},
    )
    evidence = fields.List(
        fields.Nested(EvidenceSchema), validate=validate.Length(max=MAX_EVIDENCE), load_default=list
    )


class UserRefSchema(OutSchema):
    """Who did something."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class ReportSchema(OutSchema):
    """A report as returned."""

    id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    agency = fields.Nested(AgencyRefSchema, allow_none=True)
    author = fields.Nested(UserRefSchema, required=True)
    summary = fields.String(required=True)
    percent = fields.Integer(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    evidence = fields.List(fields.Dict(), required=True)
    created_at = fields.DateTime(required=True)
    review_state = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_comment = fields.String(allow_none=True)


class ReviewSchema(StrictSchema):
    """The Government Office's decision on a completion report."""

    decision = fields.String(required=True, validate=validate.OneOf(["accept", "return"]))
    comment = Text(
        5_000, allow_none=True, load_default=None, metadata={"description": "Required to return."}
    )


class ExtensionCreateSchema(StrictSchema):
    """A request for a later due date."""

    requested_due_date = CalendarDate(required=True)
    reason = Text(5_000, min_length=1, required=True)


class ExtensionDecisionSchema(StrictSchema):
    """The Government Office's decision on an extension request."""

    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    comment = Text(5_000, allow_none=True, load_default=None)


class ExtensionSchema(OutSchema):
    """An extension request as returned."""

    id = fields.Integer(required=True)
    task_id = fields.Integer(required=True)
    requested_due_date = fields.Date(required=True)
    previous_due_date = fields.Date(required=True)
    reason = fields.String(required=True)
    state = fields.String(required=True)
    requested_by = fields.Nested(UserRefSchema, required=True)
    requested_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_comment = fields.String(allow_none=True)


class CancelSchema(StrictSchema):
    """Why a task is withdrawn."""

    reason = Text(5_000, min_length=1, required=True)


class AuditEntrySchema(OutSchema):
    """One entry of a task's history."""

    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    action = fields.String(required=True, metadata={"example": "status_changed"})
    entity = fields.String(required=True, metadata={"example": "task"})
    entity_id = fields.Integer(required=True)
    actor = fields.Nested(UserRefSchema, allow_none=True)
    changes = fields.Dict(required=True, metadata={"description": "field -> [before, after]"})


class ListOf(OutSchema):
    """Base of plain (unpaginated) lists."""


def list_of(item_schema, name: str):
    """Return a schema `{items: [...]}` for a short, complete list."""
    return type(name, (ListOf,), {"items": fields.List(fields.Nested(item_schema), required=True)})


ReportListSchema = list_of(ReportSchema, "ReportList")
ExtensionListSchema = list_of(ExtensionSchema, "ExtensionList")
HistorySchema = list_of(AuditEntrySchema, "History")
