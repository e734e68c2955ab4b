"""Scheduler commands, added to the `tracker` group."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from jobs.scheduler import build_scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the job scheduler in the foreground (its own process; stop with Ctrl-C)."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)
    try:
        # Announced inside the `try`: a Ctrl-C any time after the announcement stops cleanly.
        click.echo(f"Scheduler started with jobs: {', '.join(j.id for j in scheduler.get_jobs())}")
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler.running:
            scheduler.shutdown(wait=False)
        click.echo("Scheduler stopped.")


def register_job_commands(group: AppGroup) -> None:
    """Attach the job commands to the command group."""
    if "scheduler" not in group.commands:
        group.add_command(scheduler_command)
