"""Reports on a task and their review."""

from __future__ import annotations

from flask.views import MethodView

from api import examples as ex
from api.blueprint import ApiBlueprint, current_user
from api.schemas.workflow import ReportCreateSchema, ReportListSchema, ReportSchema, ReviewSchema
from api.task_access import IF_MATCH, coordinator_ids, etag_of, expected_version, visible_task
from tracker.clock import current_clock
from tracker.permissions import authorize_report, authorize_review
from tracker.workflow import reports

blp = ApiBlueprint(
    "reports",
    __name__,
    url_prefix="/tasks",
    description="Progress, completion and contribution reports.",
)


@blp.route("/<id:task_id>/reports")
class TaskReports(MethodView):
    """A task's reports."""

    @blp.response(200, ReportListSchema)
    @blp.errors(404)
    def get(self, task_id):
        """List a task's reports, oldest first."""
        visible_task(task_id)
        return {"items": reports.list_reports(task_id)}

    @blp.arguments(
        ReportCreateSchema,
        examples={"progress": {"value": ex.PROGRESS}, "completion": {"value": ex.COMPLETION}},
    )
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(201, ReportSchema)
    @blp.errors(403, 404, 409, 412, 422)
    def post(self, data, task_id):
        """Report progress or completion (lead agency) or a contribution (co-ordinating agency)."""
        task = visible_task(task_id, for_update=True)
        authorize_report(current_user(), task, data["kind"], coordinator_ids(task))
        clock = current_clock()
        data["evidence"] = tuple(data["evidence"])
        report = reports.post_report(
            task,
            reports.ReportInput(**data),
            current_user(),
            expected_version(),
            clock.now(),
            clock.today(),
        )
        return report, {"ETag": etag_of(task)}


@blp.route("/<id:task_id>/reports/<id:report_id>/review")
class ReportReview(MethodView):
    """The Government Office's review of a completion report."""

    @blp.arguments(ReviewSchema, example=ex.REVIEW)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, ReportSchema)
    @blp.errors(403, 404, 409, 412, 422)
    def post(self, data, task_id, report_id):
        """Accept (task completed) or return with a comment (task back in progress)."""
        authorize_review(current_user())
        task = visible_task(task_id, for_update=True)
        clock = current_clock()
        report = reports.review_report(
            task,
            report_id,
            data["decision"],
            data["comment"],
            current_user(),
            expected_version(),
            clock.now(),
            clock.today(),
        )
        return report, {"ETag": etag_of(task)}
