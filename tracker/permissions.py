"""Who may do what: one function per action, called by the API before it acts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, true

from tracker.agencies.service import lineage_ids
from tracker.errors import NotFound, PermissionDenied
from tracker.tasks.models import Task, task_coordinators
from tracker.users.models import Role, User

STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICE})


def is_staff(user: User) -> bool:
    """Return whether the user is Government Office staff or an administrator."""
    return user.role in STAFF_ROLES


def authorize_manage_directives(user: User) -> None:
    """Creating, editing and deleting directives is for office and admin."""
    if not is_staff(user):
        raise PermissionDenied("Only Government Office staff may change directives.")


def authorize_manage_tasks(user: User) -> None:
    """Creating and editing tasks is for office and admin."""
    if not is_staff(user):
        raise PermissionDenied("Only Government Office staff may create or edit tasks.")


def authorize_view_task(user: User, task: Task, coordinator_ids: set[int]) -> None:
    """An agency user sees only tasks its agency leads or co-ordinates; others are not disclosed."""
    if user.role != Role.AGENCY:
        return
    own = lineage_ids(user.agency_id)
    if task.lead_agency_id not in own and not (own & coordinator_ids):
        raise NotFound(f"Task {task.id} not found.")


def visible_tasks(user: User) -> ColumnElement[bool]:
    """SQL condition for the tasks a user may list."""
    if user.role != Role.AGENCY:
        return true()
    own = lineage_ids(user.agency_id)
    return or_(Task.lead_agency_id.in_(own), involving_coordinator(own))


def involving_coordinator(agency_ids: set[int]) -> ColumnElement[bool]:
    """SQL: one of the agencies co-ordinates the task."""
    return exists(
        select(task_coordinators.c.task_id).where(
            task_coordinators.c.task_id == Task.id,
            task_coordinators.c.agency_id.in_(agency_ids),
        )
    )


def authorize_manage_users(user: User) -> None:
    """Managing users and tokens is for administrators."""
    if user.role != Role.ADMIN:
        raise PermissionDenied("Only administrators may manage users and tokens.")
