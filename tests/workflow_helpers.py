"""Small API helpers shared by the workflow tests."""

from __future__ import annotations

import datetime as dt

EVIDENCE = [{"document_number": "45/BC-BTC"}]


def report(client, headers, task_id: int, kind: str = "progress", **fields):
    """Post a report and return the response."""
    body = {"kind": kind, "summary": "Báo cáo tiến độ"} | fields
    if kind == "completion":
        body.setdefault("completed_on", "2026-05-01")
        body.setdefault("evidence", EVIDENCE)
    return client.post(f"/api/v1/tasks/{task_id}/reports", json=body, headers=headers)


def review(client, headers, task_id: int, report_id: int, decision: str = "accept", **fields):
    """Review a completion report and return the response."""
    body = {"decision": decision} | fields
    return client.post(
        f"/api/v1/tasks/{task_id}/reports/{report_id}/review", json=body, headers=headers
    )


def extend(client, headers, task_id: int, requested: str, reason: str = "Cần thêm thời gian"):
    """Request an extension and return the response."""
    body = {"requested_due_date": requested, "reason": reason}
    return client.post(f"/api/v1/tasks/{task_id}/extensions", json=body, headers=headers)


def decide(client, headers, task_id: int, extension_id: int, decision: str = "approve"):
    """Decide an extension request and return the response."""
    return client.post(
        f"/api/v1/tasks/{task_id}/extensions/{extension_id}/decision",
        json={"decision": decision},
        headers=headers,
    )


def status_of(client, headers, task_id: int) -> str:
    """Return a task's current status."""
    return client.get(f"/api/v1/tasks/{task_id}", headers=headers).json["status"]


def day(text: str) -> dt.date:
    """Parse an ISO date."""
    return dt.date.fromisoformat(text)
