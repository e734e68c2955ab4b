"""API tokens over the API: issued once with an expiry, listed without secrets, revoked, audited."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.users.models import ApiToken

URL = "/api/v1/tokens"
PROTECTED = "/api/v1/agencies"


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def owner(make):
    """An agency user to issue tokens for."""
    user, raw = make.user("agency", "MOF")
    return user, raw


def issue(client, admin, email, **body):
    response = client.post(URL, json={"user": email, "name": "MOF system", **body}, headers=admin)
    assert response.status_code == 201, response.json
    return response.json


def test_an_issued_token_is_shown_once_and_works(client, admin, owner, clock, db_session):
    user, _raw = owner
    issued = issue(client, admin, user.email.upper())
    secret = issued["token"]
    assert secret.startswith("dt_") and secret.startswith(issued["prefix"])
    assert issued["user"] == user.email and issued["user_id"] == user.id
    assert issued["state"] == "active" and issued["revoked_at"] is None
    assert issued["last_used_at"] is None
    assert dt.datetime.fromisoformat(issued["expires_at"]) == clock.now() + dt.timedelta(days=90)
    assert client.get(PROTECTED, headers=bearer(secret)).status_code == 200

    listed = client.get(URL, headers=admin).json
    shown = client.get(f"{URL}/{issued['id']}", headers=admin).json
    stored = db_session.get(ApiToken, issued["id"])
    for body in (listed, shown):
        text = str(body)
        assert secret not in text and secret[len(issued["prefix"]) :] not in text
        assert stored.token_hash not in text and "token_hash" not in text
    assert "token" not in shown
    assert shown["last_used_at"] == clock.now().isoformat()


@pytest.mark.parametrize(("days", "lifetime"), [(7, dt.timedelta(days=7)), (0, None)])
def test_the_lifetime_is_chosen_per_token(client, admin, owner, clock, days, lifetime):
    issued = issue(client, admin, owner[0].email, expires_in_days=days)
    expected = None if lifetime is None else (clock.now() + lifetime).isoformat()
    assert issued["expires_at"] == expected


def test_the_default_lifetime_is_a_setting(client, admin, owner, clock, settings_with):
    settings_with(token_default_days=0)
    assert issue(client, admin, owner[0].email)["expires_at"] is None
    settings_with(token_default_days=30)
    issued = issue(client, admin, owner[0].email)
    assert issued["expires_at"] == (clock.now() + dt.timedelta(days=30)).isoformat()


def test_an_expired_token_is_refused_and_listed_as_expired(client, admin, owner, clock):
    issued = issue(client, admin, owner[0].email, expires_in_days=1)
    clock.at += dt.timedelta(days=1)
    assert client.get(PROTECTED, headers=bearer(issued["token"])).status_code == 401
    assert client.get(f"{URL}/{issued['id']}", headers=admin).json["state"] == "expired"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": "nobody@example.gov.vn", "name": "x"}, "user"),
        ({"user": "not-an-address", "name": "x"}, "user"),
        ({"name": "x"}, "user"),
        ({"user": "a@b.gov.vn"}, "name"),
        ({"user": "a@b.gov.vn", "name": ""}, "name"),
        ({"user": "a@b.gov.vn", "name": "x", "expires_in_days": -1}, "expires_in_days"),
        ({"user": "a@b.gov.vn", "name": "x", "expires_in_days": 3651}, "expires_in_days"),
        ({"user": "a@b.gov.vn", "name": "x", "token_hash": "0" * 64}, "token_hash"),
    ],
)
def test_bad_requests_name_the_field(client, admin, body, field):
    response = client.post(URL, json=body, headers=admin)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_the_list_filters_by_user_and_state_newest_first(client, admin, owner, make, clock):
    user, _raw = owner
    other, _ = make.user("viewer")
    first = issue(client, admin, user.email)
    second = issue(client, admin, user.email, expires_in_days=1)
    third = issue(client, admin, user.email)
    issue(client, admin, other.email)
    client.post(f"{URL}/{third['id']}/revoke", headers=admin)
    clock.at += dt.timedelta(days=2)

    def ids(query):
        response = client.get(f"{URL}?{query}", headers=admin)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    mine = ids(f"user={user.email}")
    assert mine[:3] == [third["id"], second["id"], first["id"]] and len(mine) == 4  # + fixture's
    assert ids(f"user={user.email}&state=revoked") == [third["id"]]
    assert ids(f"user={user.email}&state=expired") == [second["id"]]
    assert first["id"] in ids(f"user={user.email}&state=active")
    page = client.get(f"{URL}?page=2&page_size=2", headers=admin).json
    assert page["total"] >= 6 and len(page["items"]) == 2
    assert client.get(f"{URL}?state=lost", headers=admin).status_code == 422


def test_users_see_and_revoke_only_their_own_tokens(client, admin, owner, make):
    user, raw = owner
    _viewer, viewer_raw = make.user("viewer")
    listed = client.get(URL, headers=bearer(raw)).json
    assert [item["user_id"] for item in listed["items"]] == [user.id]
    own = listed["items"][0]["id"]
    assert client.get(f"{URL}?user={_viewer.email}", headers=bearer(raw)).status_code == 403
    assert client.get(f"{URL}/{own}", headers=bearer(viewer_raw)).status_code == 403
    assert client.post(f"{URL}/{own}/revoke", headers=bearer(viewer_raw)).status_code == 403
    assert (
        client.post(URL, json={"user": user.email, "name": "x"}, headers=bearer(raw)).status_code
        == 403
    )
    revoked = client.post(f"{URL}/{own}/revoke", headers=bearer(raw))
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert client.get(PROTECTED, headers=bearer(raw)).status_code == 401


def test_revoking_is_immediate_idempotent_and_audited(
    client, admin, owner, clock, db_session, caplog
):
    user, _raw = owner
    issued = issue(client, admin, user.email)
    caplog.set_level(logging.INFO, logger="tracker.users.tokens")
    first = client.post(f"{URL}/{issued['id']}/revoke", headers=admin)
    assert first.status_code == 200
    assert first.json["revoked_at"] == clock.now().isoformat()
    assert client.get(PROTECTED, headers=bearer(issued["token"])).status_code == 401

    clock.at += dt.timedelta(hours=1)
    again = client.post(f"{URL}/{issued['id']}/revoke", headers=admin)
    assert again.status_code == 200 and again.json["revoked_at"] == first.json["revoked_at"]
    assert client.post(f"{URL}/999999/revoke", headers=admin).status_code == 404

    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "token", AuditEntry.entity_id == issued["id"])
    ).all()
    assert [(e.action, e.actor.role) for e in entries] == [
        ("created", "admin"),
        ("revoked", "admin"),
    ]
    assert entries[0].changes["user"] == [None, user.email]
    assert issued["token"] not in str([e.changes for e in entries])
    revocations = [
        r.getMessage()
        for r in caplog.records
        if r.name == "tracker.users.tokens" and "revoked" in r.getMessage()
    ]
    assert len(revocations) == 1 and issued["prefix"] in revocations[0]
    assert issued["token"] not in caplog.text


def test_revoking_a_token_ends_the_overview_session(client, admin, owner, make):
    _office, raw = make.user("office")
    login = client.get("/login")
    csrf = login.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/login", data={"token": raw, "csrf": csrf}).status_code == 302
    assert client.get("/").status_code == 200
    token_id = client.get(URL, headers=bearer(raw)).json["items"][0]["id"]
    assert client.post(f"{URL}/{token_id}/revoke", headers=admin).status_code == 200
    assert client.get("/").status_code == 302  # back to the login form
