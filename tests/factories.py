"""Test factories built on the domain services, so test data obeys the same rules."""

from __future__ import annotations

import datetime as dt
import itertools

from tracker.agencies.service import get_agency
from tracker.clock import current_clock
from tracker.deadlines import DeadlineKind
from tracker.directives.service import DirectiveInput, create_directive
from tracker.reminders.contacts import ContactInput, create_contact
from tracker.tasks.service import TaskInput, create_task
from tracker.users.service import create_token, create_user

_sequence = itertools.count(1)


class Factories:
    """Create committed rows with sensible defaults."""

    def __init__(self, session):
        self.session = session

    def directive(self, **overrides):
        """Create a directive."""
        n = next(_sequence)
        fields = {
            "number": f"{n}/TB-VPCP",
            "title": f"Thông báo kết luận số {n}",
            "kind": "conclusion_notice",
            "issued_on": dt.date(2026, 1, 15),
            "issuer": "Văn phòng Chính phủ",
        } | overrides
        directive = create_directive(DirectiveInput(**fields), None, current_clock().now())
        self.session.commit()
        return directive

    def task(self, directive=None, **overrides):
        """Create a task (on a new directive unless one is given)."""
        directive = directive or self.directive()
        clock = current_clock()
        created_on = overrides.pop("created_on", clock.today())
        fields = {
            "directive_id": directive.id,
            "title": "Xây dựng cơ sở dữ liệu quốc gia về định danh",
            "lead_agency": "MOF",
            "deadline_kind": DeadlineKind.DATE,
            "due_date": dt.date(2026, 6, 30),
        } | overrides
        task = create_task(TaskInput(**fields), None, clock.now(), created_on)
        self.session.commit()
        return task

    def user(self, role: str, agency: str | None = None):
        """Create a user and return it with a fresh raw token."""
        email = f"{role}{next(_sequence)}@example.gov.vn"
        now = current_clock().now()
        user = create_user(email, role, agency, role.title(), now)
        _token, raw = create_token(user, "test", now)
        self.session.commit()
        return user, raw

    def auth(self, role: str, agency: str | None = None) -> dict:
        """Return request headers that authenticate a new user of a role."""
        _user, raw = self.user(role, agency)
        return {"Authorization": f"Bearer {raw}"}

    def contact(self, agency: str, email: str, role: str = "focal_point", **fields):
        """Create an agency contact who receives reminders."""
        data = ContactInput(email=email, role=role, **fields)
        contact = create_contact(get_agency(agency), data, None, current_clock().now())
        self.session.commit()
        return contact
