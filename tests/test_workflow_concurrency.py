"""Real concurrent connections: racing reports, reviews and retries leave one consistent result."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.workflow_helpers import report, review, status_of

CLIENTS = 8
REPORTS_EACH = 5


def race(app, calls):
    """Run the calls at the same moment, each on its own client and database connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        client = app.test_client()
        barrier.wait()
        return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_eight_clients_reporting_at_once_lose_nothing(app, client, make):
    task = make.task(lead_agency="MOF")
    users = [make.auth("agency", "MOF") for _ in range(CLIENTS)]

    def reporter(headers):
        def call(c):
            return [report(c, headers, task.id, percent=i).status_code for i in range(REPORTS_EACH)]

        return call

    statuses = race(app, [reporter(headers) for headers in users])
    assert [code for codes in statuses for code in codes] == [201] * CLIENTS * REPORTS_EACH
    listing = client.get(f"/api/v1/tasks/{task.id}/reports", headers=users[0]).json["items"]
    assert len(listing) == CLIENTS * REPORTS_EACH
    history = client.get(f"/api/v1/tasks/{task.id}/history", headers=users[0]).json["items"]
    assert sum(e["action"] == "posted" for e in history) == CLIENTS * REPORTS_EACH


def test_racing_completion_reports_leave_one(app, client, make, backend):
    task = make.task(lead_agency="MOF")
    users = [make.auth("agency", "MOF") for _ in range(2)]
    codes = race(
        app, [lambda c, h=h: report(c, h, task.id, "completion").status_code for h in users]
    )
    assert sorted(codes) == [201, 409]
    reports = client.get(f"/api/v1/tasks/{task.id}/reports", headers=users[0]).json["items"]
    assert [r["kind"] for r in reports] == ["completion"]
    assert status_of(client, users[0], task.id) == "submitted"


@pytest.mark.parametrize("decisions", [("accept", "return"), ("return", "accept")])
def test_racing_reviews_leave_one_decision(app, client, make, decisions):
    task = make.task(lead_agency="MOF")
    mof = make.auth("agency", "MOF")
    completion = report(client, mof, task.id, "completion").json
    reviewers = [make.auth("office") for _ in decisions]

    def reviewer(headers, decision):
        return lambda c: review(c, headers, task.id, completion["id"], decision, comment="Xem lại")

    responses = race(app, [reviewer(h, d) for h, d in zip(reviewers, decisions, strict=True)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409]
    winner = next(r.json for r in responses if r.status_code == 200)
    final = status_of(client, mof, task.id)
    assert final == ("completed" if winner["review_state"] == "accepted" else "in_progress")
    history = client.get(f"/api/v1/tasks/{task.id}/history", headers=mof).json["items"]
    assert sum(e["action"] == "reviewed" for e in history) == 1


def test_racing_retries_with_one_idempotency_key_create_one_report(app, client, make):
    task = make.task(lead_agency="MOF")
    headers = make.auth("agency", "MOF") | {"Idempotency-Key": "doc-system-42"}
    responses = race(app, [lambda c: report(c, headers, task.id, percent=50)] * 4)
    assert {r.status_code for r in responses} == {201}
    assert len({r.get_data() for r in responses}) == 1
    assert len(client.get(f"/api/v1/tasks/{task.id}/reports", headers=headers).json["items"]) == 1
