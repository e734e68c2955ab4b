"""Task schemas: separate input and output."""

from marshmallow import ValidationError, fields, validate
from webargs.fields import DelimitedList

from api.schemas.agencies import AgencyRefSchema
from api.schemas.common import (
    CODE_PATTERN,
    AgencyCode,
    BoundedInt,
    CalendarDate,
    FormatArgs,
    OutSchema,
    PageArgs,
    StrictBoolean,
    StrictSchema,
    Text,
    page_of,
)
from tracker.deadlines import DeadlineKind
from tracker.tasks.groups import GROUP_KINDS, MAX_GROUP_SIZE
from tracker.tasks.models import Priority, TaskStatus
from tracker.tasks.queries import SORTS
from tracker.tasks.timeliness import Basis, Timeliness

DEADLINE_KINDS = [kind.value for kind in DeadlineKind]
PRIORITIES = [p.value for p in Priority]
STATUSES = [s.value for s in TaskStatus]
TIMELINESS = [t.value for t in Timeliness]
MAX_COORDINATORS = 100


def _coordinators(**kwargs) -> fields.List:
    """A list of co-ordinating agency codes."""
    return fields.List(AgencyCode(), validate=validate.Length(max=MAX_COORDINATORS), **kwargs)


class GroupField(fields.Field):
    """`all_ministries`, `all_provinces`, or a list of agency codes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        kwargs["metadata"] = {
            "oneOf": [
                {"type": "string", "enum": list(GROUP_KINDS)},
                {"type": "array", "items": {"type": "string", "pattern": CODE_PATTERN.pattern}},
            ],
            "description": "Create one child task per member instead of one lead agency.",
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value in GROUP_KINDS:
            return value
        if isinstance(value, list) and 0 < len(value) <= MAX_GROUP_SIZE:
            return tuple(AgencyCode().deserialize(code) for code in value)
        raise ValidationError(f"Use {' or '.join(GROUP_KINDS)}, or a list of agency codes.")


class TaskCreateSchema(StrictSchema):
    """What a client sends to create a task."""

    directive_id = BoundedInt(required=True)
    clause = Text(32, allow_none=True, load_default=None, metadata={"example": "3.1"})
    title = Text(500, min_length=1, required=True)
    description = Text(20_000, load_default="")
    lead_agency = AgencyCode(load_default=None, metadata={"description": "Give this or `group`."})
    group = GroupField(load_default=None)
    coordinating_agencies = _coordinators(load_default=list)
    deadline_kind = fields.Enum(DeadlineKind, by_value=True, required=True)
    due_date = CalendarDate(allow_none=True, load_default=None)
    deadline_text = Text(200, allow_none=True, load_default=None)
    priority = fields.String(
        load_default=Priority.NORMAL.value, validate=validate.OneOf(PRIORITIES)
    )
    confidential = StrictBoolean(load_default=False)


class TaskUpdateSchema(StrictSchema):
    """What a client may change on an open task (every field optional)."""

    clause = Text(32, allow_none=True)
    title = Text(500, min_length=1)
    description = Text(20_000)
    lead_agency = AgencyCode()
    coordinating_agencies = _coordinators()
    deadline_kind = fields.Enum(DeadlineKind, by_value=True)
    due_date = CalendarDate(allow_none=True)
    deadline_text = Text(200, allow_none=True)
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    confidential = StrictBoolean()


class TaskSchema(OutSchema):
    """A task as returned; `due_date` is the effective due date."""

    id = fields.Integer(required=True)
    directive_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True)
    clause = fields.String(allow_none=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    lead_agency = fields.Nested(AgencyRefSchema, allow_none=True)
    group = fields.String(attribute="group_kind", allow_none=True)
    children_count = fields.Integer(allow_none=True)
    children_by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    coordinating_agencies = fields.List(fields.Nested(AgencyRefSchema), required=True)
    deadline_kind = fields.String(required=True, validate=validate.OneOf(DEADLINE_KINDS))
    deadline_text = fields.String(required=True)
    due_date = fields.Date(allow_none=True)
    original_due_date = fields.Date(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    timeliness = fields.String(allow_none=True, validate=validate.OneOf(TIMELINESS))
    priority = fields.String(required=True)
    confidential = fields.Boolean(required=True)
    completed_on = fields.Date(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True)


class TaskListArgs(PageArgs, FormatArgs):
    """Filters, sorting and paging of the task list; `format` exports every matching task."""

    lead_agency = AgencyCode(
        metadata={"description": "Lead agency, including agencies merged into it."}
    )
    agency = AgencyCode(metadata={"description": "Lead or co-ordinating agency."})
    directive_id = BoundedInt(strict=False)
    parent_id = BoundedInt(strict=False)
    status = DelimitedList(
        fields.String(validate=validate.OneOf(STATUSES)),
        metadata={"description": "One status or several, comma-separated."},
    )
    timeliness = fields.Enum(Timeliness, by_value=True)
    as_of = CalendarDate(
        metadata={"description": "Day the timeliness is computed for; default today."}
    )
    basis = fields.Enum(
        Basis,
        by_value=True,
        load_default=Basis.EFFECTIVE,
        metadata={"description": "Measure against the effective or the original due date."},
    )
    due_from = CalendarDate()
    due_to = CalendarDate()
    q = Text(200, metadata={"description": "Words of the title or description; accents optional."})
    sort = fields.String(load_default="due_date", validate=validate.OneOf(list(SORTS)))


TaskPageSchema = page_of(TaskSchema, "TaskPage")


def task_document(task, lead, coordinators, timeliness, children_by_status) -> dict:
    """Return what `TaskSchema().dump` gives for a task, built directly (several times faster).

    `task` is a Task or a row of its columns; `lead` (or None) and each of `coordinators` have a
    `code` and a `name`. tests/test_task_documents.py holds the two equal for every kind of task.
    """
    return {
        "id": task.id,
        "directive_id": task.directive_id,
        "parent_id": task.parent_id,
        "clause": _text(task.clause),
        "title": str(task.title),
        "description": str(task.description),
        "lead_agency": None if lead is None else {"code": lead.code, "name": lead.name},
        "group": _text(task.group_kind),
        "children_count": None if children_by_status is None else sum(children_by_status.values()),
        "children_by_status": None if children_by_status is None else dict(children_by_status),
        "coordinating_agencies": [{"code": a.code, "name": a.name} for a in coordinators],
        "deadline_kind": str(task.deadline_kind),
        "deadline_text": _text(task.deadline_text),
        "due_date": _iso(task.due_date),
        "original_due_date": _iso(task.original_due_date),
        "status": str(task.status),
        "timeliness": _text(timeliness),
        "priority": str(task.priority),
        "confidential": task.confidential,
        "completed_on": _iso(task.completed_on),
        "cancel_reason": _text(task.cancel_reason),
        "created_at": task.created_at.isoformat(),
        "updated_at": task.updated_at.isoformat(),
        "version": task.version,
    }


def _text(value) -> str | None:
    """A string field's output: str of the value (an enum's value), None kept."""
    return None if value is None else str(value)


def _iso(value) -> str | None:
    """A date field's output."""
    return None if value is None else value.isoformat()
