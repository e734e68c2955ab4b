"""Run a job inside the app context as one unit of work."""

from __future__ import annotations

import logging

from flask import Flask

from tracker.db import write_intent
from tracker.extensions import db

log = logging.getLogger(__name__)


def run_job(app: Flask, job_id: str, func) -> object:
    """Enter the app context, run the job, commit once or roll back, and log the outcome."""
    with app.app_context(), write_intent():
        try:
            result = func()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id)
            raise
        finally:
            db.session.remove()
    log.debug("job %s done: %s", job_id, result)
    return result
