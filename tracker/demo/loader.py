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
from tracker.users.models import User
from tracker.users.service import create_user


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
        create_task(_task_input(directive.id, item), None, now, min(today, fields["issued_on"]))
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


DEMO_USERS = (
    ("office@demo.vpcp.gov.vn", "office", None, "Chuyên viên Văn phòng Chính phủ"),
    ("admin@demo.vpcp.gov.vn", "admin", None, "Quản trị hệ thống"),
    ("vanthu@demo.bocongan.gov.vn", "agency", "MPS", "Văn thư Bộ Công an"),
    ("theodoi@demo.mof.gov.vn", "agency", "MOF", "Chuyên viên Bộ Tài chính"),
    ("xem@demo.vpcp.gov.vn", "viewer", None, "Người xem"),
)
DEMO_OFFICE_EMAIL = DEMO_USERS[0][0]


def ensure_demo_users(now: dt.datetime) -> int:
    """Create the demo users that do not exist yet; returns how many were created."""
    existing = set(db.session.scalars(select(User.email)))
    created = 0
    for email, role, agency, name in DEMO_USERS:
        if email not in existing:
            create_user(email, role, agency, name, now)
            created += 1
    return created
