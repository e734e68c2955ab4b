"""The `flask tracker ...` commands, run in-process with Flask's CLI runner."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.agencies.data import load_agency_records
from tracker.agencies.models import Agency
from tracker.agencies.service import load_registry
from tracker.directives.models import Directive
from tracker.tasks.models import Task
from tracker.users.models import ApiToken, User

DEMO_NUMBER = "95/TB-VPCP"


@pytest.fixture
def cli(app, db_session):
    """Invoke `tracker ...` commands inside the test's app context."""
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["tracker", *args])

    return invoke


@pytest.fixture
def restored_registry(db_session):
    """Put the packaged registry back after a test that changes it."""
    yield
    db_session.rollback()
    load_registry(load_agency_records())
    db_session.commit()


def test_load_agencies_is_idempotent(cli, db_session, restored_registry):
    mof = db_session.scalar(select(Agency).where(Agency.code == "MOF"))
    mof.name_en = "Changed by hand"
    db_session.commit()
    first = cli("load-agencies")
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "created: 0, updated: 1, unchanged: 99"
    db_session.expire_all()
    assert db_session.scalar(select(Agency.name_en).where(Agency.code == "MOF")) == (
        "Ministry of Finance"
    )
    second = cli("load-agencies")
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "created: 0, updated: 0, unchanged: 100"
    assert db_session.scalar(select(func.count()).select_from(Agency)) == 100


def test_users_create_agency_user(cli, db_session):
    result = cli("users", "create", "TheoDoi@MOF.gov.vn", "--role", "agency", "--agency", "MOF")
    assert result.exit_code == 0, result.output
    assert "theodoi@mof.gov.vn" in result.output
    user = db_session.scalar(select(User).where(User.email == "theodoi@mof.gov.vn"))
    assert user.role == "agency" and user.agency.code == "MOF" and user.active


def test_users_create_office_user(cli, db_session):
    result = cli("users", "create", "cv@vpcp.gov.vn", "--role", "office", "--name", "Chuyên viên")
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.email == "cv@vpcp.gov.vn"))
    assert user.role == "office" and user.agency is None and user.name == "Chuyên viên"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["a@mof.gov.vn", "--role", "agency"], "agency"),
        (["a@vpcp.gov.vn", "--role", "office", "--agency", "MOF"], "agency"),
        (["a@mof.gov.vn", "--role", "agency", "--agency", "NOPE"], "NOPE"),
        (["not-an-email", "--role", "viewer"], "e-mail"),
        (["a@vpcp.gov.vn", "--role", "boss"], "boss"),
        (["a@vpcp.gov.vn"], "--role"),
    ],
)
def test_users_create_refusals(cli, db_session, args, words):
    result = cli("users", "create", *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "Error" in result.output and words in result.output
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_duplicate_fails(cli, db_session):
    assert cli("users", "create", "x@vpcp.gov.vn", "--role", "viewer").exit_code == 0
    again = cli("users", "create", "X@vpcp.gov.vn", "--role", "admin")
    assert again.exit_code != 0 and "already exists" in again.output
    assert db_session.scalar(select(func.count()).select_from(User)) == 1


def test_tokens_create_prints_a_working_token_last(cli, client, db_session):
    assert cli("users", "create", "cv@vpcp.gov.vn", "--role", "office").exit_code == 0
    result = cli("tokens", "create", "CV@vpcp.gov.vn", "--name", "script")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("dt_") and " " not in token
    stored = db_session.scalar(select(ApiToken))
    assert stored.name == "script" and token not in stored.token_hash
    response = client.get("/api/v1/directives", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json
    created = client.post(
        "/api/v1/directives",
        json={"number": "5/TB-VPCP", "title": "Thông báo", "issued_on": "2026-04-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.json


def test_tokens_create_for_an_unknown_user_fails(cli, db_session):
    result = cli("tokens", "create", "nobody@vpcp.gov.vn")
    assert result.exit_code != 0
    assert "nobody@vpcp.gov.vn" in result.output
    assert db_session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_demo_loads_once(cli, db_session):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert f"Loaded demo directive {DEMO_NUMBER}." in first.output
    directive = db_session.scalar(select(Directive).where(Directive.number == DEMO_NUMBER))
    count = select(func.count()).select_from(Task).where(Task.directive_id == directive.id)
    assert db_session.scalar(count) == 12
    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert "Demo already loaded." in second.output
    assert db_session.scalar(select(func.count()).select_from(Directive)) == 1
    assert db_session.scalar(count) == 12


def test_demo_data_through_the_api(cli, client, make):
    assert cli("demo").exit_code == 0
    headers = make.auth("viewer")

    def total(query):
        response = client.get(f"/api/v1/tasks?{query}", headers=headers)
        assert response.status_code == 200, response.json
        return response.json["total"]

    # The fixed clock stands at 4 May 2026.
    assert total("") == 12
    assert total("timeliness=open_overdue") >= 1
    assert total("timeliness=open_in_term") >= 1
    assert total("timeliness=regular") >= 1
    kinds = {t["deadline_kind"] for t in client.get("/api/v1/tasks", headers=headers).json["items"]}
    assert {"date", "month", "quarter", "regular"} <= kinds
    found = client.get("/api/v1/tasks?q=dinh%20danh", headers=headers).json
    assert found["total"] >= 1
    assert any("định danh" in (t["title"] + t["description"]).lower() for t in found["items"])
    scheme = client.get("/api/v1/tasks?q=25%20dich%20vu%20cong", headers=headers).json
    assert scheme["total"] >= 1
    listing = client.get("/api/v1/directives?q=chuyen%20doi%20so", headers=headers).json
    assert [d["number"] for d in listing["items"]] == [DEMO_NUMBER]


def test_tracker_group_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("load-agencies", "users", "tokens", "demo", "scheduler"):
        assert command in result.output
