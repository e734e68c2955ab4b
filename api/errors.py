"""Every error becomes one JSON shape: status, machine-readable code, message, field errors."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker import errors as domain
from tracker.extensions import db

log = logging.getLogger(__name__)

DOMAIN_STATUS = {
    domain.InvalidInput: 422,
    domain.NotFound: 404,
    domain.InvalidTransition: 409,
    domain.Conflict: 409,
    domain.StaleVersion: 412,
    domain.AuthenticationFailed: 401,
    domain.PermissionDenied: 403,
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
    503: "unavailable",
}
RETRY_AFTER_SECONDS = 5


def error_response(status: int, code: str, message: str, errors: dict | None = None, headers=None):
    """Build the one error body."""
    body = {"status": status, "code": code, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def handle_domain_error(error: domain.TrackerError):
    """Turn a domain error into its HTTP status."""
    status = next(s for cls, s in DOMAIN_STATUS.items() if isinstance(error, cls))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, error.code, error.message, error.fields, headers)


def handle_http_exception(error: HTTPException):
    """Werkzeug and webargs errors (bad JSON, validation, 404 routes, 405, 413...)."""
    status = error.code or 500
    if status >= 500:
        return handle_unexpected(error)
    data = getattr(error, "data", None) or {}
    fields = _flatten_messages(data.get("messages") or data.get("errors") or {})
    message = data.get("message") or _message_for(status, fields, error)
    code = HTTP_CODES.get(status, HTTPStatus(status).name.lower())
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return error_response(status, code, message, fields, headers)


def _message_for(status: int, fields: dict, error: HTTPException) -> str:
    """Return a human message for an HTTP error."""
    if status == 422 and fields:
        return "The request has invalid fields: " + ", ".join(sorted(fields)) + "."
    if status == 400 and fields:
        return "The request body is not valid JSON."
    return error.description or HTTPStatus(status).phrase


def _flatten_messages(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {...}}); clients want them by field."""
    flat: dict = {}
    for location, by_field in messages.items():
        if isinstance(by_field, dict):
            flat.update({str(k): v for k, v in by_field.items()})
        else:
            flat[str(location)] = by_field
    return flat


def rollback() -> None:
    """Undo the request's work; a connection the server has ended has nothing left to undo."""
    try:
        db.session.rollback()
    except DBAPIError as exc:  # e.g. PostgreSQL shutting down: the next checkout reconnects
        log.warning("rollback failed, the connection is gone: %s", exc.orig)


def handle_integrity_error(error: IntegrityError):
    """A constraint refused the write: a race with another request, usually."""
    rollback()
    log.warning("integrity error: %s", error.orig)
    return error_response(409, "conflict", "The request conflicts with existing data.")


def handle_stale_data(error: StaleDataError):
    """Another request changed the row between our read and our write."""
    rollback()
    return error_response(412, "precondition_failed", "The resource changed meanwhile; retry.")


def handle_operational_error(error: OperationalError):
    """The database is unreachable or busy: tell the client to retry."""
    rollback()
    log.error("database unavailable: %s", error.orig)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(
        503, "unavailable", "The database is unavailable; retry later.", None, headers
    )


def handle_unexpected(error: Exception):
    """Anything else is a bug: log it, say nothing of it to the client."""
    log.exception("unhandled error", exc_info=error)
    return error_response(500, "internal_error", "Internal Server Error")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers (after flask-smorest, replacing its HTTP handler)."""
    app.register_error_handler(domain.TrackerError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.register_error_handler(DBAPIError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
