"""Importing a directive's tasks from its text: propose, then create the confirmed tasks."""

from __future__ import annotations

from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.tasks import TaskSchema
from api.schemas.textimport import BulkRequestSchema, ParseRequestSchema, ProposalSchema
from api.schemas.workflow import list_of
from api.task_access import presented
from tracker.clock import current_clock
from tracker.permissions import authorize_import, authorize_manage_tasks
from tracker.tasks.bulk import create_tasks_bulk
from tracker.tasks.service import TaskInput
from tracker.textimport import parse_directive_text

blp = ApiBlueprint(
    "directive_import",
    __name__,
    url_prefix="/directives",
    description="Import tasks from a notice's text.",
)
CreatedTasksSchema = list_of(TaskSchema, "CreatedTasks")
SAMPLE = (
    "2. Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp hoàn thiện dự thảo Nghị định, "
    "trình Chính phủ trong tháng 9."
)


@blp.route("/parse")
class ParseNotice(MethodView):
    """Proposals from a pasted notice."""

    @blp.arguments(ParseRequestSchema, example={"text": SAMPLE, "issued_on": "2026-03-18"})
    @blp.response(200, ProposalSchema)
    @blp.errors(403, 413, 422)
    def post(self, data):
        """Propose tasks (lead, co-ordinators, group, deadline) from a notice (office, admin)."""
        authorize_import(current_user())
        proposals = parse_directive_text(data["text"], data["issued_on"])
        return {"tasks": proposals}


@blp.route("/<id:directive_id>/tasks/bulk")
class BulkTasks(MethodView):
    """The confirmed tasks of a directive."""

    @blp.arguments(BulkRequestSchema)
    @blp.response(201, CreatedTasksSchema)
    @blp.errors(403, 422)
    def post(self, data, directive_id):
        """Create all the tasks or none, naming each failing item (office, admin)."""
        authorize_manage_tasks(current_user())
        clock = current_clock()
        items = [_task_input(item) for item in data["tasks"]]
        tasks = create_tasks_bulk(directive_id, items, current_user(), clock.now(), clock.today())
        return {"items": presented(tasks)}


def _task_input(item: dict) -> TaskInput:
    """Turn a confirmed item into a task input (the directive comes from the URL)."""
    source, _confidence = item.pop("source"), item.pop("confidence")
    if source and not item.get("description"):
        item["description"] = source
    return TaskInput(directive_id=0, **item)
