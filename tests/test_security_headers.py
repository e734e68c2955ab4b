"""Security headers on every kind of response; HSTS on https; CORS only for configured origins."""

from __future__ import annotations

import pytest

from tests.security_support import another_app

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ORIGIN = "https://portal.example.gov.vn"


def feed_url(client, office) -> str:
    return client.get("/api/v1/agencies/MOF/calendar", headers=office).json["url"]


@pytest.mark.parametrize(
    ("name", "request_args", "status"),
    [
        ("api", lambda o: ("GET", "/api/v1/agencies", o), 200),
        ("api write", lambda o: ("POST", "/api/v1/directives", o), 422),
        ("unauthenticated", lambda o: ("GET", "/api/v1/agencies", {}), 401),
        ("unknown route", lambda o: ("GET", "/api/v1/nothing", {}), 404),
        ("wrong method", lambda o: ("PUT", "/api/v1/agencies", o), 405),
        ("openapi", lambda o: ("GET", "/api/v1/openapi.json", {}), 200),
        ("docs page", lambda o: ("GET", "/api/v1/docs", {}), 200),
        ("docs file", lambda o: ("GET", "/api/v1/docs/static/tracker-docs.js", {}), 200),
        ("overview", lambda o: ("GET", "/", o), 200),
        ("overview login", lambda o: ("GET", "/login", {}), 200),
        ("overview style", lambda o: ("GET", "/static/overview/overview.css", {}), 200),
        ("export", lambda o: ("GET", "/api/v1/tasks?format=csv", o), 200),
    ],
)
def test_every_response_carries_the_headers(client, office, name, request_args, status):
    method, url, headers = request_args(office)
    response = client.open(
        url, method=method, headers=headers, json={} if method == "POST" else None
    )
    response.get_data()
    response.close()
    assert response.status_code == status, (name, response.status_code)
    for header, value in EVERYWHERE.items():
        assert response.headers.get(header) == value, (name, header)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Strict-Transport-Security" not in response.headers  # the base URL is http here
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_calendar_feed_and_server_errors_carry_them_too(client, office, monkeypatch):
    feed = client.get(feed_url(client, office).split("5000", 1)[1])
    feed.get_data()
    assert feed.status_code == 200 and feed.headers["X-Content-Type-Options"] == "nosniff"
    assert feed.headers["Cache-Control"] == "private, max-age=300"  # a calendar client may keep it
    monkeypatch.setattr("api.agencies.get_agency", lambda code: 1 / 0)
    crashed = client.get("/api/v1/agencies/MOF", headers=office)
    assert crashed.status_code == 500
    assert crashed.headers["X-Frame-Options"] == "DENY"
    assert crashed.headers["Cache-Control"] == "no-store"


def test_authenticated_answers_are_never_stored(client, office):
    for url in ("/api/v1/agencies", "/api/v1/agencies/MOF", "/api/v1/openapi.json", "/"):
        assert client.get(url, headers=office).headers["Cache-Control"] == "no-store", url
    assert client.get("/api/v1/agencies").headers["Cache-Control"] == "no-store"
    static = client.get("/api/v1/docs/static/tracker-docs.js")
    assert "max-age=86400" in static.headers["Cache-Control"]  # public files stay cacheable
    static.close()


def test_hsts_when_the_service_is_on_https(database_url, db_session):
    with another_app(database_url, BASE_URL="https://tracker.example.gov.vn") as secure:
        client = secure.test_client()
        for url in ("/api/v1/agencies", "/api/v1/docs", "/login"):
            response = client.get(url)
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000", url


def test_no_cors_headers_unless_origins_are_configured(client, office):
    response = client.get("/api/v1/agencies", headers=office | {"Origin": ORIGIN})
    assert response.status_code == 200
    assert not [h for h, _ in response.headers if h.startswith("Access-Control-")]
    preflight = client.options(
        "/api/v1/agencies",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_for_configured_origins_only(database_url, db_session, make):
    _user, raw = make.user("viewer")
    origins = f"{ORIGIN}, http://localhost:3000"
    with another_app(database_url, CORS_ORIGINS=origins) as app:
        client = app.test_client()
        preflight = client.options(
            "/api/v1/tasks",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Authorization, Content-Type, Idempotency-Key",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
        allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
        assert {"authorization", "content-type", "idempotency-key"} <= set(allowed.split(", "))
        assert "Access-Control-Allow-Credentials" not in preflight.headers

        answer = client.get(
            "/api/v1/agencies", headers={"Origin": ORIGIN, "Authorization": f"Bearer {raw}"}
        )
        assert answer.status_code == 200
        assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert "Retry-After" in answer.headers["Access-Control-Expose-Headers"]

        for other in ("https://evil.example.org", "https://portal.example.gov.vn.evil.org"):
            refused = client.options(
                "/api/v1/tasks",
                headers={"Origin": other, "Access-Control-Request-Method": "POST"},
            )
            assert "Access-Control-Allow-Origin" not in refused.headers, other
            plain = client.get(
                "/api/v1/agencies", headers={"Origin": other, "Authorization": f"Bearer {raw}"}
            )
            assert "Access-Control-Allow-Origin" not in plain.headers, other
        page = client.get("/login", headers={"Origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in page.headers  # the API only
