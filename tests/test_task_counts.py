"""The maintained task counts (triggers on `tasks`) always equal counting the rows."""

from __future__ import annotations

import datetime as dt

import flask_migrate
from sqlalchemy import func, insert, select, text, update

from api.app import create_app
from tests.conftest import purge_audit_log
from tests.test_api_tasks import new_task
from tests.workflow_helpers import report, review
from tracker.agencies.registry import current_registry
from tracker.extensions import db
from tracker.tasks.counts import counting_suspended
from tracker.tasks.models import Task, TaskCount, TaskCountChange


def counted_rows() -> dict:
    """Tasks per (lead key, status, confidential), counted from the rows."""
    key = (func.coalesce(Task.lead_agency_id, 0), Task.status, Task.confidential)
    rows = db.session.execute(select(*key, func.count()).group_by(*key))
    return {(lead, status, bool(c)): n for lead, status, c, n in rows}


def maintained() -> dict:
    """The same from the maintained counts and their unfolded changes (zeros left out)."""
    totals: dict = {}
    for table, number in ((TaskCount, TaskCount.n), (TaskCountChange, TaskCountChange.delta)):
        rows = db.session.execute(select(table.lead_key, table.status, table.confidential, number))
        for lead, status, confidential, n in rows:
            key = (lead, status, bool(confidential))
            totals[key] = totals.get(key, 0) + n
    return {key: n for key, n in totals.items() if n}


def test_counts_follow_every_kind_of_change(client, office, make):
    directive = make.directive(issued_on=dt.date(2024, 6, 1))
    agency = make.auth("agency", "MOF")
    tasks = [make.task(directive, lead_agency=lead) for lead in ("MOF", "MPI", "MOJ")]
    group = client.post(
        "/api/v1/tasks",
        json=new_task(directive.id, lead_agency=None, group=["MOF", "MOH"]),
        headers=office,
    )
    assert group.status_code == 201, group.json
    assert report(client, agency, tasks[0].id).status_code == 201
    completion = report(client, agency, tasks[1].id, kind="completion")
    assert review(client, office, tasks[1].id, completion.json["id"]).status_code == 200
    moved = client.patch(
        f"/api/v1/tasks/{tasks[2].id}",
        json={"lead_agency": "MOH", "confidential": True},
        headers=office,
    )
    assert moved.status_code == 200, moved.json
    withdrawn = client.post(
        f"/api/v1/tasks/{group.json['id']}/cancel", json={"reason": "Thôi"}, headers=office
    )
    assert withdrawn.status_code == 200, withdrawn.json
    db.session.expire_all()
    assert maintained() == counted_rows()
    assert client.get("/api/v1/tasks", headers=office).json["total"] == 6


def test_changes_are_folded_into_the_counts(make, db_session):
    directive = make.directive()
    for _ in range(5):
        make.task(directive, lead_agency="MOF")
    for _ in range(120):  # 1200 changes: each pass moves 5 tasks out of a status and back
        for status in ("in_progress", "assigned"):
            db_session.execute(update(Task).values(status=status))
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(TaskCountChange)) < 1000
    assert db_session.scalar(select(func.count()).select_from(TaskCount)) > 0
    assert maintained() == counted_rows()
    purge_audit_log()  # append-only: emptied the way the fixtures empty it
    db_session.execute(text("DELETE FROM tasks"))
    db_session.commit()
    assert maintained() == {}


def test_upgrading_a_populated_database_counts_its_tasks(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key-0123456789"})
    with app.app_context():
        flask_migrate.upgrade(revision="5c0f3a8e21d4")
        with db.engine.begin() as conn:
            for statement in POPULATED:
                conn.exec_driver_sql(statement)
        flask_migrate.upgrade()
        assert (
            maintained() == counted_rows() == {(1, "assigned", False): 2, (0, "completed", True): 1}
        )
        db.session.remove()
        db.engine.dispose()


POPULATED = (
    "INSERT INTO agencies (id, code, name, short_name, name_en, kind, abbreviations, search_key)"
    " VALUES (1, 'MOF', 'Bộ Tài chính', 'BTC', 'Ministry of Finance', 'ministry', '[]', '')",
    "INSERT INTO directives (id, number, title, kind, issued_on, issued_year, issuer, search_key,"
    " created_at, updated_at) VALUES (1, '143/TB-VPCP', 'T', 'conclusion_notice', '2024-05-02',"
    " 2024, 'VPCP', '', '2024-05-02 00:00:00', '2024-05-02 00:00:00')",
    *(
        "INSERT INTO tasks (directive_id, title, description, lead_agency_id, deadline_kind,"
        " deadline_text, status, priority, confidential, created_on, created_at, updated_at,"
        f" version, search_key) VALUES (1, 'T', '', {lead}, 'regular', '', '{status}', 'normal',"
        f" {confidential}, '2024-05-02', '2024-05-02 00:00:00', '2024-05-02 00:00:00', 1, '')"
        for lead, status, confidential in (
            ("1", "assigned", 0),
            ("1", "assigned", 0),
            ("NULL", "completed", 1),
        )
    ),
)


def test_bulk_loads_recount_and_keep_counting(make, db_session):
    directive = make.directive()
    make.task(directive, lead_agency="MOJ")
    with db.engine.begin() as connection, counting_suspended(connection):
        connection.execute(insert(Task), [bulk_row(directive.id, status) for status in STATUSES])
    make.task(directive, lead_agency="MOJ")
    db_session.expire_all()
    assert maintained() == counted_rows()
    assert sum(maintained().values()) == 2 + len(STATUSES)


STATUSES = ("assigned", "assigned", "completed", "cancelled")


def bulk_row(directive_id: int, status: str) -> dict:
    """A task row as a bulk load writes it."""
    now = dt.datetime(2026, 5, 4, tzinfo=dt.UTC)
    return {
        "directive_id": directive_id,
        "title": "Nhiệm vụ nạp hàng loạt",
        "lead_agency_id": None if status == "cancelled" else current_registry().by_code["MOF"].id,
        "deadline_kind": "regular",
        "status": status,
        "created_on": dt.date(2026, 5, 4),
        "created_at": now,
        "updated_at": now,
    }


def test_involved_tasks_are_counted_once(client, office, make):
    old = make.directive(issued_on=dt.date(2024, 6, 1))
    involved = [
        make.task(old, lead_agency="MOF", coordinating_agencies=["MOJ"]),
        make.task(old, lead_agency="MPI", coordinating_agencies=["MOF"]),  # lead and co-ordinator
        make.task(old, lead_agency="MOJ", coordinating_agencies=["MOF", "MOH"]),
        make.task(old, lead_agency="MOH", coordinating_agencies=["MPI"]),  # merged into MOF
    ]
    make.task(old, lead_agency="MOH", coordinating_agencies=["MOJ"])
    wanted = sorted(task.id for task in involved)
    mof_user = make.auth("agency", "MOF")
    for headers, query in ((office, {"agency": "MOF"}), (mof_user, {})):
        body = client.get(
            "/api/v1/tasks", query_string=query | {"page_size": 200}, headers=headers
        ).json
        assert body["total"] == len(wanted)
        assert sorted(item["id"] for item in body["items"]) == wanted
