"""Scheduler commands, added to the `tracker` group."""

from __future__ import annotations

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from jobs.scheduler import build_scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the job scheduler in the foreground (its own process; stop with Ctrl-C)."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    jobs = ", ".join(j.id for j in scheduler.get_jobs())
    # Announce from inside start(), once the scheduler really runs: a Ctrl-C that follows the
    # announcement then always lands in the `try` below and stops the process cleanly.
    scheduler.add_listener(
        lambda _event: click.echo(f"Scheduler started with jobs: {jobs}"), EVENT_SCHEDULER_STARTED
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler.running:
            scheduler.shutdown(wait=False)
        click.echo("Scheduler stopped.")


def register_job_commands(group: AppGroup) -> None:
    """Attach the job commands to the command group."""
    if "scheduler" not in group.commands:
        group.add_command(scheduler_command)
