"""Webhooks against a real HTTP receiver: signed events through the ledger, retries, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy import select

from tests.reminder_support import deliver, plan
from tests.workflow_helpers import report, review
from tracker.reminders.models import Notification, NotificationAttempt

SECRET_MOF = "mof-shared-secret-0123456789"
SECRET_OOG = "oog-shared-secret-0123456789"


def register(client, headers, url, secret, **fields):
    body = {"url": url, "secret": secret} | fields
    return client.post("/api/v1/webhooks", json=body, headers=headers)


def signature_ok(delivery, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(delivery.headers["X-Tracker-Signature"], expected)


def test_workflow_events_reach_the_agency_and_the_office_signed(
    app, client, make, clock, webhook_receiver, office, db_session
):
    mof = make.auth("agency", "MOF")
    own = register(client, mof, webhook_receiver.url + "/mof", SECRET_MOF)
    assert own.status_code == 201, own.json
    assert "secret" not in own.json and own.json["agency"] == "MOF"
    oog = register(
        client,
        office,
        webhook_receiver.url + "/oog",
        SECRET_OOG,
        agency="OOG",
        events=["task.assigned", "report.reviewed"],
    )
    assert oog.status_code == 201, oog.json
    directive = make.directive(number="12/TB-VPCP")
    body = {
        "directive_id": directive.id,
        "title": "Rà soát thủ tục thuế",
        "lead_agency": "MOF",
        "deadline_kind": "date",
        "due_date": "2026-09-30",
    }
    task = client.post("/api/v1/tasks", json=body, headers=office).json
    completion = report(client, mof, task["id"], "completion").json
    assert review(client, office, task["id"], completion["id"]).status_code == 200
    deliver(app)

    got = sorted((d.path, d.headers["X-Tracker-Event"]) for d in webhook_receiver.deliveries)
    assert got == [
        ("/events/mof", "report.reviewed"),
        ("/events/mof", "report.submitted"),
        ("/events/mof", "task.assigned"),
        ("/events/oog", "report.reviewed"),
        ("/events/oog", "task.assigned"),
    ]
    for delivery in webhook_receiver.deliveries:
        secret = SECRET_MOF if delivery.path.endswith("mof") else SECRET_OOG
        assert signature_ok(delivery, secret)
        event = delivery.json
        assert event["id"] == delivery.headers["X-Tracker-Delivery"]
        assert event["task"]["id"] == task["id"]
        assert event["task"]["directive_number"] == "12/TB-VPCP"
        assert event["task"]["title"] == "Rà soát thủ tục thuế"
        assert event["task"]["url"].endswith(f"/api/v1/tasks/{task['id']}")
    reviewed = next(
        d.json
        for d in webhook_receiver.deliveries
        if d.path.endswith("oog") and d.json["event"] == "report.reviewed"
    )
    assert reviewed["data"] == {"report_id": completion["id"], "decision": "accepted"}
    db_session.rollback()
    assert set(db_session.scalars(select(Notification.state))) == {"sent"}


def test_reminder_events_go_through_the_same_ledger(
    app, client, make, clock, webhook_receiver, db_session
):
    clock.set_today(dt.date(2026, 7, 14), hour=8)
    mof = make.auth("agency", "MOF")
    assert (
        register(
            client,
            mof,
            webhook_receiver.url,
            SECRET_MOF,
            events=["task.due_soon", "task.overdue", "task.escalated"],
        ).status_code
        == 201
    )
    overdue = make.task(lead_agency="MOF", due_date=dt.date(2026, 6, 30))
    soon = make.task(lead_agency="MOF", due_date=dt.date(2026, 7, 15))
    plan(app)
    plan(app, force=True)
    deliver(app)
    events = sorted((d.json["event"], d.json["task"]["id"]) for d in webhook_receiver.deliveries)
    assert events == [
        ("task.due_soon", soon.id),
        ("task.escalated", overdue.id),
        ("task.overdue", overdue.id),
    ]
    assert all(signature_ok(d, SECRET_MOF) for d in webhook_receiver.deliveries)


def test_a_failing_receiver_is_retried_with_backoff_and_every_attempt_recorded(
    app, client, make, clock, webhook_receiver, db_session
):
    mof = make.auth("agency", "MOF")
    register(client, mof, webhook_receiver.url, SECRET_MOF, events=["task.assigned"])
    make.task(lead_agency="MOF")
    webhook_receiver.statuses = [503, 503, 503, 500]
    deliver(app)
    db_session.rollback()
    (row,) = db_session.scalars(select(Notification))
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=60)
    deliver(app)  # not yet due: nothing happens
    assert len(webhook_receiver.deliveries) == 3  # one attempt = the request and 2 quick retries
    clock.at += dt.timedelta(seconds=61)
    deliver(app)
    clock.at += dt.timedelta(seconds=121)
    deliver(app)
    db_session.rollback()
    row = db_session.get(Notification, row.id)
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, None)
    attempts = db_session.scalars(
        select(NotificationAttempt).where(NotificationAttempt.notification_id == row.id)
    ).all()
    assert [(a.attempt, a.outcome, a.detail) for a in attempts] == [
        (1, "pending", "HTTP 503"),
        (2, "pending", "HTTP 500"),
        (3, "sent", "HTTP 200"),
    ]
    ids = {d.headers["X-Tracker-Delivery"] for d in webhook_receiver.deliveries}
    assert len(ids) == 1  # the same delivery id on every try, for the receiver to deduplicate


def test_a_4xx_answer_is_final(app, client, make, webhook_receiver, db_session):
    register(client, make.auth("agency", "MOF"), webhook_receiver.url, SECRET_MOF)
    make.task(lead_agency="MOF")
    webhook_receiver.statuses = [410]
    deliver(app)
    db_session.rollback()
    (row,) = db_session.scalars(select(Notification))
    assert (row.state, row.last_error) == ("failed", "HTTP 410")


def test_private_addresses_are_refused_unless_allowed(
    app, client, make, webhook_receiver, settings_with, db_session
):
    mof = make.auth("agency", "MOF")
    assert register(client, mof, webhook_receiver.url, SECRET_MOF).status_code == 201
    make.task(lead_agency="MOF")
    settings_with(webhook_allow_private_hosts=False)
    refused = register(client, mof, "http://10.0.0.8/hook", SECRET_MOF)
    assert refused.status_code == 422 and "private" in refused.json["message"]
    deliver(app)
    assert webhook_receiver.deliveries == []
    db_session.rollback()
    (row,) = db_session.scalars(select(Notification))
    assert row.state == "failed" and "not allowed" in row.last_error


def test_webhook_registration_rules(client, make, office, viewer, webhook_receiver):
    mof, moh = make.auth("agency", "MOF"), make.auth("agency", "MOH")
    url = webhook_receiver.url
    assert register(client, mof, url, SECRET_MOF, agency="MOH").status_code == 403
    assert register(client, viewer, url, SECRET_MOF, agency="MOF").status_code == 403
    assert register(client, office, url, SECRET_MOF).status_code == 422  # whose?
    assert register(client, mof, url, "short").status_code == 422
    assert register(client, mof, "ftp://example.org/x", SECRET_MOF).status_code == 422
    bad_event = register(client, mof, url, SECRET_MOF, events=["task.deleted"])
    assert bad_event.status_code == 422
    hook = register(client, mof, url, SECRET_MOF).json
    listing = client.get("/api/v1/webhooks", headers=moh).json
    assert listing["total"] == 0
    assert client.get("/api/v1/webhooks", headers=office).json["total"] == 1
    assert client.get(f"/api/v1/webhooks/{hook['id']}", headers=moh).status_code == 403
    patched = client.patch(f"/api/v1/webhooks/{hook['id']}", json={"active": False}, headers=mof)
    assert patched.status_code == 200 and patched.json["active"] is False
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=mof).status_code == 204
    assert client.get(f"/api/v1/webhooks/{hook['id']}", headers=office).status_code == 404
