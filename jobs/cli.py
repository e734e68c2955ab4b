"""Scheduler and reminder commands, added to the `tracker` group."""

from __future__ import annotations

import json
import signal

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from jobs import reminders
from jobs.runner import run_job
from jobs.scheduler import build_scheduler
from tracker.logs import render_line

TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Plan as of this day (YYYY-MM-DD) at the send hour; default: the clock's today.",
)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the job scheduler in the foreground (its own process; stop with Ctrl-C)."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    _stop_on_signals()
    try:
        # Announced inside the `try`: a Ctrl-C any time after the announcement stops cleanly.
        _announce(f"Scheduler started with jobs: {', '.join(j.id for j in scheduler.get_jobs())}")
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler.running:
            scheduler.shutdown(wait=False)
        _announce("Scheduler stopped.")


def _stop_on_signals() -> None:
    """Stop cleanly on SIGTERM (supervisors, scripts) and on SIGINT (Ctrl-C)."""
    signal.signal(signal.SIGTERM, _exit_cleanly)
    # A shell starts `cmd &` with SIGINT ignored; a scheduler is stopped with Ctrl-C all the same.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _exit_cleanly(signum, frame) -> None:
    """Turn a termination signal into SystemExit, which the scheduler command handles."""
    raise SystemExit(0)


def _announce(message: str) -> None:
    """Print a status line whatever the log level (supervisors wait for it), in the log format."""
    log_format = current_app.extensions["tracker.settings"].log_format
    click.echo(render_line(log_format, __name__, message))


@click.group("reminders")
def reminders_group():
    """Plan and deliver reminders by hand or from cron (idempotent)."""


def _run(job_id: str, func, today) -> None:
    """Run a reminder job (as of a day, if given) and print its summary as JSON."""
    app = current_app._get_current_object()
    with reminders.clock_as_of(app, today.date() if today else None):
        result = run_job(app, job_id, func)
    click.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))


@reminders_group.command("plan")
@TODAY
@with_appcontext
def plan_command(today):
    """Write the ledger rows of the day (and of missed days); running it twice adds nothing."""
    _run("reminders.plan", reminders.plan, today)


@reminders_group.command("deliver")
@TODAY
@with_appcontext
def deliver_command(today):
    """Send the e-mails and webhook events that are due."""
    _run("reminders.deliver", reminders.deliver, today)


@reminders_group.command("run")
@TODAY
@with_appcontext
def run_command(today):
    """Plan, then deliver."""
    _run("reminders.run", reminders.run, today)


def register_job_commands(group: AppGroup) -> None:
    """Attach the job commands to the command group."""
    for command in (scheduler_command, reminders_group):
        if command.name not in group.commands:
            group.add_command(command)
