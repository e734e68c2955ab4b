"""Extension requests on a task and their decision."""

from __future__ import annotations

from flask.views import MethodView

from api import examples as ex
from api.blueprint import ApiBlueprint, current_user
from api.schemas.workflow import (
    ExtensionCreateSchema,
    ExtensionDecisionSchema,
    ExtensionListSchema,
    ExtensionSchema,
)
from api.task_access import IF_MATCH, coordinator_ids, etag_of, expected_version, visible_task
from tracker.clock import current_clock
from tracker.permissions import authorize_decide_extension, authorize_request_extension
from tracker.workflow import extensions

blp = ApiBlueprint(
    "extensions", __name__, url_prefix="/tasks", description="Extensions of due dates."
)


@blp.route("/<id:task_id>/extensions")
class TaskExtensions(MethodView):
    """A task's extension requests."""

    @blp.response(200, ExtensionListSchema)
    @blp.errors(404)
    def get(self, task_id):
        """List a task's extension requests, oldest first."""
        visible_task(task_id)
        return {"items": extensions.list_extensions(task_id)}

    @blp.arguments(ExtensionCreateSchema, example=ex.EXTENSION)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(201, ExtensionSchema)
    @blp.errors(403, 404, 409, 412, 422)
    def post(self, data, task_id):
        """Request a later due date with a reason (lead agency); one pending request at a time."""
        task = visible_task(task_id, for_update=True)
        authorize_request_extension(current_user(), task, coordinator_ids(task))
        extension = extensions.request_extension(
            task,
            data["requested_due_date"],
            data["reason"],
            current_user(),
            expected_version(),
            current_clock().now(),
        )
        return extension, {"ETag": etag_of(task)}


@blp.route("/<id:task_id>/extensions/<id:extension_id>/decision")
class ExtensionDecision(MethodView):
    """The Government Office's decision on an extension request."""

    @blp.arguments(ExtensionDecisionSchema, example=ex.DECISION)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, ExtensionSchema)
    @blp.errors(403, 404, 409, 412, 422)
    def post(self, data, task_id, extension_id):
        """Approve (the due date moves, the original is kept) or reject (office, admin)."""
        authorize_decide_extension(current_user())
        task = visible_task(task_id, for_update=True)
        clock = current_clock()
        extension = extensions.decide_extension(
            task,
            extension_id,
            data["decision"] == "approve",
            data["comment"],
            current_user(),
            expected_version(),
            clock.now(),
            clock.today(),
        )
        return extension, {"ETag": etag_of(task)}
