"""Who may do what: one function per action, called by the API before it acts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select

from tracker.agencies.service import lineage_ids
from tracker.errors import NotFound, PermissionDenied
from tracker.tasks.models import Task, task_coordinators
from tracker.users.models import ApiToken, Role, User
from tracker.workflow.models import ReportKind

STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICE})


def is_staff(user: User) -> bool:
    """Return whether the user is Government Office staff or an administrator."""
    return user.role in STAFF_ROLES


def _require_staff(user: User, doing: str) -> None:
    """Refuse anyone but office and admin."""
    if not is_staff(user):
        raise PermissionDenied(f"Only Government Office staff may {doing}.")


def authorize_manage_directives(user: User) -> None:
    """Creating, editing and deleting directives is for office and admin."""
    _require_staff(user, "change directives")


def authorize_manage_tasks(user: User) -> None:
    """Creating and editing tasks is for office and admin."""
    _require_staff(user, "create or edit tasks")


def authorize_import(user: User) -> None:
    """Proposing tasks from a notice's text is for office and admin."""
    _require_staff(user, "import directives from text")


def authorize_review(user: User) -> None:
    """Accepting or returning a completion report is for office and admin."""
    _require_staff(user, "review reports")


def authorize_decide_extension(user: User) -> None:
    """Approving or rejecting an extension is for office and admin."""
    _require_staff(user, "decide on extensions")


def authorize_cancel(user: User) -> None:
    """Withdrawing a task is for office and admin."""
    _require_staff(user, "withdraw tasks")


def authorize_manage_users(user: User) -> None:
    """Managing users and tokens is for administrators."""
    if user.role != Role.ADMIN:
        raise PermissionDenied("Only administrators may manage users and tokens.")


def authorize_list_tokens(user: User, owner_id: int | None) -> int | None:
    """Administrators list anyone's tokens (None: everyone's); other users only their own."""
    if user.role == Role.ADMIN:
        return owner_id
    if owner_id not in (None, user.id):
        raise PermissionDenied("Only administrators may see another user's tokens.")
    return user.id


def authorize_view_token(user: User, token: ApiToken) -> None:
    """Administrators see every token (never its secret); other users their own."""
    if user.role != Role.ADMIN and token.user_id != user.id:
        raise PermissionDenied("Only administrators may see another user's tokens.")


def authorize_issue_token(user: User) -> None:
    """Issuing a token for a user is for administrators."""
    authorize_manage_users(user)


def authorize_revoke_token(user: User, token: ApiToken) -> None:
    """Administrators revoke any token; every user may revoke their own (say, after a leak)."""
    if user.role != Role.ADMIN and token.user_id != user.id:
        raise PermissionDenied("Only administrators may revoke another user's token.")


def authorize_view_statistics(user: User) -> None:
    """Statistics (counts only, confidential tasks included) are open to every role."""
    if user.role not in set(Role):
        raise PermissionDenied("Unknown role.")


def authorize_calendar_feed(user: User, agency_id: int) -> None:
    """An agency's calendar feed address is for office, admin and that agency's users."""
    if is_staff(user):
        return
    if user.role != Role.AGENCY or agency_id not in lineage_ids(user.agency_id):
        raise PermissionDenied("Only the agency's own users and the Government Office may.")


def authorize_view_task(user: User, task: Task, coordinator_ids: set[int]) -> None:
    """Agencies see the tasks they are involved in; viewers see all but confidential ones."""
    if user.role == Role.VIEWER and task.confidential:
        raise NotFound(f"Task {task.id} not found.")
    if user.role == Role.AGENCY and not _involved(user, task, coordinator_ids):
        raise NotFound(f"Task {task.id} not found.")


def authorize_report(user: User, task: Task, kind: str, coordinator_ids: set[int]) -> None:
    """The lead agency reports progress and completion; co-ordinating agencies contribute."""
    authorize_view_task(user, task, coordinator_ids)
    if user.role != Role.AGENCY:
        raise PermissionDenied("Reports are posted by the agencies assigned to the task.")
    own = lineage_ids(user.agency_id)
    if kind == ReportKind.CONTRIBUTION:
        if not own & coordinator_ids:
            raise PermissionDenied("Only co-ordinating agencies post contributions.")
    elif task.lead_agency_id not in own:
        raise PermissionDenied("Only the lead agency reports progress or completion.")


def authorize_request_extension(user: User, task: Task, coordinator_ids: set[int]) -> None:
    """Only the lead agency asks for more time."""
    authorize_view_task(user, task, coordinator_ids)
    if user.role != Role.AGENCY or task.lead_agency_id not in lineage_ids(user.agency_id):
        raise PermissionDenied("Only the lead agency may request an extension.")


def _involved(user: User, task: Task, coordinator_ids: set[int]) -> bool:
    """Return whether the user's agency (or one merged into it) leads or co-ordinates the task."""
    own = lineage_ids(user.agency_id)
    return task.lead_agency_id in own or bool(own & coordinator_ids)


def task_visibility(user: User) -> str:
    """Which tasks a user may list: "all", "public" (not confidential), or "involved" (agencies)."""
    if user.role == Role.VIEWER:
        return "public"
    return "involved" if user.role == Role.AGENCY else "all"


def visible_tasks(user: User, *, counting: bool = False) -> ColumnElement[bool] | None:
    """SQL condition for the tasks a user may list (None: all of them)."""
    visibility = task_visibility(user)
    if visibility == "public":
        return Task.confidential.is_(False)
    if visibility == "all":
        return None
    own = lineage_ids(user.agency_id)
    return or_(Task.lead_agency_id.in_(own), involving_coordinator(own, counting=counting))


def visible_task_conditions(user: User, *, counting: bool = False) -> list[ColumnElement[bool]]:
    """The conditions limiting a query to the tasks a user may see (none for staff)."""
    condition = visible_tasks(user, counting=counting)
    return [] if condition is None else [condition]


def involving_coordinator(agency_ids: set[int], *, counting: bool = False) -> ColumnElement[bool]:
    """SQL: one of the agencies co-ordinates the task.

    For a count, `id IN (...)` lets SQLite read the co-ordinators' index once instead of
    probing it per task; for a page in due-date order, EXISTS stops early (both plans measured).
    """
    if counting:
        coordinated = select(task_coordinators.c.task_id).where(
            task_coordinators.c.agency_id.in_(agency_ids)
        )
        return Task.id.in_(coordinated)
    return exists(
        select(task_coordinators.c.task_id).where(
            task_coordinators.c.task_id == Task.id,
            task_coordinators.c.agency_id.in_(agency_ids),
        )
    )


def _require_agency_or_staff(user: User, agency_id: int, doing: str) -> None:
    """Office and admin act for any agency; an agency's users for their own (and merged) one."""
    if is_staff(user):
        return
    if user.role == Role.AGENCY and agency_id in lineage_ids(user.agency_id):
        return
    raise PermissionDenied(f"Only the Government Office or the agency itself may {doing}.")


def authorize_read_contacts(user: User, agency_id: int) -> None:
    """An agency's contacts are seen by office, admin and the agency."""
    _require_agency_or_staff(user, agency_id, "see an agency's contacts")


def authorize_manage_contacts(user: User, agency_id: int) -> None:
    """An agency's contacts are managed by office, admin and the agency."""
    _require_agency_or_staff(user, agency_id, "manage an agency's contacts")


def authorize_list_webhooks(user: User) -> None:
    """Webhooks are listed by office and admin (all) and by agencies (their own)."""
    if not is_staff(user) and user.role != Role.AGENCY:
        raise PermissionDenied("Only the Government Office or agencies may see webhooks.")


def authorize_manage_webhooks(user: User, agency_id: int) -> None:
    """Office and admin register webhooks for any agency or the Office; agencies for their own."""
    _require_agency_or_staff(user, agency_id, "manage this agency's webhooks")


def authorize_view_notifications(user: User) -> None:
    """The reminder ledger is for office and admin."""
    _require_staff(user, "see the reminder ledger")
