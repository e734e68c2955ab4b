"""Statistics schemas: query arguments and the rows of the Government Office's tables."""

from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas.common import (
    AgencyCode,
    BoundedInt,
    CalendarDate,
    FormatArgs,
    OutSchema,
    StrictSchema,
    Text,
)
from tracker.agencies.data import AGENCY_KINDS
from tracker.stats.agencies import SORTS
from tracker.stats.labels import STATUS_LABELS
from tracker.stats.periods import PERIOD_HELP, parse_month, parse_period
from tracker.stats.scope import Merge
from tracker.tasks.timeliness import Basis

PERIOD_PATTERN = r"^\d{4}(-([QqHh]\d|\d{2}))?$"
MONTH_PATTERN = r"^\d{4}-\d{2}$"


class PeriodField(fields.String):
    """A reporting period such as 2025-Q2, loaded as its range of days."""

    def __init__(self, parse=parse_period, help_text=PERIOD_HELP, pattern=PERIOD_PATTERN, **kwargs):
        self.parse = parse
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("description", f"Give {help_text}.")
        metadata.setdefault("pattern", pattern)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.parse(text[:20])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _as_of():
    return CalendarDate(
        metadata={
            "description": "The day the figures are as of, at its end (default today): "
            "later reports, extensions and withdrawals do not count."
        }
    )


def _basis():
    return fields.Enum(
        Basis,
        by_value=True,
        load_default=Basis.EFFECTIVE,
        metadata={"description": "Measure against the effective (extended) or original due date."},
    )


def _merge():
    return fields.Enum(
        Merge,
        by_value=True,
        load_default=Merge.NONE,
        metadata={"description": "`successor`: count a merged agency's tasks under its successor."},
    )


class ScopeArgs(StrictSchema):
    """Filters shared by the statistics."""

    as_of = _as_of()
    basis = _basis()
    kind = fields.String(
        validate=validate.OneOf(AGENCY_KINDS), metadata={"description": "Kind of lead agency."}
    )
    directive_id = BoundedInt(strict=False)
    issuer = Text(200, metadata={"description": "Directives of this issuer (exact name)."})


class AgencyStatsArgs(ScopeArgs, FormatArgs):
    """Arguments of the agency table."""

    period = PeriodField()
    due_from = CalendarDate()
    due_to = CalendarDate()
    merge = _merge()
    sort = fields.String(load_default="agency", validate=validate.OneOf(list(SORTS)))

    @validates_schema
    def _one_range(self, data, **kwargs):
        if data.get("period") is not None and (data.get("due_from") or data.get("due_to")):
            raise ValidationError("Give period or due_from/due_to, not both.", "period")


class DirectiveStatsArgs(StrictSchema):
    """Arguments of a directive's progress."""

    as_of = _as_of()
    basis = _basis()
    merge = _merge()


class TrendArgs(ScopeArgs):
    """Arguments of the monthly trend."""

    period = PeriodField(metadata={"description": f"The months of {PERIOD_HELP}."})
    from_month = PeriodField(parse_month, "a month as YYYY-MM", MONTH_PATTERN)
    to_month = PeriodField(parse_month, "a month as YYYY-MM", MONTH_PATTERN)
    agency = AgencyCode(metadata={"description": "Lead agency, including agencies merged into it."})

    @validates_schema
    def _one_range(self, data, **kwargs):
        if data.get("period") is not None and (data.get("from_month") or data.get("to_month")):
            raise ValidationError("Give period or from_month/to_month, not both.", "period")


class StatsAgencySchema(OutSchema):
    """An agency in a statistics row."""

    code = fields.String(required=True, metadata={"example": "MOF"})
    name = fields.String(required=True, metadata={"example": "Bộ Tài chính"})
    short_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(AGENCY_KINDS))


class BucketsSchema(OutSchema):
    """The four buckets, their total and the on-time rate."""

    total = fields.Integer(required=True, metadata={"description": "Tasks in the four buckets."})
    done_on_time = fields.Integer(required=True)
    done_late = fields.Integer(required=True)
    open_in_term = fields.Integer(required=True)
    open_overdue = fields.Integer(required=True)
    on_time_rate = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "done_on_time / (done_on_time + done_late); null if none done."},
    )


class CountsSchema(BucketsSchema):
    """The four buckets, and beside them tasks without a due date and withdrawn tasks."""

    regular = fields.Integer(
        required=True, metadata={"description": "Tasks without a due date (in every period)."}
    )
    withdrawn = fields.Integer(required=True, metadata={"description": "Withdrawn by as_of."})


class AgencyRowSchema(CountsSchema):
    """One agency's row."""

    agency = fields.Nested(StatsAgencySchema, required=True)


class TotalsSchema(CountsSchema):
    """The totals row."""

    agencies = fields.Integer(required=True, metadata={"description": "Agencies with tasks."})


class FilterEchoSchema(OutSchema):
    """The filter the figures were computed with."""

    as_of = fields.Date(required=True)
    basis = fields.String(required=True)
    merge = fields.String(required=True)


class AgencyStatsSchema(FilterEchoSchema):
    """The agency table."""

    due_from = fields.Date(allow_none=True)
    due_to = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(AgencyRowSchema), required=True)
    totals = fields.Nested(TotalsSchema, required=True)


STATUS_COUNTS = fields.Dict(
    keys=fields.String(validate=validate.OneOf(list(STATUS_LABELS))),
    values=fields.Integer(),
    metadata={"description": "Tasks by current status (created by as_of)."},
)


class DirectiveRowSchema(AgencyRowSchema):
    """One lead agency's tasks of the directive."""

    by_status = STATUS_COUNTS


class DirectiveTotalsSchema(TotalsSchema):
    """The directive's totals."""

    by_status = STATUS_COUNTS


class DirectiveRefSchema(OutSchema):
    """The directive the progress is of."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    issued_on = fields.Date(required=True)
    issuer = fields.String(required=True)


class DirectiveStatsSchema(FilterEchoSchema):
    """A directive's progress."""

    directive = fields.Nested(DirectiveRefSchema, required=True)
    group_tasks = fields.Integer(
        required=True, metadata={"description": "Group tasks, counted through their children."}
    )
    items = fields.List(fields.Nested(DirectiveRowSchema), required=True)
    totals = fields.Nested(DirectiveTotalsSchema, required=True)


class DueCountsSchema(BucketsSchema):
    """The tasks due in a month, by bucket as of `as_of`."""

    withdrawn = fields.Integer(required=True)


class MonthSchema(OutSchema):
    """One month of the trend."""

    month = fields.String(attribute="label", required=True, metadata={"example": "2025-05"})
    assigned = fields.Integer(required=True, metadata={"description": "Tasks created that month."})
    completed = fields.Integer(
        required=True, metadata={"description": "Completions accepted that month."}
    )
    withdrawn = fields.Integer(required=True, metadata={"description": "Withdrawn that month."})
    due = fields.Nested(DueCountsSchema, required=True)


class TrendSchema(OutSchema):
    """The monthly trend."""

    as_of = fields.Date(required=True)
    basis = fields.String(required=True)
    items = fields.List(fields.Nested(MonthSchema), required=True)
