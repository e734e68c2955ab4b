"""Workflow rules: the state machine, extensions over time, groups, withdrawal, idempotency."""

from __future__ import annotations

import pytest

from tests.workflow_helpers import day, decide, extend, report, review, status_of
from tracker.audit.models import AuditEntry
from tracker.errors import Conflict


@pytest.fixture
def mof(make):
    """Headers of a Ministry of Finance user."""
    return make.auth("agency", "MOF")


@pytest.fixture
def task(make):
    """A task led by MOF with MOH co-ordinating, due 30 June 2026."""
    return make.task(lead_agency="MOF", coordinating_agencies=["MOH"])


def test_first_progress_moves_to_in_progress_and_completion_to_submitted(client, mof, task):
    assert report(client, mof, task.id).status_code == 201
    assert status_of(client, mof, task.id) == "in_progress"
    assert report(client, mof, task.id, percent=80).status_code == 201
    assert report(client, mof, task.id, "completion").status_code == 201
    assert status_of(client, mof, task.id) == "submitted"
    listing = client.get(f"/api/v1/tasks/{task.id}/reports", headers=mof).json["items"]
    assert [r["kind"] for r in listing] == ["progress", "progress", "completion"]
    assert listing[-1]["review_state"] == "pending"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"completed_on": None}, "completed_on"),
        ({"completed_on": "2026-05-05"}, "completed_on"),  # after today (4 May)
        ({"completed_on": "2025-12-31"}, "completed_on"),  # before the directive
        ({"evidence": []}, "evidence"),
        ({"evidence": [{}]}, "evidence"),
        ({"evidence": [{"url": "javascript:alert(1)"}]}, "evidence"),
        ({"percent": 101}, "percent"),
    ],
)
def test_completion_report_checks(client, mof, task, fields, field):
    response = report(client, mof, task.id, "completion", **fields)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert status_of(client, mof, task.id) == "assigned"


def test_illegal_transitions_are_409_naming_the_state(client, office, mof, task):
    completion = report(client, mof, task.id, "completion").json
    again = report(client, mof, task.id, "completion")
    assert again.status_code == 409 and "'submitted'" in again.json["message"]
    assert review(client, office, task.id, completion["id"]).status_code == 200
    twice = review(client, office, task.id, completion["id"])
    assert twice.status_code == 409 and "accepted" in twice.json["message"]
    late_report = report(client, mof, task.id)
    assert late_report.status_code == 409 and "'completed'" in late_report.json["message"]
    extension = extend(client, mof, task.id, "2026-12-31")
    assert extension.status_code == 409 and "'completed'" in extension.json["message"]
    cancel = client.post(f"/api/v1/tasks/{task.id}/cancel", json={"reason": "x"}, headers=office)
    assert cancel.status_code == 409


def test_review_needs_a_submitted_task_and_the_latest_report(client, office, mof, task):
    first = report(client, mof, task.id, "completion").json
    returned = review(client, office, task.id, first["id"], "return")
    assert returned.status_code == 422 and "comment" in returned.json["errors"]
    returned = review(client, office, task.id, first["id"], "return", comment="Thiếu phụ lục")
    assert returned.status_code == 200
    stale = review(client, office, task.id, first["id"])
    assert stale.status_code == 409
    second = report(client, mof, task.id, "completion", completed_on="2026-05-03").json
    progress = report(client, mof, task.id)
    assert progress.status_code == 409
    assert review(client, office, task.id, second["id"]).status_code == 200
    assert (
        client.get(f"/api/v1/tasks/{task.id}", headers=office).json["completed_on"] == "2026-05-03"
    )


def test_report_on_cancelled_task_is_409(client, office, mof, task):
    cancelled = client.post(
        f"/api/v1/tasks/{task.id}/cancel", json={"reason": "Không còn phù hợp"}, headers=office
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "Không còn phù hợp"
    assert cancelled.json["timeliness"] is None
    response = report(client, mof, task.id)
    assert response.status_code == 409 and "'cancelled'" in response.json["message"]
    assert client.get(f"/api/v1/tasks/{task.id}", headers=mof).status_code == 200


def test_one_pending_extension_and_dates_must_move_later(client, office, mof, task):
    earlier = extend(client, mof, task.id, "2026-06-01")
    assert earlier.status_code == 422 and "requested_due_date" in earlier.json["errors"]
    first = extend(client, mof, task.id, "2026-09-30")
    assert first.status_code == 201
    second = extend(client, mof, task.id, "2026-10-31")
    assert second.status_code == 409
    rejected = decide(client, office, task.id, first.json["id"], "reject")
    assert rejected.status_code == 200 and rejected.json["state"] == "rejected"
    assert decide(client, office, task.id, first.json["id"]).status_code == 409
    body = client.get(f"/api/v1/tasks/{task.id}", headers=office).json
    assert body["due_date"] == "2026-06-30"


def test_regular_tasks_cannot_be_extended(client, make, mof):
    regular = make.task(lead_agency="MOF", deadline_kind="regular", due_date=None)
    response = extend(client, mof, regular.id, "2026-09-30")
    assert response.status_code == 409 and "no due date" in response.json["message"]


def test_timeliness_as_of_follows_the_extension_history(client, office, mof, task, clock):
    clock.set_today(day("2026-07-10"))
    request = extend(client, mof, task.id, "2026-08-31").json
    assert decide(client, office, task.id, request["id"]).status_code == 200
    url = "/api/v1/tasks?timeliness={}&as_of={}"
    assert client.get(url.format("open_overdue", "2026-07-05"), headers=office).json["total"] == 1
    assert client.get(url.format("open_in_term", "2026-07-15"), headers=office).json["total"] == 1
    items = client.get("/api/v1/tasks?as_of=2026-07-05", headers=office).json["items"]
    assert [t["timeliness"] for t in items] == ["open_overdue"]
    now = client.get(f"/api/v1/tasks/{task.id}", headers=office).json
    assert now["timeliness"] == "open_in_term" and now["original_due_date"] == "2026-06-30"
    patch = client.patch(
        f"/api/v1/tasks/{task.id}", json={"due_date": "2026-12-31"}, headers=office
    )
    assert patch.status_code == 409


def test_group_for_all_provinces_fans_out_and_completes(client, office, make, clock):
    directive = make.directive()
    parent = client.post(
        "/api/v1/tasks",
        json={
            "directive_id": directive.id,
            "title": "Cung cấp 25 dịch vụ công thiết yếu",
            "group": "all_provinces",
            "coordinating_agencies": ["MPS"],
            "deadline_kind": "quarter",
            "due_date": "2026-06-01",
        },
        headers=office,
    ).json
    assert parent["children_count"] == 34
    assert parent["children_by_status"] == {"assigned": 34}
    children = client.get(
        f"/api/v1/tasks?parent_id={parent['id']}&page_size=100", headers=office
    ).json["items"]
    assert {c["due_date"] for c in children} == {"2026-06-30"}
    assert all(c["coordinating_agencies"][0]["code"] == "MPS" for c in children)
    assert report(client, office, parent["id"]).status_code == 403
    hanoi = next(c for c in children if c["lead_agency"]["code"] == "HANOI")
    hanoi_user = make.auth("agency", "HANOI")
    assert report(client, hanoi_user, parent["id"]).status_code == 404
    completion = report(client, hanoi_user, hanoi["id"], "completion").json
    review(client, office, hanoi["id"], completion["id"])
    body = client.get(f"/api/v1/tasks/{parent['id']}", headers=office).json
    assert body["status"] == "in_progress"
    assert body["children_by_status"] == {"assigned": 33, "completed": 1}
    for child in children:
        if child["id"] != hanoi["id"]:
            cancel = client.post(
                f"/api/v1/tasks/{child['id']}/cancel",
                json={"reason": "Đã sáp nhập"},
                headers=office,
            )
            assert cancel.status_code == 200
    done = client.get(f"/api/v1/tasks/{parent['id']}", headers=office).json
    assert done["status"] == "completed" and done["completed_on"] == "2026-05-01"


def test_group_of_listed_agencies_and_withdrawing_the_group(client, office, make):
    directive = make.directive()
    response = client.post(
        "/api/v1/tasks",
        json={
            "directive_id": directive.id,
            "title": "Báo cáo chuyển đổi số",
            "group": ["MOF", "MOH", "HANOI"],
            "deadline_kind": "regular",
        },
        headers=office,
    )
    assert response.status_code == 201 and response.json["children_count"] == 3
    parent_id = response.json["id"]
    cancel = client.post(
        f"/api/v1/tasks/{parent_id}/cancel", json={"reason": "Trùng"}, headers=office
    )
    assert cancel.status_code == 200
    assert cancel.json["children_by_status"] == {"cancelled": 3}


@pytest.mark.parametrize(
    "body",
    [
        {"group": "all_planets"},
        {"group": []},
        {"group": ["MOF", "MOF"]},
        {"group": ["MOF", "NOPE"]},
        {"group": "all_ministries", "lead_agency": "MOF"},
        {},
    ],
)
def test_bad_groups_are_422(client, office, make, body):
    directive = make.directive()
    payload = {"directive_id": directive.id, "title": "T", "deadline_kind": "regular"} | body
    response = client.post("/api/v1/tasks", json=payload, headers=office)
    assert response.status_code == 422, response.json
    assert client.get("/api/v1/tasks", headers=office).json["total"] == 0


def test_idempotency_key_replays_the_first_result(client, mof, task):
    headers = mof | {"Idempotency-Key": "erp-report-0001"}
    first = report(client, headers, task.id)
    second = report(client, headers, task.id)
    assert first.status_code == second.status_code == 201
    assert second.json == first.json and second.headers["Idempotent-Replayed"] == "true"
    assert len(client.get(f"/api/v1/tasks/{task.id}/reports", headers=mof).json["items"]) == 1
    other_body = report(client, headers, task.id, percent=10)
    assert other_body.status_code == 409


def test_failed_request_does_not_burn_the_key(client, mof, task):
    headers = mof | {"Idempotency-Key": "retry-after-fix"}
    assert report(client, headers, task.id, percent=300).status_code == 422
    assert report(client, headers, task.id, percent=30).status_code == 201


def test_if_match_on_state_changes(client, office, mof, task):
    etag = client.get(f"/api/v1/tasks/{task.id}", headers=mof).headers["ETag"]
    assert report(client, mof | {"If-Match": etag}, task.id).status_code == 201
    stale = report(client, mof | {"If-Match": etag}, task.id)
    assert stale.status_code == 412
    fresh = client.get(f"/api/v1/tasks/{task.id}", headers=mof).headers["ETag"]
    assert fresh != etag


def test_confidential_tasks_hidden_from_viewers_but_not_involved_agencies(client, make, viewer):
    secret = make.task(lead_agency="MPS", confidential=True)
    make.task(lead_agency="MPS")
    assert client.get(f"/api/v1/tasks/{secret.id}", headers=viewer).status_code == 404
    assert client.get("/api/v1/tasks", headers=viewer).json["total"] == 1
    mps = make.auth("agency", "MPS")
    assert client.get(f"/api/v1/tasks/{secret.id}", headers=mps).status_code == 200


def test_history_is_append_only(client, office, mof, task, db_session):
    report(client, mof, task.id)
    entry = db_session.query(AuditEntry).first()
    entry.action = "forged"
    with pytest.raises(Conflict):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.query(AuditEntry).first())
    with pytest.raises(Conflict):
        db_session.flush()
    db_session.rollback()
