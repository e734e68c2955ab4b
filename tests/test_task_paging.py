"""Pages of an agency's or a status's tasks read in (lead agency, status) branches: same order."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import update

from tracker.tasks.models import Task
from tracker.tasks.paging import MAX_PAGE_END

STATUSES = ("assigned", "in_progress", "submitted", "completed")
DUES = (dt.date(2026, 6, 30), None, dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2027, 1, 1))


@pytest.fixture
def spread(make, db_session):
    """Tasks of MOF, of MPI (merged into MOF) and of MOJ, in several statuses and due dates."""
    old = make.directive(issued_on=dt.date(2024, 6, 1))
    tasks = []
    for index, lead in zip(range(30), itertools.cycle(("MOF", "MPI", "MOJ"))):
        due = DUES[index % len(DUES)]
        kind = "regular" if due is None else "date"
        task = make.task(old, lead_agency=lead, deadline_kind=kind, due_date=due)
        status, confidential = STATUSES[index % len(STATUSES)], index % 7 == 0
        db_session.execute(
            update(Task).where(Task.id == task.id).values(status=status, confidential=confidential)
        )
        tasks.append({"id": task.id, "lead": lead, "due": due, "status": status, "c": confidential})
    db_session.commit()
    return tasks


def expected(tasks, leads, statuses, descending=False, public_only=False):
    """The matching ids in due-date order, undated last, ties by id."""
    chosen = [
        t
        for t in tasks
        if (not leads or t["lead"] in leads)
        and (not statuses or t["status"] in statuses)
        and not (public_only and t["c"])
    ]
    dated = sorted((t for t in chosen if t["due"]), key=lambda t: (t["due"], t["id"]))
    if descending:
        dated.reverse()
    undated = sorted((t["id"] for t in chosen if not t["due"]), reverse=descending)
    return [t["id"] for t in dated] + undated


def all_pages(client, headers, query, size):
    """Every page of a list, with the totals each page reported."""
    ids, totals, page = [], set(), 1
    while True:
        body = client.get(
            "/api/v1/tasks", query_string=query | {"page": page, "page_size": size}, headers=headers
        ).json
        totals.add(body["total"])
        if not body["items"]:
            return ids, totals
        ids += [item["id"] for item in body["items"]]
        page += 1


@pytest.mark.parametrize("sort", ["due_date", "-due_date"])
@pytest.mark.parametrize("size", [1, 4, 7, 200])
@pytest.mark.parametrize(
    ("lead", "statuses"),
    [
        ("MOF", "assigned,in_progress,submitted"),
        ("MOF", ""),
        ("MOJ", "assigned,completed"),
        ("", "assigned,in_progress"),
        ("MOF", "in_progress"),
    ],
)
def test_pages_follow_due_date_order(client, office, spread, sort, size, lead, statuses):
    query = {"sort": sort} | ({"lead_agency": lead} if lead else {})
    query |= {"status": statuses} if statuses else {}
    leads = {"MOF": ("MOF", "MPI"), "MOJ": ("MOJ",), "": ()}[lead]
    wanted = expected(spread, leads, statuses.split(",") if statuses else (), sort[0] == "-")
    ids, totals = all_pages(client, office, query, size)
    assert ids == wanted
    assert totals == {len(wanted)}


def test_viewers_pages_leave_confidential_tasks_out(client, viewer, spread):
    query = {"lead_agency": "MOF", "status": "assigned,in_progress,submitted,completed"}
    wanted = expected(spread, ("MOF", "MPI"), STATUSES, public_only=True)
    ids, totals = all_pages(client, viewer, query, 3)
    assert ids == wanted and totals == {len(wanted)}


def test_pages_beyond_the_split_limit_still_come_in_order(client, office, spread):
    query = {"lead_agency": "MOF", "status": "assigned,in_progress", "page_size": 200}
    beyond = client.get(
        "/api/v1/tasks",
        query_string=query | {"page": MAX_PAGE_END // 200 + 2},
        headers=office,
    ).json
    assert beyond["items"] == []
    assert beyond["total"] == len(expected(spread, ("MOF", "MPI"), ("assigned", "in_progress")))
