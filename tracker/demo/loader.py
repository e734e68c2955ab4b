"""Load the demo directive and its tasks (idempotent: an existing directive is left alone)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from sqlalchemy import select

from tracker.deadlines import DeadlineKind
from tracker.directives.models import Directive
from tracker.directives.service import DirectiveInput, create_directive
from tracker.extensions import db
from tracker.tasks.service import TaskInput, create_task


def demo_document() -> dict:
    """Return the shipped demo notice."""
    text = resources.files("tracker.demo").joinpath("directive.json").read_text("utf-8")
    return json.loads(text)


def load_demo(now: dt.datetime, today: dt.date) -> Directive | None:
    """Create the demo directive with its tasks; returns None if it is already there."""
    document = demo_document()
    fields = dict(document["directive"])
    if db.session.scalar(select(Directive.id).where(Directive.number == fields["number"])):
        return None
    fields["issued_on"] = dt.date.fromisoformat(fields["issued_on"])
    directive = create_directive(DirectiveInput(**fields), None, now)
    for item in document["tasks"]:
        create_task(_task_input(directive.id, item), now, min(today, fields["issued_on"]))
    return directive


def _task_input(directive_id: int, item: dict) -> TaskInput:
    """Turn one demo record into a task input."""
    due = item.get("due_date")
    return TaskInput(
        directive_id=directive_id,
        clause=item.get("clause"),
        title=item["title"],
        description=item.get("description", ""),
        lead_agency=item["lead_agency"],
        coordinating_agencies=tuple(item.get("coordinating_agencies", ())),
        deadline_kind=DeadlineKind(item["deadline_kind"]),
        due_date=dt.date.fromisoformat(due) if due else None,
        deadline_text=item.get("deadline_text"),
        priority=item.get("priority", "normal"),
    )
