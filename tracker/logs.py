"""Logging for the web and scheduler processes: one line per record, as text or as a JSON object.

Context (a request id and user for a request, a job id and run id for a job run) is kept in a
context variable, so every line logged while handling it carries it, whatever logger wrote it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("log_context")
# Attributes every LogRecord has; anything else passed through `extra=` is an event field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
HANDLER_NAME = "tracker"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def bind(**fields: Any) -> contextvars.Token:
    """Add fields to the logging context until `unbind` with the returned token."""
    return _context.set({**_context.get({}), **fields})


def unbind(token: contextvars.Token) -> None:
    """Restore the logging context as it was before `bind`."""
    _context.reset(token)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Carry these fields on every line logged inside the block."""
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def context_fields() -> dict[str, Any]:
    """Return the fields of the current logging context."""
    return dict(_context.get({}))


def _event_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return the context and the `extra=` fields of a record, the record's own winning."""
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
    return {**context_fields(), **extra}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, then context fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_event_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic text line, followed by the context fields (request or job ids) as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = context_fields()
        if not fields:
            return line
        head, newline, rest = line.partition("\n")
        pairs = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{head} [{pairs}]{newline}{rest}"


FORMATTERS = {"json": JsonFormatter, "text": TextFormatter}


def render_line(fmt: str, logger: str, message: str) -> str:
    """Return an INFO line as the handler would write it (for lines printed, not logged)."""
    record = logging.LogRecord(logger, logging.INFO, __file__, 0, message, (), None)
    return FORMATTERS[fmt]().format(record)


class StderrHandler(logging.StreamHandler):
    """Write to whatever `sys.stderr` is when a record is emitted (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """The stream is always the current standard error."""


def configure_logging(level: str, fmt: str, stream=None) -> None:
    """Log to standard error at `level` in `fmt` (json or text), replacing our earlier handler.

    Handlers others installed (pytest's capture, for one) are left alone.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(FORMATTERS[fmt]())
    root.addHandler(handler)
    root.setLevel(level)
