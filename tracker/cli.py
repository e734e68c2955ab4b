"""The `flask --app wsgi tracker ...` command group for the domain's chores."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.agencies.data import load_agency_records
from tracker.agencies.service import load_registry
from tracker.backup import BackupError, backup, restore
from tracker.clock import current_clock
from tracker.demo.loader import (
    DEMO_OFFICE_EMAIL,
    ensure_demo_contacts,
    ensure_demo_users,
    load_demo,
)
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.reminders.subscriptions import reseal_secrets
from tracker.textimport import parse_directive_text
from tracker.users import tokens
from tracker.users.models import Role, TokenState, token_state
from tracker.users.service import create_user, get_user_by_email

tracker_group = AppGroup("tracker", help="Directive Tracker commands.")


def run_unit(action):
    """Run an action in one transaction: commit on success, roll back and report a domain error."""
    try:
        result = action()
        db.session.commit()
        return result
    except TrackerError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None


@tracker_group.command("load-agencies")
def load_agencies_command():
    """Load or update the agency registry from the packaged data (idempotent)."""
    counts = run_unit(lambda: load_registry(load_agency_records()))
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@tracker_group.command("reseal-secrets")
def reseal_secrets_command():
    """Seal the webhook secrets again under TRACKER_SECRET_KEY (after changing it)."""
    counts = run_unit(reseal_secrets)
    click.echo(f"Webhook secrets resealed: {counts['resealed']}.")
    if counts["unopened"]:
        raise click.ClickException(
            f"{counts['unopened']} webhook secret(s) cannot be opened with TRACKER_SECRET_KEY or"
            " TRACKER_SECRET_KEY_FALLBACKS; set the key that sealed them as a fallback."
        )


@tracker_group.command("demo")
def demo_command():
    """Load the registry and the demo conclusion notice with its tasks."""
    run_unit(lambda: load_registry(load_agency_records()))
    clock = current_clock()
    directive = run_unit(lambda: load_demo(clock.now(), clock.today()))
    click.echo(
        f"Loaded demo directive {directive.number}." if directive else "Demo already loaded."
    )
    created = run_unit(lambda: ensure_demo_users(clock.now()))
    click.echo(f"Demo users created: {created}.")
    contacts = run_unit(lambda: ensure_demo_contacts(clock.now()))
    click.echo(f"Demo agency contacts created: {contacts}.")


@tracker_group.command("demo-token")
def demo_token_command():
    """Create a token for the demo Government Office user; prints it as the last line."""

    days = current_app.extensions["tracker.settings"].token_default_days

    def action():
        now = current_clock().now()
        user = get_user_by_email(DEMO_OFFICE_EMAIL)
        return tokens.issue_token(user, "demo", tokens.expiry_after(days, now), None, now)[1]

    click.echo(run_unit(action))


@tracker_group.command("parse")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--issued-on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
def parse_command(source, issued_on):
    """Propose the tasks of a notice's text as JSON on standard output."""
    try:
        proposals = parse_directive_text(source.read(), issued_on.date())
    except TrackerError as exc:
        raise click.ClickException(exc.message) from None
    document = {"tasks": [proposal.to_dict() for proposal in proposals]}
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@tracker_group.group("users")
def users_group():
    """Manage users."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--agency", "agency_code", help="Agency code (for the agency role).")
@click.option("--name", default="", help="Display name.")
def create_user_command(email, role, agency_code, name):
    """Create a user."""
    user = run_unit(lambda: create_user(email, role, agency_code, name, current_clock().now()))
    click.echo(f"Created user {user.email} ({user.role}).")


@tracker_group.group("tokens")
def tokens_group():
    """Manage API tokens."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(0, 3650),
    help="Lifetime in days (0: never expires; default TRACKER_TOKEN_DEFAULT_DAYS).",
)
def create_token_command(email, name, days):
    """Create a token for a user; prints it (once) as the last line."""
    if days is None:
        days = current_app.extensions["tracker.settings"].token_default_days

    def action():
        now = current_clock().now()
        expires_at = tokens.expiry_after(days, now)
        return tokens.issue_token(get_user_by_email(email), name, expires_at, None, now)

    token, raw = run_unit(action)
    expiry = _stamp(token.expires_at) if token.expires_at else "never"
    click.echo(f"Token {token.id} ({token.prefix}) for {email}, expires {expiry}.")
    click.echo("Token (shown once, store it safely):")
    click.echo(raw)


@tokens_group.command("list")
@click.option("--user", "email", help="Only this user's tokens.")
@click.option("--state", type=click.Choice([s.value for s in TokenState]))
def list_tokens_command(email, state):
    """List tokens, newest first (never their secrets)."""
    now = current_clock().now()
    user_id = run_unit(lambda: get_user_by_email(email).id) if email else None
    spec = tokens.TokenFilter(user_id, TokenState(state) if state else None)
    items, _total = tokens.list_tokens(spec, now, 1, 10_000)
    for token in items:
        click.echo(" ".join(_token_row(token, now)))


def _token_row(token, now) -> list[str]:
    """The columns of one token in the list."""
    return [
        str(token.id),
        token.prefix,
        token_state(token, now).value,
        token.user.email,
        f"created={_stamp(token.created_at)}",
        f"expires={_stamp(token.expires_at) if token.expires_at else 'never'}",
        f"last_used={_stamp(token.last_used_at)}",
        repr(token.name),
    ]


def _stamp(moment) -> str:
    """A UTC time to the minute, or "-"."""
    return moment.strftime("%Y-%m-%dT%H:%MZ") if moment else "-"


@tokens_group.command("revoke")
@click.argument("reference")
def revoke_token_command(reference):
    """Revoke a token, named by its id or its prefix (as the lists and logs show it)."""

    def action():
        token = tokens.find_token(reference)
        already = token.revoked_at is not None
        return tokens.revoke_token(token, None, current_clock().now()), already

    token, already = run_unit(action)
    state = "was already revoked" if already else "revoked"
    click.echo(f"Token {token.id} ({token.prefix}) of {token.user.email} {state}.")


@tracker_group.command("backup")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(output):
    """Back up the database to OUTPUT while the service runs (SQLite file or pg_dump archive)."""
    try:
        summary = backup(_database_url(), output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"backup": str(output), **summary}, ensure_ascii=False))


@tracker_group.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
def restore_command(backup_file, force):
    """Restore a backup into the configured database (stop the service first)."""
    try:
        summary = restore(backup_file, _database_url(), force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"restored": str(backup_file), **summary}, ensure_ascii=False))
    click.echo("Then run `flask --app wsgi db upgrade` if this release is newer than the backup.")


def _database_url() -> str:
    """Return the configured database URL, with its password."""
    return db.engine.url.render_as_string(hide_password=False)
