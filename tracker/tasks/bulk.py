"""Creating the confirmed tasks of a directive at once: all or nothing, with per-item errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from tracker.errors import InvalidInput, TrackerError
from tracker.extensions import db
from tracker.tasks.groups import create_group_task
from tracker.tasks.models import Task
from tracker.tasks.service import TaskInput, create_task, directive_for
from tracker.users.models import User

MAX_BULK = 500


def create_tasks_bulk(
    directive_id: int, items: Sequence[TaskInput], actor: User, now: dt.datetime, today: dt.date
) -> list[Task]:
    """Create every task or none; the error names each failing item and field."""
    directive_for(directive_id)
    if not 0 < len(items) <= MAX_BULK:
        raise InvalidInput(f"Send 1 to {MAX_BULK} tasks.", field="tasks")
    created, errors = [], {}
    for index, item in enumerate(items):
        item = dataclasses.replace(item, directive_id=directive_id)
        try:
            with db.session.begin_nested():
                create = create_group_task if item.group is not None else create_task
                created.append(create(item, actor, now, today))
        except TrackerError as exc:
            errors.update(_item_errors(index, exc))
    if errors:
        failing = len({key.split(".")[1] for key in errors})
        raise InvalidInput(
            f"{failing} of {len(items)} tasks are invalid; none was created.", fields=errors
        )
    return created


def _item_errors(index: int, exc: TrackerError) -> dict[str, list[str]]:
    """Return an item's errors keyed `tasks.<index>.<field>`."""
    if not exc.fields:
        return {f"tasks.{index}._item": [exc.message]}
    return {f"tasks.{index}.{field}": messages for field, messages in exc.fields.items()}
