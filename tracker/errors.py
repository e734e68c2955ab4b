"""The domain's exception tree; the API turns each family into one HTTP status."""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, [message])


class InvalidInput(TrackerError):
    """The request is well-formed but its values break a rule."""

    code = "invalid_input"


class NotFound(TrackerError):
    """The thing asked for does not exist (or must not be disclosed)."""

    code = "not_found"


class Conflict(TrackerError):
    """The request clashes with the current state (duplicates, dependants)."""

    code = "conflict"


class InvalidTransition(Conflict):
    """The task's current state does not allow this action."""

    code = "invalid_transition"


class StaleVersion(TrackerError):
    """The client's version of the resource is out of date."""

    code = "precondition_failed"


class AuthenticationFailed(TrackerError):
    """No valid credentials were presented; `reason` is for the log, never for the client."""

    code = "unauthenticated"

    def __init__(self, message: str, *, reason: str = "invalid"):
        super().__init__(message)
        self.reason = reason


class PermissionDenied(TrackerError):
    """The user is known but may not do this."""

    code = "forbidden"
