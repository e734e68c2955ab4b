"""Bearer-token authentication: refusals, public documentation, token bookkeeping."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import select, text

from tracker.users.models import ApiToken
from tracker.users.service import create_token

PROTECTED = "/api/v1/agencies"


def assert_unauthenticated(response):
    assert response.status_code == 401
    assert response.is_json
    assert response.json["code"] == "unauthenticated"
    assert response.json["status"] == 401
    assert response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer    "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Token dt_abc"},
        {"Authorization": "Bearer dt_unknown-token-value"},
        {"Authorization": "Bearer not-even-our-format"},
        {"Authorization": "Bearer dt_" + "x" * 500},
    ],
    ids=[
        "no-header",
        "empty",
        "scheme-only",
        "blank-token",
        "basic",
        "other-scheme",
        "unknown",
        "foreign-format",
        "huge",
    ],
)
def test_missing_or_bad_credentials_are_401(client, headers):
    assert_unauthenticated(client.get(PROTECTED, headers=headers))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/directives"),
        ("post", "/api/v1/directives"),
        ("get", "/api/v1/tasks"),
        ("post", "/api/v1/tasks"),
        ("get", "/api/v1/agencies/MOF"),
    ],
)
def test_every_resource_needs_a_token(client, method, url):
    assert_unauthenticated(getattr(client, method)(url, json={}))


def test_unauthenticated_write_writes_nothing(client, office):
    body = {"number": "1/TB-VPCP", "title": "X", "issued_on": "2026-01-01"}
    assert_unauthenticated(client.post("/api/v1/directives", json=body))
    assert client.get("/api/v1/directives", headers=office).json["total"] == 0


def test_a_valid_token_passes(client, office):
    assert client.get(PROTECTED, headers=office).status_code == 200


def test_scheme_is_case_insensitive(client, make):
    _user, raw = make.user("viewer")
    assert client.get(PROTECTED, headers={"Authorization": f"bearer {raw}"}).status_code == 200


def test_revoked_token_is_401(client, make, db_session, clock):
    user, raw = make.user("office")
    token = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    token.revoked_at = clock.now()
    db_session.commit()
    assert_unauthenticated(client.get(PROTECTED, headers={"Authorization": f"Bearer {raw}"}))


def test_expired_token_is_401(client, make, db_session, clock):
    user, _raw = make.user("office")
    _token, raw = create_token(
        user, "short-lived", clock.now(), clock.now() + dt.timedelta(hours=1)
    )
    db_session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(PROTECTED, headers=headers).status_code == 200
    clock.at += dt.timedelta(minutes=59)
    assert client.get(PROTECTED, headers=headers).status_code == 200
    clock.at += dt.timedelta(minutes=1)
    response = client.get(PROTECTED, headers=headers)
    assert_unauthenticated(response)
    assert "expired" in response.json["message"]


def test_inactive_user_is_401(client, make, db_session):
    user, raw = make.user("admin")
    user.active = False
    db_session.commit()
    assert_unauthenticated(client.get(PROTECTED, headers={"Authorization": f"Bearer {raw}"}))


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tasks" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_is_public_and_self_hosted(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(a.startswith("/api/v1/docs/static/") for a in assets), assets
    assert not re.search(r"https?://", html), "the docs page must not load anything from elsewhere"
    assert re.findall(r"<script[^>]*>", html) == [
        f'<script src="/api/v1/docs/static/{name}">'
        for name in ("swagger-ui-standalone-preset.js", "swagger-ui-bundle.js", "tracker-docs.js")
    ], "no inline script: the Content-Security-Policy refuses them"
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.get_data()) > 300
        served.close()


def test_docs_static_unknown_file_is_404(client):
    assert client.get("/api/v1/docs/static/nope.js").status_code == 404
    assert client.get("/api/v1/docs/static/../../wsgi.py").status_code == 404


def test_last_used_at_is_recorded_coarsely(client, make, db_session, clock):
    user, raw = make.user("viewer")
    headers = {"Authorization": f"Bearer {raw}"}

    def last_used():
        db_session.expire_all()
        return db_session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user.id))

    assert last_used() is None
    first = clock.now()
    assert client.get(PROTECTED, headers=headers).status_code == 200
    assert last_used() == first
    clock.at += dt.timedelta(minutes=2)
    assert client.get(PROTECTED, headers=headers).status_code == 200
    assert last_used() == first
    clock.at += dt.timedelta(minutes=10)
    assert client.get(PROTECTED, headers=headers).status_code == 200
    assert last_used() == clock.now()


def test_last_used_at_is_recorded_by_a_write(client, make, db_session, clock):
    user, raw = make.user("office")
    body = {"number": "7/TB-VPCP", "title": "Thông báo", "issued_on": "2026-01-01"}
    response = client.post(
        "/api/v1/directives", json=body, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 201, response.json
    db_session.expire_all()
    used = db_session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == user.id))
    assert used == clock.now()


def test_only_the_hash_of_a_token_is_stored(make, db_session):
    user, raw = make.user("office")
    token = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw) // 2
    row = db_session.execute(text("SELECT * FROM api_tokens WHERE id = :id"), {"id": token.id})
    stored = " ".join(str(value) for value in row.one())
    assert raw not in stored
    assert raw[len(token.prefix) :] not in stored
