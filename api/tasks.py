"""Task endpoints."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.tasks import (
    TaskCreateSchema,
    TaskListArgs,
    TaskPageSchema,
    TaskSchema,
    TaskUpdateSchema,
)
from tracker.clock import current_clock
from tracker.permissions import authorize_manage_tasks, authorize_view_task
from tracker.tasks import queries, service
from tracker.tasks.models import Task
from tracker.tasks.timeliness import annotate_timeliness

blp = ApiBlueprint(
    "tasks", __name__, url_prefix="/tasks", description="Tasks assigned by directives."
)
ETAG_HEADER = {
    "ETag": {
        "description": "Current version; send it back in If-Match.",
        "schema": {"type": "string"},
    }
}


def etag_of(task: Task) -> str:
    """Return the strong ETag of a task's current version."""
    return f'"{task.version}"'


def expected_version() -> int | None:
    """Return the version named by If-Match, None if absent, -1 if it names none we have."""
    if not request.if_match:
        return None
    if request.if_match.star_tag:
        return None
    for tag in request.if_match.as_set():
        if tag.isdigit() and len(tag) < 12:
            return int(tag)
    return -1


def visible_task(task_id: int) -> Task:
    """Load a task the current user may see, with its timeliness as of today."""
    task = service.get_task(task_id)
    authorize_view_task(current_user(), task, {a.id for a in task.coordinating_agencies})
    annotate_timeliness([task], current_clock().today())
    return task


@blp.route("")
class Tasks(MethodView):
    """The tasks."""

    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskPageSchema)
    @blp.errors(422)
    def get(self, args):
        """List tasks with filters; `timeliness` is computed as of `as_of` (default today)."""
        page, size = args.pop("page"), args.pop("page_size")
        if args.get("timeliness"):
            args.setdefault("as_of", current_clock().today())
        args["status"] = tuple(args.get("status") or ())
        spec = queries.TaskFilter(**args)
        items, total = queries.list_tasks(current_user(), spec, page, size)
        annotate_timeliness(items, spec.as_of or current_clock().today())
        return {"items": items, "total": total, "page": page, "page_size": size}

    @blp.arguments(TaskCreateSchema)
    @blp.response(201, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(403, 422)
    def post(self, data):
        """Create a task (office, admin)."""
        authorize_manage_tasks(current_user())
        clock = current_clock()
        task = service.create_task(service.TaskInput(**data), clock.now(), clock.today())
        annotate_timeliness([task], clock.today())
        return task, {"ETag": etag_of(task)}


@blp.route("/<id:task_id>")
class TaskById(MethodView):
    """One task."""

    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(404)
    def get(self, task_id):
        """Get a task; the ETag header carries its version."""
        task = visible_task(task_id)
        return task, {"ETag": etag_of(task)}

    @blp.arguments(TaskUpdateSchema)
    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(403, 404, 409, 412, 422)
    def patch(self, changes, task_id):
        """Change an open task (office, admin); send If-Match to avoid lost updates."""
        authorize_manage_tasks(current_user())
        task = visible_task(task_id)
        task = service.update_task(task, changes, expected_version(), current_clock().now())
        annotate_timeliness([task], current_clock().today())
        return task, {"ETag": etag_of(task)}
