"""Every model, imported in one place so that metadata (and Alembic) sees them all."""

from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.tasks.models import Task, task_coordinators
from tracker.users.models import ApiToken, User

__all__ = ["Agency", "ApiToken", "Directive", "Task", "User", "task_coordinators"]
