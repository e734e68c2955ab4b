"""One unit of work per request: SQLite's write lock up front for writes, one commit at the end."""

from __future__ import annotations

from flask import Flask, Response, g, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from api.errors import (
    handle_integrity_error,
    handle_operational_error,
    handle_stale_data,
    rollback,
)
from tracker.db import reset_write_intent, set_write_intent
from tracker.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def begin_unit_of_work() -> None:
    """Mark writing requests so that SQLite starts them with BEGIN IMMEDIATE."""
    g.write_intent_token = set_write_intent(request.method in WRITE_METHODS)


def commit_unit_of_work(response: Response) -> Response:
    """Commit a successful request once; roll back a failed one."""
    if response.status_code >= 400:
        rollback()
        return response
    try:
        db.session.commit()
    except IntegrityError as exc:
        return handle_integrity_error(exc)
    except StaleDataError as exc:
        return handle_stale_data(exc)
    except OperationalError as exc:
        return handle_operational_error(exc)
    return response


def end_unit_of_work(_error: BaseException | None = None) -> None:
    """Forget the request's write intent, so that it does not leak into later work on the thread."""
    token = g.pop("write_intent_token", None)
    if token is not None:
        try:
            reset_write_intent(token)
        except ValueError:  # set in another context (not the case under WSGI): just clear it
            set_write_intent(False)


def register_unit_of_work(app: Flask) -> None:
    """Install the request hooks."""
    app.before_request(begin_unit_of_work)
    app.after_request(commit_unit_of_work)
    app.teardown_request(end_unit_of_work)
