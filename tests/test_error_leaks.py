"""Nothing internal reaches a client: no stack trace, no SQL, no exception text, no table name."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from api.errors import handle_integrity_error
from tracker.directives import service as directives
from tracker.extensions import db
from tracker.users.models import User

SECRET_WORDS = ("Traceback", "SELECT", "INSERT", "users", "no_such_table", "boom", "psycopg")


def assert_nothing_internal(response):
    body = response.get_data(as_text=True)
    headers = "\n".join(f"{k}: {v}" for k, v in response.headers)
    for word in SECRET_WORDS:
        assert word not in body, (word, body)
        assert word not in headers, (word, headers)
    assert set(response.json) == {"status", "code", "message"}


def test_an_unexpected_exception_is_a_bare_500(client, office, monkeypatch, caplog):
    def crash(code):
        raise RuntimeError("boom: SELECT secret FROM users")

    monkeypatch.setattr("api.agencies.get_agency", crash)
    response = client.get("/api/v1/agencies/MOF", headers=office)
    assert response.status_code == 500
    assert response.json == {
        "status": 500,
        "code": "internal_error",
        "message": "Internal Server Error",
    }
    assert_nothing_internal(response)
    assert "boom" in caplog.text  # the log keeps what the client may not see


def test_a_database_error_says_nothing_of_the_sql(client, office, monkeypatch, backend):
    def broken_query(code):
        db.session.execute(text("SELECT boom FROM no_such_table JOIN users ON true"))

    monkeypatch.setattr("api.agencies.get_agency", broken_query)
    response = client.get("/api/v1/agencies/MOF", headers=office)
    # SQLite reports a missing table as an OperationalError (answered 503, retry later).
    assert response.status_code == (503 if backend == "sqlite" else 500)
    assert_nothing_internal(response)


DIRECTIVE = {"number": "1/TB-VPCP", "title": "Thông báo", "issued_on": "2026-01-15"}


def test_a_constraint_violation_is_a_plain_409(client, make, monkeypatch):
    user, raw = make.user("office")

    def duplicate(*_args):
        db.session.execute(insert(User).values(email=user.email, name="boom", role="viewer"))

    monkeypatch.setattr(directives, "create_directive", duplicate)
    response = client.post(
        "/api/v1/directives", json=DIRECTIVE, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 409
    assert response.json["message"] == "The request conflicts with existing data."
    assert_nothing_internal(response)
    assert user.email not in response.get_data(as_text=True)


def test_a_violation_found_at_commit_is_a_plain_409_too(client, make, monkeypatch):
    user, raw = make.user("office")
    create, caught = directives.create_directive, []

    def create_then_duplicate(*args):
        directive = create(*args)
        db.session.add(User(email=user.email, name="boom", role="viewer"))
        return directive

    def spy(error):
        caught.append(error)
        return handle_integrity_error(error)

    monkeypatch.setattr(directives, "create_directive", create_then_duplicate)
    monkeypatch.setattr("api.transactions.handle_integrity_error", spy)
    response = client.post(
        "/api/v1/directives", json=DIRECTIVE, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 409, response.get_data(as_text=True)
    assert caught, "the violation must surface at the request's commit"
    assert_nothing_internal(response)


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("post", "/api/v1/directives", {"data": b"{not json", "content_type": "application/json"}),
        ("post", "/api/v1/directives", {"data": b"\xff\xfe", "content_type": "application/json"}),
        ("get", "/api/v1/tasks?page=99999999999999999999", {}),
        ("get", "/api/v1/tasks/99999999999999999999", {}),
        ("get", "/api/v1/tasks?due_from=2026-13-45", {}),
    ],
)
def test_bad_input_errors_say_nothing_internal(client, office, method, url, kwargs):
    response = getattr(client, method)(url, headers=office, **kwargs)
    assert 400 <= response.status_code < 500
    body = response.get_data(as_text=True)
    for word in ("Traceback", "SELECT", "sqlalchemy", "psycopg", 'File "'):
        assert word not in body, (word, body)
