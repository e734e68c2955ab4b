"""The reporting workflow end to end, through the API, as the issue tells it."""

from __future__ import annotations

import datetime as dt

MINISTRIES = 14 + 3 - 1  # 14 ministries, SBV, GI, OOG (ministry_level) minus the Government Office


def at(clock, day: str) -> None:
    """Move the clock to 09:00 on a day."""
    clock.set_today(dt.date.fromisoformat(day))


def child_of(client, headers, parent_id: int, code: str) -> dict:
    """Return the child task of one agency."""
    listing = client.get(f"/api/v1/tasks?parent_id={parent_id}&lead_agency={code}", headers=headers)
    (child,) = listing.json["items"]
    return child


def test_full_story(client, make, clock):
    office = make.auth("office")
    mof = make.auth("agency", "MOF")
    moh = make.auth("agency", "MOH")
    at(clock, "2026-03-02")
    directive = client.post(
        "/api/v1/directives",
        json={"number": "77/TB-VPCP", "title": "Kết luận phiên họp", "issued_on": "2026-03-01"},
        headers=office,
    ).json
    parent = client.post(
        "/api/v1/tasks",
        json={
            "directive_id": directive["id"],
            "title": "Rà soát thủ tục hành chính nội bộ",
            "group": "all_ministries",
            "deadline_kind": "date",
            "due_date": "2026-06-30",
        },
        headers=office,
    )
    assert parent.status_code == 201, parent.json
    assert parent.json["lead_agency"] is None and parent.json["group"] == "all_ministries"
    assert parent.json["children_count"] == MINISTRIES
    mof_task = child_of(client, office, parent.json["id"], "MOF")
    moh_task = child_of(client, office, parent.json["id"], "MOH")

    at(clock, "2026-04-01")
    for headers, task in ((mof, mof_task), (moh, moh_task)):
        progress = client.post(
            f"/api/v1/tasks/{task['id']}/reports",
            json={"kind": "progress", "summary": "Đã rà soát 60% thủ tục", "percent": 60},
            headers=headers,
        )
        assert progress.status_code == 201, progress.json
    assert (
        client.get(f"/api/v1/tasks/{mof_task['id']}", headers=mof).json["status"] == "in_progress"
    )

    at(clock, "2026-05-20")
    completion = _complete(client, mof, mof_task["id"], "2026-05-18")
    assert client.get(f"/api/v1/tasks/{mof_task['id']}", headers=mof).json["status"] == "submitted"

    at(clock, "2026-05-22")
    returned = client.post(
        f"/api/v1/tasks/{mof_task['id']}/reports/{completion['id']}/review",
        json={"decision": "return", "comment": "Bổ sung danh mục thủ tục đã cắt giảm"},
        headers=office,
    )
    assert returned.status_code == 200 and returned.json["review_state"] == "returned"
    assert (
        client.get(f"/api/v1/tasks/{mof_task['id']}", headers=mof).json["status"] == "in_progress"
    )

    at(clock, "2026-06-10")
    second = _complete(client, mof, mof_task["id"], "2026-06-08")
    at(clock, "2026-06-12")
    accepted = client.post(
        f"/api/v1/tasks/{mof_task['id']}/reports/{second['id']}/review",
        json={"decision": "accept"},
        headers=office,
    )
    assert accepted.status_code == 200, accepted.json
    done = client.get(f"/api/v1/tasks/{mof_task['id']}", headers=mof).json
    assert done["status"] == "completed" and done["completed_on"] == "2026-06-08"
    assert done["timeliness"] == "done_on_time"

    at(clock, "2026-06-20")
    request = client.post(
        f"/api/v1/tasks/{moh_task['id']}/extensions",
        json={"requested_due_date": "2026-08-31", "reason": "Chờ ý kiến các bộ"},
        headers=moh,
    )
    assert request.status_code == 201, request.json
    approved = client.post(
        f"/api/v1/tasks/{moh_task['id']}/extensions/{request.json['id']}/decision",
        json={"decision": "approve"},
        headers=office,
    )
    assert approved.status_code == 200, approved.json
    at(clock, "2026-08-05")
    late_completion = _complete(client, moh, moh_task["id"], "2026-08-03")
    client.post(
        f"/api/v1/tasks/{moh_task['id']}/reports/{late_completion['id']}/review",
        json={"decision": "accept"},
        headers=office,
    )
    moh_done = client.get(f"/api/v1/tasks/{moh_task['id']}", headers=moh).json
    assert moh_done["due_date"] == "2026-08-31" and moh_done["original_due_date"] == "2026-06-30"
    assert moh_done["timeliness"] == "done_on_time"
    query = f"/api/v1/tasks?lead_agency=MOH&parent_id={parent.json['id']}&timeliness="
    assert client.get(query + "done_late&basis=original", headers=office).json["total"] == 1
    assert client.get(query + "done_on_time", headers=office).json["total"] == 1
    assert client.get(query + "done_late", headers=office).json["total"] == 0
    # Approved on 20 June: on 19 June the task was in term against 30 June; on 15 July it still
    # was, against 31 August; against the original date it was overdue by then.
    assert client.get(query + "open_in_term&as_of=2026-06-19", headers=office).json["total"] == 1
    assert client.get(query + "open_in_term&as_of=2026-07-15", headers=office).json["total"] == 1
    overdue_original = query + "open_overdue&as_of=2026-07-15&basis=original"
    assert client.get(overdue_original, headers=office).json["total"] == 1

    history = client.get(f"/api/v1/tasks/{mof_task['id']}/history", headers=office).json["items"]
    actions = [(entry["action"], entry["entity"]) for entry in history]
    assert actions[0] == ("created", "task")
    assert ("posted", "report") in actions and ("reviewed", "report") in actions
    assert all(entry["actor"] is not None for entry in history[1:])
    statuses = [
        e["changes"]["status"]
        for e in history
        if "status" in e["changes"] and e["action"] != "created"
    ]
    assert statuses == [
        ["assigned", "in_progress"],
        ["in_progress", "submitted"],
        ["submitted", "in_progress"],
        ["in_progress", "submitted"],
        ["submitted", "completed"],
    ]
    authors = {e["actor"]["email"] for e in history if e["action"] == "posted"}
    assert len(authors) == 1 and authors.pop().startswith("agency")
    moh_history = client.get(f"/api/v1/tasks/{moh_task['id']}/history", headers=office).json[
        "items"
    ]
    assert any(e["action"] == "extended" for e in moh_history)


def _complete(client, headers, task_id: int, completed_on: str) -> dict:
    """Post a completion report with evidence."""
    response = client.post(
        f"/api/v1/tasks/{task_id}/reports",
        json={
            "kind": "completion",
            "summary": "Đã hoàn thành, ban hành văn bản",
            "completed_on": completed_on,
            "evidence": [{"document_number": "123/BTC-PC", "url": "https://example.gov.vn/vb/123"}],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json
