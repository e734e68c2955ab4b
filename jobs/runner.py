"""Run a job inside the app context as one unit of work (or as a few, step by step)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from tracker.db import write_intent
from tracker.extensions import db
from tracker.logs import log_context

log = logging.getLogger(__name__)
T = TypeVar("T")


def run_job(app: Flask, job_id: str, func) -> object:
    """Enter the app context, run the job, commit once or roll back, and log the outcome.

    Every line logged during the run carries the job's id and a run id of its own.
    """
    started = time.perf_counter()
    with log_context(job_id=job_id, run_id=uuid.uuid4().hex), app.app_context(), write_intent():
        try:
            result = func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id, extra={"duration_ms": _since(started)})
            raise
        finally:
            db.session.remove()
        log.debug("job %s done: %s", job_id, result, extra={"duration_ms": _since(started)})
    return result


def _since(started: float) -> float:
    """Return the milliseconds elapsed since a perf_counter() reading."""
    return round((time.perf_counter() - started) * 1000, 1)


def commit_step(step: Callable[[], T]) -> T:
    """Run one step of a multi-step job (inside run_job) as its own transaction.

    Delivery needs this: its claim must be committed before it talks to a mail server, and
    its outcomes committed after, with no transaction (or SQLite lock) held in between.
    """
    try:
        result = step()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
