"""Schemas of the text import: proposing tasks from a notice, and creating the confirmed ones."""

from marshmallow import fields, validate

from api.schemas.common import CalendarDate, OutSchema, StrictSchema, Text
from api.schemas.tasks import TaskCreateSchema
from tracker.tasks.bulk import MAX_BULK
from tracker.textimport import MAX_TEXT_CHARS


class ParseRequestSchema(StrictSchema):
    """A pasted notice and the day it was issued (for deadlines without a year)."""

    text = Text(MAX_TEXT_CHARS, min_length=1, required=True, strip=False)
    issued_on = CalendarDate(required=True)


class ProposedTaskSchema(OutSchema):
    """One task the parser proposes, for the clerk to correct and confirm."""

    source = fields.String(required=True)
    title = fields.String(required=True)
    lead_agency = fields.String(allow_none=True)
    coordinating_agencies = fields.List(fields.String(), required=True)
    group = fields.String(allow_none=True)
    deadline_kind = fields.String(required=True)
    due_date = fields.Date(allow_none=True)
    deadline_text = fields.String(allow_none=True)
    confidence = fields.Float(required=True)


class ProposalSchema(OutSchema):
    """The proposed tasks of a notice."""

    tasks = fields.List(fields.Nested(ProposedTaskSchema), required=True)


class BulkTaskSchema(TaskCreateSchema):
    """A confirmed task; `source` and `confidence` of a proposal may be sent back unchanged."""

    class Meta:
        exclude = ("directive_id",)

    source = Text(
        20_000, load_default=None, metadata={"description": "Kept as the description if none."}
    )
    confidence = fields.Float(load_default=None, metadata={"description": "Ignored."})


class BulkRequestSchema(StrictSchema):
    """The confirmed tasks of a directive."""

    tasks = fields.List(
        fields.Nested(BulkTaskSchema), required=True, validate=validate.Length(min=1, max=MAX_BULK)
    )
