"""A request id for every request (sent back and logged), and one log line per request."""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

from tracker import logs

HEADER = "X-Request-Id"
# A caller's own id is kept when it is short and plain (it ends up in logs and headers).
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
log = logging.getLogger("tracker.request")


def request_id_from(value: str | None) -> str:
    """Return the caller's id if it is sane, else a new random one."""
    if value and SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """Return this request's id, giving it one if nothing has yet (None outside a request)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = request_id_from(request.headers.get(HEADER))
    return g.request_id


def begin_request() -> None:
    """Give the request its id and put it on every line logged while handling it."""
    g.request_started = time.perf_counter()
    g.log_token = logs.bind(request_id=current_request_id())


def finish_request(response: Response) -> Response:
    """Send the id back; log the request once the response is done (streams included)."""
    response.headers[HEADER] = current_request_id()
    fields = {
        "request_id": current_request_id(),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "user_id": _user_id(),
    }
    started = g.get("request_started", time.perf_counter())
    response.call_on_close(lambda: _log_request(fields, started))
    return response


def _user_id() -> int | None:
    """Return the authenticated user's id without loading anything (the session may be closed)."""
    user = g.get("user")
    identity = inspect(user).identity if user is not None else None
    return identity[0] if identity else None


def _log_request(fields: dict, started: float) -> None:
    """Write the request's line, with how long it took until its last byte."""
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    user = fields["user_id"] or "-"
    message = f"{fields['method']} {fields['path']} {fields['status']} {duration_ms} ms user={user}"
    with logs.log_context(request_id=fields["request_id"]):
        log.info(message, extra={**fields, "duration_ms": duration_ms})


def end_request(_error: BaseException | None = None) -> None:
    """Take the request's fields off the logging context."""
    token = g.pop("log_token", None)
    if token is not None:
        # Bound in another context (a streamed response)? Then there is nothing to undo.
        with contextlib.suppress(ValueError):
            logs.unbind(token)


def register_request_log(app: Flask) -> None:
    """Install the hooks; registered first, so that even a refused request has an id."""
    app.before_request(begin_request)
    app.after_request(finish_request)
    app.teardown_request(end_request)
