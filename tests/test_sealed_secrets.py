"""Webhook secrets sealed at rest: stored encrypted, opened to sign, resealed after a key change."""

from __future__ import annotations

import hashlib
import hmac

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from api.app import create_app
from tests.reminder_support import deliver
from tracker.config import ConfigError, load_settings
from tracker.extensions import db
from tracker.reminders.models import Notification, Webhook
from tracker.reminders.webhooks import NO_KEY_OPENS_IT
from tracker.sealing import PREFIX, SecretBox

SECRET = "mof-shared-secret-0123456789"
OLD_KEY, NEW_KEY = "the-old-secret-key-0123456789", "the-new-secret-key-9876543210"


def register(client, make, url) -> int:
    body = {"url": url, "secret": SECRET, "events": ["task.assigned"]}
    response = client.post("/api/v1/webhooks", json=body, headers=make.auth("agency", "MOF"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def stored(db_session, hook_id: int) -> str:
    db_session.rollback()
    return db_session.scalar(text("SELECT secret FROM webhooks WHERE id = :id"), {"id": hook_id})


def test_a_box_opens_what_it_sealed_and_nothing_else():
    box = SecretBox(OLD_KEY)
    sealed = box.seal("bí mật chung 0123456789")
    assert "0123456789" not in sealed
    assert box.seal("same") != box.seal("same")  # a fresh IV each time
    assert box.open(sealed) == "bí mật chung 0123456789"
    assert SecretBox(NEW_KEY).open(sealed) is None
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    assert box.open(altered) is None
    assert box.open(PREFIX + "not-a-fernet-token") is None


def test_a_secret_stored_before_sealing_is_used_as_it_is_until_resealed():
    box = SecretBox(OLD_KEY)
    assert box.open(SECRET) == SECRET
    resealed = box.reseal(SECRET)
    assert resealed.startswith(PREFIX) and SECRET not in resealed
    assert box.open(resealed) == SECRET


def test_a_fallback_key_opens_and_resealing_moves_to_the_current_key():
    sealed = SecretBox(OLD_KEY).seal(SECRET)
    moving = SecretBox(NEW_KEY, (OLD_KEY,))
    assert moving.open(sealed) == SECRET
    resealed = moving.reseal(sealed)
    assert SecretBox(NEW_KEY).open(resealed) == SECRET
    assert SecretBox(OLD_KEY).open(resealed) is None
    assert SecretBox(NEW_KEY).reseal(sealed) is None


def test_fallback_keys_are_read_from_the_environment_and_checked():
    environ = {"TRACKER_SECRET_KEY_FALLBACKS": f"{OLD_KEY}, {NEW_KEY}"}
    assert load_settings(environ=environ).secret_key_fallbacks == (OLD_KEY, NEW_KEY)
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        load_settings(environ={"TRACKER_SECRET_KEY_FALLBACKS": "short"})


def test_the_database_holds_the_secret_sealed_and_deliveries_sign_with_it(
    app, client, make, webhook_receiver, db_session
):
    hook_id = register(client, make, webhook_receiver.url)
    sealed = stored(db_session, hook_id)
    assert SECRET not in sealed
    assert app.extensions["tracker.secret_box"].open(sealed) == SECRET
    make.task(lead_agency="MOF")
    deliver(app)
    (delivery,) = webhook_receiver.deliveries
    expected = "sha256=" + hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["X-Tracker-Signature"] == expected


def test_a_secret_no_key_opens_waits_and_is_not_sent(
    app, client, make, webhook_receiver, db_session, monkeypatch
):
    register(client, make, webhook_receiver.url)
    make.task(lead_agency="MOF")
    monkeypatch.setitem(app.extensions, "tracker.secret_box", SecretBox(NEW_KEY))
    deliver(app)
    assert webhook_receiver.deliveries == []
    db_session.rollback()
    (row,) = db_session.scalars(select(Notification))
    assert (row.state, row.last_error) == ("pending", NO_KEY_OPENS_IT)


def test_reseal_secrets_moves_every_secret_to_the_new_key(
    app, client, make, webhook_receiver, db_session, monkeypatch
):
    hook_id = register(client, make, webhook_receiver.url)
    legacy_id = register(client, make, webhook_receiver.url + "/legacy")
    db_session.execute(
        text("UPDATE webhooks SET secret = 'plain-legacy-secret-0123' WHERE id = :id"),
        {"id": legacy_id},
    )
    db_session.commit()
    current = app.extensions["tracker.secret_box"]
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.extensions, "tracker.secret_box", SecretBox(NEW_KEY))
    refused = runner.invoke(args=["tracker", "reseal-secrets"])
    assert refused.exit_code == 1 and "1 webhook secret(s) cannot be opened" in refused.output

    monkeypatch.setitem(
        app.extensions, "tracker.secret_box", SecretBox(NEW_KEY, ("test-secret-key-0123456789",))
    )
    done = runner.invoke(args=["tracker", "reseal-secrets"])
    assert done.exit_code == 0, done.output
    assert "Webhook secrets resealed: 2." in done.output
    sealed, legacy = stored(db_session, hook_id), stored(db_session, legacy_id)
    assert SecretBox(NEW_KEY).open(sealed) == SECRET
    assert current.open(sealed) is None
    assert legacy.startswith(PREFIX)
    assert SecretBox(NEW_KEY).open(legacy) == "plain-legacy-secret-0123"


def test_upgrading_seals_stored_secrets_and_downgrading_opens_them(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": OLD_KEY})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        revision = ScriptDirectory.from_config(config).get_revision("4e7a2c9b1d05")
        flask_migrate.upgrade(revision=revision.down_revision)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(AGENCY)
            conn.exec_driver_sql(PLAIN_WEBHOOK, (SECRET,))
        flask_migrate.upgrade()
        sealed = db.session.scalar(select(Webhook.sealed_secret))
        db.session.remove()
        flask_migrate.downgrade(revision=revision.down_revision)
        with db.engine.connect() as conn:
            plain = conn.exec_driver_sql("SELECT secret FROM webhooks").scalar()
        db.engine.dispose()
    assert SECRET not in sealed and SecretBox(OLD_KEY).open(sealed) == SECRET
    assert plain == SECRET


AGENCY = (
    "INSERT INTO agencies (id, code, name, short_name, name_en, kind, abbreviations, search_key)"
    " VALUES (1, 'MOF', 'Bộ Tài chính', 'BTC', 'Ministry of Finance', 'ministry', '[]', '')"
)
PLAIN_WEBHOOK = (
    "INSERT INTO webhooks (id, agency_id, url, secret, events, active, description, created_at,"
    " updated_at) VALUES (1, 1, 'https://hooks.example.org/mof', ?, '[]', 1, '',"
    " '2026-11-30 00:00:00', '2026-11-30 00:00:00')"
)
