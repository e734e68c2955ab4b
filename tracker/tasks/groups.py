"""Group tasks: one parent for "all ministries", "all provinces" or a list, one child per member."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from tracker.agencies.models import Agency
from tracker.agencies.service import resolve_codes
from tracker.audit.service import record, record_task, task_snapshot
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.reminders import events
from tracker.tasks.models import Task, TaskStatus
from tracker.tasks.service import TaskInput, assign_agencies, directive_for, get_task, new_task
from tracker.users.models import User

GROUP_KINDS = {
    "all_ministries": ("ministry", "ministry_level"),
    "all_provinces": ("province",),
    # "các bộ, ngành, địa phương": ministries, government agencies and provinces.
    "all": ("ministry", "ministry_level", "government_agency", "province"),
}
# The Government Office assigns group tasks; it is not one of the assignees.
NOT_IN_ALL_MINISTRIES = frozenset({"OOG"})
MAX_GROUP_SIZE = 200


def group_members(group: str | tuple[str, ...]) -> tuple[str, list[Agency]]:
    """Return the group's label and its current member agencies."""
    if isinstance(group, str):
        if group not in GROUP_KINDS:
            raise InvalidInput(f"Unknown group {group!r}.", field="group")
        query = (
            select(Agency)
            .where(Agency.kind.in_(GROUP_KINDS[group]), Agency.successor_id.is_(None))
            .where(Agency.code.not_in(NOT_IN_ALL_MINISTRIES))
            .order_by(Agency.code)
        )
        return group, list(db.session.scalars(query))
    if not group or len(group) > MAX_GROUP_SIZE or len(set(group)) != len(group):
        raise InvalidInput(
            f"A group lists 1 to {MAX_GROUP_SIZE} distinct agency codes.", field="group"
        )
    return "custom", resolve_codes(group, "group")


def create_group_task(
    data: TaskInput, actor: User | None, now: dt.datetime, today: dt.date
) -> Task:
    """Create a group parent and one child task per member agency."""
    if data.lead_agency is not None:
        raise InvalidInput("Give either lead_agency or group.", field="group")
    directive = directive_for(data.directive_id)
    label, members = group_members(data.group)
    parent = new_task(data, directive, now, today)
    parent.group_kind = label
    parent.coordinating_agencies = resolve_codes(
        data.coordinating_agencies, "coordinating_agencies"
    )
    db.session.add(parent)
    db.session.flush()
    record_task("created", parent, {}, actor, now)
    for member in members:
        _create_child(parent, data, directive, member, actor, now, today)
    codes = [member.code for member in members]
    record("fanned_out", "task", parent.id, parent.id, actor, now, {"children": codes})
    return parent


def _create_child(parent, data, directive, member, actor, now, today) -> Task:
    """Create the child task of one member agency."""
    child = new_task(data, directive, now, today)
    child.parent_id = parent.id
    others = [code for code in data.coordinating_agencies if code != member.code]
    assign_agencies(child, directive, member.code, others)
    db.session.add(child)
    db.session.flush()
    record_task("created", child, {}, actor, now)
    events.task_assigned(child, now, today)
    return child


def children_status_counts(parent_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return, for each parent, how many children are in each status (one query)."""
    if not parent_ids:
        return {}
    rows = db.session.execute(
        select(Task.parent_id, Task.status, func.count())
        .where(Task.parent_id.in_(parent_ids))
        .group_by(Task.parent_id, Task.status)
    )
    counts: dict[int, dict[str, int]] = {pid: {} for pid in parent_ids}
    for parent_id, status, count in rows:
        counts[parent_id][status] = count
    return counts


def annotate_children(tasks: list[Task]) -> None:
    """Attach children counts to the group parents among tasks."""
    counts = children_status_counts([t.id for t in tasks if t.is_group_parent])
    for task in tasks:
        if task.is_group_parent:
            task.children_by_status = counts.get(task.id, {})


def refresh_parent(parent_id: int, actor: User | None, now: dt.datetime, today: dt.date) -> None:
    """Derive a group parent's status from its children: completed when all are done."""
    parent = get_task(parent_id, for_update=True)
    statuses = Counter(db.session.scalars(select(Task.status).where(Task.parent_id == parent_id)))
    before = task_snapshot(parent)
    live = {s: n for s, n in statuses.items() if s != TaskStatus.CANCELLED}
    if not live:
        parent.status = TaskStatus.CANCELLED if statuses else parent.status
    elif set(live) == {TaskStatus.COMPLETED}:
        _complete_parent(parent, today)
    elif set(live) == {TaskStatus.ASSIGNED}:
        parent.status = TaskStatus.ASSIGNED
    else:
        parent.status = TaskStatus.IN_PROGRESS
    if parent.status == TaskStatus.CANCELLED and parent.cancelled_on is None:
        parent.cancelled_on = today
    parent.updated_at = now
    db.session.flush()
    record_task("status_derived", parent, before, actor, now)


def _complete_parent(parent: Task, today: dt.date) -> None:
    """Mark a group parent completed on the latest child's completion date."""
    latest = db.session.scalar(
        select(func.max(Task.completed_on)).where(
            Task.parent_id == parent.id, Task.status == TaskStatus.COMPLETED
        )
    )
    parent.status = TaskStatus.COMPLETED
    parent.completed_on = latest
    parent.accepted_on = today
