"""Helpers shared by the task views: loading a visible task, versions, display annotations."""

from __future__ import annotations

from flask import current_app, request

from api.blueprint import current_user
from api.schemas.tasks import task_document
from tracker.clock import current_clock
from tracker.permissions import authorize_view_task
from tracker.tasks import rows, service
from tracker.tasks.groups import annotate_children
from tracker.tasks.models import Task
from tracker.tasks.timeliness import annotate_timeliness

ETAG_HEADER = {
    "ETag": {
        "description": "Current version; send it back in If-Match.",
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The task's ETag; the request fails with 412 if the task changed since.",
}


def etag_of(task: Task) -> str:
    """Return the strong ETag of a task's current version."""
    return f'"{task.version}"'


def expected_version() -> int | None:
    """Return the version named by If-Match, None if absent, -1 if it names none we have."""
    if not request.if_match or request.if_match.star_tag:
        return None
    for tag in request.if_match.as_set():
        if tag and tag.isdigit() and len(tag) < 12:
            return int(tag)
    return -1


def coordinator_ids(task: Task) -> set[int]:
    """Return the ids of a task's co-ordinating agencies."""
    return {agency.id for agency in task.coordinating_agencies}


def visible_task(task_id: int, *, for_update: bool = False) -> Task:
    """Load a task the current user may see (locked for a state change if asked)."""
    task = service.get_task(task_id, for_update=for_update)
    authorize_view_task(current_user(), task, coordinator_ids(task))
    return task


def presented(tasks: list[Task]) -> list[Task]:
    """Attach what a task's representation derives: timeliness today, children by status."""
    annotate_timeliness(tasks, current_clock().today())
    annotate_children(tasks)
    return tasks


def task_response(task: Task, status: int = 200):
    """Return the response of a task (as TaskSchema describes it), with its ETag header."""
    presented([task])
    document = task_document(
        task, task.lead_agency, task.coordinating_agencies, task.timeliness, task.children_by_status
    )
    return current_app.json.response(document), status, {"ETag": etag_of(task)}


def visible_task_response(task_id: int):
    """Return the response of a task the current user may see, read as rows (the fast path)."""
    shown = rows.read_task(task_id, current_clock().today())
    (row,) = shown.rows
    coordinators = shown.coordinators[row.id]
    authorize_view_task(current_user(), row, {agency.id for agency in coordinators})
    document = row_document(shown, row)
    return current_app.json.response(document), 200, {"ETag": etag_of(row)}


def task_page_response(shown: rows.TaskRows, total: int, page: int, page_size: int):
    """Return a page of tasks as TaskPageSchema describes it."""
    items = [row_document(shown, row) for row in shown.rows]
    page_document = {"items": items, "total": total, "page": page, "page_size": page_size}
    return current_app.json.response(page_document)


def row_document(shown: rows.TaskRows, row: rows.TaskRow) -> dict:
    """Return the representation of one of the rows read."""
    task_id = row.id
    lead = None if row.lead_code is None else rows.AgencyRef(0, row.lead_code, row.lead_name)
    coordinators, children = shown.coordinators[task_id], shown.children.get(task_id)
    return task_document(row, lead, coordinators, shown.timeliness[task_id], children)
