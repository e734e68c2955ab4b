"""Task endpoints: create (one lead or a group), list, read, edit, withdraw, history."""

from __future__ import annotations

from flask.views import MethodView

from api import examples as ex
from api.blueprint import ApiBlueprint, current_user
from api.exports import export_doc, export_tasks, requested_format
from api.schemas.tasks import (
    TaskCreateSchema,
    TaskListArgs,
    TaskPageSchema,
    TaskSchema,
    TaskUpdateSchema,
)
from api.schemas.workflow import CancelSchema, HistorySchema
from api.task_access import (
    ETAG_HEADER,
    IF_MATCH,
    expected_version,
    task_page_response,
    task_response,
    visible_task,
    visible_task_response,
)
from tracker.audit.service import task_history
from tracker.clock import current_clock
from tracker.permissions import authorize_cancel, authorize_manage_tasks
from tracker.tasks import queries, service
from tracker.tasks.groups import create_group_task
from tracker.workflow.withdrawal import cancel_task

blp = ApiBlueprint(
    "tasks", __name__, url_prefix="/tasks", description="Tasks assigned by directives."
)


@blp.route("")
class Tasks(MethodView):
    """The tasks."""

    @blp.arguments(TaskListArgs, location="query")
    @blp.response(200, TaskPageSchema)
    @blp.doc(**export_doc("A page of tasks; as CSV or XLSX, every matching task (no paging)."))
    @blp.errors(422)
    def get(self, args):
        """List tasks with filters; `timeliness` is computed as of `as_of` (default today)."""
        page, size = args.pop("page"), args.pop("page_size")
        fmt = requested_format(args.pop("format", None))
        if args.get("timeliness"):
            args.setdefault("as_of", current_clock().today())
        args["status"] = tuple(args.get("status") or ())
        spec = queries.TaskFilter(**args)
        if fmt != "json":
            return export_tasks(spec, fmt, current_clock().today())
        shown, total = queries.list_tasks(current_user(), spec, page, size, current_clock().today())
        return task_page_response(shown, total, page, size)

    @blp.arguments(
        TaskCreateSchema,
        examples={
            "lead agency": {"value": ex.TASK_CREATE},
            "group": {"value": ex.GROUP_TASK_CREATE},
        },
    )
    @blp.response(201, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(403, 422)
    def post(self, data):
        """Create a task for a lead agency, or a group task (a child per member); office, admin."""
        authorize_manage_tasks(current_user())
        clock = current_clock()
        spec = service.TaskInput(**data)
        create = create_group_task if spec.group is not None else service.create_task
        return task_response(create(spec, current_user(), clock.now(), clock.today()), 201)


@blp.route("/<id:task_id>")
class TaskById(MethodView):
    """One task."""

    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(404)
    def get(self, task_id):
        """Get a task; the ETag header carries its version."""
        return visible_task_response(task_id)

    @blp.arguments(TaskUpdateSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(403, 404, 409, 412, 422)
    def patch(self, changes, task_id):
        """Change an open task (office, admin); send If-Match to avoid lost updates."""
        authorize_manage_tasks(current_user())
        task = visible_task(task_id, for_update=True)
        now = current_clock().now()
        return task_response(
            service.update_task(task, changes, expected_version(), current_user(), now)
        )


@blp.route("/<id:task_id>/cancel")
class TaskCancel(MethodView):
    """Withdrawal."""

    @blp.arguments(CancelSchema, example=ex.CANCEL)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, TaskSchema, headers=ETAG_HEADER)
    @blp.errors(403, 404, 409, 412, 422)
    def post(self, data, task_id):
        """Withdraw an open task with a reason (office, admin); a group withdraws its children."""
        authorize_cancel(current_user())
        task = visible_task(task_id, for_update=True)
        clock = current_clock()
        cancel_task(
            task, data["reason"], current_user(), expected_version(), clock.now(), clock.today()
        )
        return task_response(task)


@blp.route("/<id:task_id>/history")
class TaskHistory(MethodView):
    """The audit log of a task."""

    @blp.response(200, HistorySchema)
    @blp.errors(404)
    def get(self, task_id):
        """Every change of the task, its reports and extensions: who, when, before -> after."""
        visible_task(task_id)
        return {"items": task_history(task_id)}
