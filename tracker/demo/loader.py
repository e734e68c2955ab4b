"""Load the demo directive and its tasks (idempotent: an existing directive is left alone)."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from sqlalchemy import select

from tracker.agencies.service import get_agency
from tracker.deadlines import DeadlineKind
from tracker.directives.models import Directive
from tracker.directives.service import DirectiveInput, create_directive
from tracker.extensions import db
from tracker.reminders.contacts import ContactInput, create_contact
from tracker.reminders.models import AgencyContact
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


DEMO_CONTACTS = (
    ("MPS", "dau-moi@demo.bocongan.gov.vn", "Đầu mối theo dõi nhiệm vụ Bộ Công an", "focal_point"),
    ("MPS", "lanh-dao@demo.bocongan.gov.vn", "Lãnh đạo Văn phòng Bộ Công an", "head"),
    ("MOF", "dau-moi@demo.mof.gov.vn", "Đầu mối theo dõi nhiệm vụ Bộ Tài chính", "focal_point"),
    ("MOF", "lanh-dao@demo.mof.gov.vn", "Chánh Văn phòng Bộ Tài chính", "head"),
    ("MOST", "dau-moi@demo.most.gov.vn", "Đầu mối Bộ Khoa học và Công nghệ", "focal_point"),
    ("MOH", "dau-moi@demo.moh.gov.vn", "Đầu mối Bộ Y tế", "focal_point"),
    ("MOHA", "dau-moi@demo.moha.gov.vn", "Đầu mối Bộ Nội vụ", "focal_point"),
    ("MOJ", "dau-moi@demo.moj.gov.vn", "Đầu mối Bộ Tư pháp", "focal_point"),
    ("SBV", "dau-moi@demo.sbv.gov.vn", "Đầu mối Ngân hàng Nhà nước Việt Nam", "focal_point"),
    ("MOD", "dau-moi@demo.mod.gov.vn", "Đầu mối Bộ Quốc phòng", "focal_point"),
    ("OOG", "theo-doi@demo.vpcp.gov.vn", "Vụ Tổng hợp, Văn phòng Chính phủ", "focal_point"),
)


def ensure_demo_contacts(now: dt.datetime) -> int:
    """Create the demo agencies' contacts that do not exist yet; returns how many were created."""
    existing = set(db.session.scalars(select(AgencyContact.email)))
    created = 0
    for code, email, name, role in DEMO_CONTACTS:
        if email not in existing:
            create_contact(get_agency(code), ContactInput(email, name, role), None, now)
            created += 1
    return created
