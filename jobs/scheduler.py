"""The scheduler process: APScheduler 3 in the foreground, never inside web workers."""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from jobs.registry import JOBS
from jobs.runner import run_job

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 300
# A job due "at start" runs a few seconds after it: APScheduler swallows a Ctrl-C that lands
# while it submits a job, so the moment the process announces itself must be a quiet one.
FIRST_RUN_DELAY = dt.timedelta(seconds=5)
# One run at a time; missed runs collapse into one; a run late by up to the grace time still runs.
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}


def build_scheduler(app: Flask, jobs=JOBS) -> BlockingScheduler:
    """Return a scheduler with every job registered under its stable id."""
    settings = app.extensions["tracker.settings"]
    scheduler = BlockingScheduler(timezone=settings.zone, job_defaults=JOB_OPTIONS)
    for spec in jobs:
        start = dt.datetime.now(settings.zone) + FIRST_RUN_DELAY
        first_run = {"next_run_time": start} if spec.run_at_start else {}
        scheduler.add_job(
            run_job,
            IntervalTrigger(seconds=spec.every(settings), timezone=settings.zone),
            args=(app, spec.id, spec.func),
            id=spec.id,
            name=spec.id,
            replace_existing=True,
            # Explicit on each job (not only as scheduler defaults, which APScheduler applies
            # only at start), so the job carries them from the moment it is declared.
            **JOB_OPTIONS,
            **first_run,
        )
    return scheduler
