"""Statistics: the agency table (also as CSV/XLSX), a directive's progress, the monthly trend."""

from __future__ import annotations

from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.exports import export_doc, export_response, requested_format
from api.schemas.stats import (
    AgencyStatsArgs,
    AgencyStatsSchema,
    DirectiveStatsArgs,
    DirectiveStatsSchema,
    TrendArgs,
    TrendSchema,
)
from tracker.clock import current_clock
from tracker.exports.columns import agency_stats_table
from tracker.permissions import authorize_view_statistics
from tracker.stats.agencies import AgencyReport, agency_statistics
from tracker.stats.directives import directive_progress
from tracker.stats.periods import DateRange, due_range
from tracker.stats.scope import Merge, StatsFilter, check_as_of
from tracker.stats.trend import default_months, monthly_trend

blp = ApiBlueprint(
    "stats",
    __name__,
    url_prefix="/stats",
    description="Statistics the way the Government Office reports them.",
)


def stats_filter(args: dict, due: DateRange | None = None) -> StatsFilter:
    """Build the statistics filter from parsed arguments; `as_of` defaults to today."""
    today = current_clock().today()
    as_of = args.get("as_of") or today
    check_as_of(as_of, today)
    return StatsFilter(
        as_of=as_of,
        due=due,
        basis=args["basis"],
        kind=args.get("kind"),
        directive_id=args.get("directive_id"),
        issuer=args.get("issuer"),
        agency=args.get("agency"),
        merge=args.get("merge", Merge.NONE),
    )


def report_body(report: AgencyReport) -> dict:
    """Return the agency table with the filter it was computed with."""
    spec = report.spec
    return {
        "as_of": spec.as_of,
        "basis": spec.basis.value,
        "merge": spec.merge.value,
        "due_from": spec.due.start if spec.due else None,
        "due_to": spec.due.end if spec.due else None,
        "items": report.items,
        "totals": report.totals,
    }


@blp.route("/agencies")
class AgencyStats(MethodView):
    """The four buckets per lead agency."""

    @blp.arguments(AgencyStatsArgs, location="query")
    @blp.response(200, AgencyStatsSchema)
    @blp.doc(**export_doc("The table; as CSV or XLSX with a totals row when asked."))
    @blp.errors(422)
    def get(self, args):
        """Tasks done on time, done late, open in term and open overdue, per lead agency.

        Counts the tasks that existed at the end of `as_of` and were due in the period (on the
        due date that counted then); tasks without a due date and withdrawn tasks are shown
        beside the four buckets. Group tasks are counted through their per-agency children.
        """
        authorize_view_statistics(current_user())
        due = due_range(args.get("period"), args.get("due_from"), args.get("due_to"))
        report = agency_statistics(stats_filter(args, due), args["sort"])
        fmt = requested_format(args.get("format"))
        if fmt != "json":
            stem = f"thong-ke-co-quan-{report.spec.as_of}"
            return export_response(agency_stats_table(report), fmt, stem)
        return report_body(report)


@blp.route("/directives/<id:directive_id>")
class DirectiveStats(MethodView):
    """Progress of one directive."""

    @blp.arguments(DirectiveStatsArgs, location="query")
    @blp.response(200, DirectiveStatsSchema)
    @blp.errors(404, 422)
    def get(self, args, directive_id):
        """A directive's tasks per lead agency: by timeliness as of `as_of`, and by status."""
        authorize_view_statistics(current_user())
        progress = directive_progress(directive_id, stats_filter(args))
        body = report_body(progress.report)
        return body | {"directive": progress.directive, "group_tasks": progress.group_tasks}


@blp.route("/trend")
class Trend(MethodView):
    """Monthly counts."""

    @blp.arguments(TrendArgs, location="query")
    @blp.response(200, TrendSchema)
    @blp.errors(422)
    def get(self, args):
        """Per month: tasks assigned, completed and withdrawn, and those due by bucket.

        The months of `period`, or from `from_month` to `to_month`, default the twelve months
        ending with the month of `as_of`.
        """
        authorize_view_statistics(current_user())
        spec = stats_filter(args)
        span = _span(args, spec)
        return {"as_of": spec.as_of, "basis": spec.basis.value, "items": monthly_trend(spec, span)}


def _span(args: dict, spec: StatsFilter) -> DateRange:
    """Return the months a trend covers: the period, or twelve months up to `to_month`/as_of."""
    if args.get("period") is not None:
        return args["period"]
    last = args["to_month"].end if args.get("to_month") else spec.as_of
    first = args["from_month"].start if args.get("from_month") else default_months(last).start
    return DateRange(first, last)
