"""`tracker tokens create|list|revoke`: expiry, lists without secrets, revoking by id or prefix."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.users.models import ApiToken


@pytest.fixture
def cli(app, db_session):
    """Invoke `tracker tokens ...` inside the test's app context."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["tracker", "tokens", *args])


@pytest.fixture
def user(make):
    return make.user("office")[0]


def created(cli, *args) -> tuple[ApiToken, str]:
    result = cli("create", *args)
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    return db.session.scalars(select(ApiToken).where(ApiToken.prefix == raw[:10])).one(), raw


def test_create_uses_the_default_lifetime_or_the_one_given(cli, user, clock, settings_with):
    token, _raw = created(cli, user.email)
    assert token.expires_at == clock.now() + dt.timedelta(days=90)
    token, _raw = created(cli, user.email, "--days", "7")
    assert token.expires_at == clock.now() + dt.timedelta(days=7)
    token, _raw = created(cli, user.email, "--days", "0")
    assert token.expires_at is None
    settings_with(token_default_days=0)
    token, _raw = created(cli, user.email)
    assert token.expires_at is None
    assert cli("create", user.email, "--days", "-1").exit_code != 0


def test_list_shows_prefixes_and_states_never_secrets(cli, user, make, clock):
    kept, kept_raw = created(cli, user.email, "--name", "kept")
    short, short_raw = created(cli, user.email, "--days", "1")
    other, _ = make.user("viewer")
    clock.at += dt.timedelta(days=2)
    result = cli("list", "--user", user.email)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3  # and the factory's token
    assert lines[0].split()[:3] == [str(short.id), short.prefix, "expired"]
    assert lines[1].split()[:3] == [str(kept.id), kept.prefix, "active"]
    assert "'kept'" in lines[1] and "expires=never" not in lines[1]
    assert kept_raw not in result.output and short_raw not in result.output
    assert kept.token_hash not in result.output
    assert other.email not in result.output
    expired = cli("list", "--state", "expired").output.strip().splitlines()
    assert [line.split()[0] for line in expired] == [str(short.id)]


def test_revoke_by_id_or_prefix_once(cli, user, client, db_session):
    first, first_raw = created(cli, user.email)
    second, _ = created(cli, user.email)
    result = cli("revoke", str(first.id))
    assert result.exit_code == 0, result.output
    assert f"Token {first.id} ({first.prefix}) of {user.email} revoked." in result.output
    again = cli("revoke", first.prefix)
    assert again.exit_code == 0 and "was already revoked" in again.output
    assert cli("revoke", second.prefix).exit_code == 0
    db_session.expire_all()
    revoked = db_session.scalars(
        select(ApiToken.revoked_at).where(ApiToken.id.in_([first.id, second.id]))
    )
    assert all(revoked)
    headers = {"Authorization": f"Bearer {first_raw}"}
    assert client.get("/api/v1/agencies", headers=headers).status_code == 401
    missing = cli("revoke", "dt_nothere")
    assert missing.exit_code != 0 and "dt_nothere" in missing.output
    assert cli("revoke", "999999").exit_code != 0
