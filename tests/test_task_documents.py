"""The task list and detail build their JSON directly from rows; it must equal TaskSchema's dump."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from api.schemas.tasks import TaskSchema
from api.task_access import presented
from tests.workflow_helpers import decide, extend, report, review
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.tasks.service import get_task
from tracker.tasks.timeliness import Basis, annotate_timeliness


def schema_dump(task_id: int, as_of: dt.date | None = None, basis: Basis = Basis.EFFECTIVE):
    """TaskSchema's dump of a task loaded as an ORM object, annotated as the views annotate it."""
    db.session.expire_all()
    task = presented([get_task(task_id)])[0]
    if as_of is not None or basis is not Basis.EFFECTIVE:
        annotate_timeliness([task], as_of or dt.date(2026, 5, 4), basis)
    return TaskSchema().dump(task)


@pytest.fixture
def varied_tasks(client, make, office, clock):
    """Tasks in every state a representation distinguishes; returns their ids."""
    directive = make.directive(issued_on=dt.date(2025, 12, 1))
    agency = make.auth("agency", "MOF")
    ids = {}
    plain = make.task(directive, coordinating_agencies=["MOST", "MOJ", "HANOI"], clause=None)
    ids["plain"] = plain.id
    ids["regular"] = make.task(
        directive, deadline_kind="regular", due_date=None, confidential=True
    ).id
    ids["merged_lead"] = make.task(
        make.directive(issued_on=dt.date(2024, 6, 1)),
        lead_agency="MPI",
        description='Dòng một\nDòng hai\t\x01 "trích" \\ ư',
        deadline_text="trước ngày 30/6",
    ).id
    group = client.post(
        "/api/v1/tasks",
        json={
            "directive_id": directive.id,
            "title": "Nhiệm vụ chung các bộ",
            "group": ["MOH", "MOET", "MOIT"],
            "coordinating_agencies": ["OOG"],
            "deadline_kind": "quarter",
            "due_date": "2026-08-01",
        },
        headers=office,
    )
    assert group.status_code == 201, group.json
    ids["group"] = group.json["id"]
    children = client.get(f"/api/v1/tasks?parent_id={ids['group']}", headers=office).json
    ids["child"] = children["items"][0]["id"]
    cancel = client.post(
        f"/api/v1/tasks/{children['items'][1]['id']}/cancel",
        json={"reason": "Không còn phù hợp"},
        headers=office,
    )
    assert cancel.status_code == 200, cancel.json
    ids["on_time"] = _completed(client, make, directive, agency, office, "2026-04-20")
    ids["late"] = _completed(client, make, directive, agency, office, "2026-05-02", "2026-04-30")
    extended = make.task(directive, due_date=dt.date(2026, 5, 10))
    request = extend(client, agency, extended.id, "2026-09-30")
    assert request.status_code == 201, request.json
    assert decide(client, office, extended.id, request.json["id"]).status_code == 200
    ids["extended"] = extended.id
    progress = make.task(directive, due_date=dt.date(2026, 3, 31), priority="urgent")
    assert report(client, agency, progress.id, percent=40).status_code == 201
    ids["overdue_in_progress"] = progress.id
    return ids


def _completed(client, make, directive, agency, office, completed_on, due="2026-04-30") -> int:
    """A task of MOF completed on a day and accepted."""
    task = make.task(directive, due_date=dt.date.fromisoformat(due))
    posted = report(client, agency, task.id, kind="completion", completed_on=completed_on)
    assert posted.status_code == 201, posted.json
    assert review(client, office, task.id, posted.json["id"]).status_code == 200
    return task.id


def test_detail_equals_the_schema_dump(client, office, varied_tasks):
    for name, task_id in varied_tasks.items():
        response = client.get(f"/api/v1/tasks/{task_id}", headers=office)
        assert response.status_code == 200, name
        assert response.json == schema_dump(task_id), name
        assert response.headers["ETag"] == f'"{response.json["version"]}"'


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lead_agency": "MOF", "status": "assigned,in_progress,submitted"},
        {"status": "completed,cancelled", "sort": "-due_date"},
        {"sort": "-updated_at", "page_size": 3, "page": 2},
    ],
)
def test_list_items_equal_the_schema_dump(client, office, varied_tasks, query):
    response = client.get("/api/v1/tasks", query_string=query, headers=office)
    assert response.status_code == 200, response.json
    assert response.json["items"]
    for item in response.json["items"]:
        assert item == schema_dump(item["id"])


@pytest.mark.parametrize(
    ("as_of", "basis"),
    [("2026-05-20", "effective"), ("2026-05-20", "original"), (None, "original")],
)
def test_list_timeliness_as_of_equals_the_schema_dump(client, office, varied_tasks, as_of, basis):
    query = {"basis": basis} | ({"as_of": as_of} if as_of else {})
    response = client.get("/api/v1/tasks", query_string=query, headers=office)
    assert response.status_code == 200, response.json
    day = dt.date.fromisoformat(as_of) if as_of else None
    for item in response.json["items"]:
        assert item == schema_dump(item["id"], day, Basis(basis))


def test_the_extended_task_changes_bucket_with_the_day(client, office, varied_tasks):
    query = {"as_of": "2026-05-20", "lead_agency": "MOF", "page_size": 200}
    items = client.get("/api/v1/tasks", query_string=query, headers=office).json["items"]
    by_id = {item["id"]: item for item in items}
    # Approved on 2026-05-04 (the clock's day), to September: overdue against May 10 before it.
    assert by_id[varied_tasks["extended"]]["timeliness"] == "open_in_term"
    original = query | {"basis": "original"}
    items = client.get("/api/v1/tasks", query_string=original, headers=office).json["items"]
    assert {i["id"]: i for i in items}[varied_tasks["extended"]]["timeliness"] == "open_overdue"


def test_created_and_changed_tasks_answer_as_the_schema_dumps(client, office, make):
    directive = make.directive()
    body = {
        "directive_id": directive.id,
        "title": "Báo cáo Thủ tướng",
        "lead_agency": "MOJ",
        "coordinating_agencies": ["MOF", "MOH"],
        "deadline_kind": "month",
        "due_date": "2026-07-03",
    }
    created = client.post("/api/v1/tasks", json=body, headers=office)
    assert created.status_code == 201
    assert created.json == schema_dump(created.json["id"])
    changed = client.patch(
        f"/api/v1/tasks/{created.json['id']}",
        json={"confidential": True, "coordinating_agencies": ["MOST"]},
        headers=office | {"If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200
    assert changed.json == schema_dump(created.json["id"])


def test_every_schema_field_is_in_the_documents(client, office, make):
    task = make.task()
    document = client.get(f"/api/v1/tasks/{task.id}", headers=office).json
    assert set(document) == set(TaskSchema().fields)
    assert db.session.scalar(select(Task.id).where(Task.id == task.id)) == task.id
