"""Every model, imported in one place so that metadata (and Alembic) sees them all."""

from tracker.agencies.models import Agency, RegistryState
from tracker.audit.models import AuditEntry
from tracker.directives.models import Directive
from tracker.idempotency.models import IdempotencyKey
from tracker.ratelimit import RateLimitCounter
from tracker.reminders.models import (
    AgencyContact,
    Notification,
    NotificationAttempt,
    ReminderDay,
    Webhook,
)
from tracker.tasks.models import Task, TaskCount, TaskCountChange, task_coordinators
from tracker.users.models import ApiToken, User
from tracker.workflow.models import Extension, Report

__all__ = [
    "Agency",
    "AgencyContact",
    "ApiToken",
    "AuditEntry",
    "Directive",
    "Extension",
    "IdempotencyKey",
    "Notification",
    "NotificationAttempt",
    "RateLimitCounter",
    "RegistryState",
    "ReminderDay",
    "Report",
    "Task",
    "TaskCount",
    "TaskCountChange",
    "User",
    "Webhook",
    "task_coordinators",
]
