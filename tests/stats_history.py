"""A known history for the statistics tests, built through the API day by day.

Two quarters of 2026 (Q1, Q2); tasks done early, late, extended (one approved before and one
after some snapshots), withdrawn, regular and undated, a group of two children, and a task of
MPI (merged into MOF in 2025). `EXPECTED` holds the table for each as_of, basis and period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests.workflow_helpers import decide, extend, report, review

TODAY = dt.date(2026, 7, 15)
AS_OF = ("2026-01-31", "2026-03-20", "2026-04-15", "2026-05-25", "2026-06-10", "2026-07-15")
PERIODS = {"2026-Q1": ("2026-01-01", "2026-03-31"), "2026-Q2": ("2026-04-01", "2026-06-30")}
FIELDS = ("done_on_time", "done_late", "open_in_term", "open_overdue", "regular", "withdrawn")


@dataclasses.dataclass
class History:
    """Ids of what the history created, and the headers of its users."""

    office: dict
    tasks: dict[str, int] = dataclasses.field(default_factory=dict)
    directives: dict[str, int] = dataclasses.field(default_factory=dict)
    snapshots: dict[str, dict] = dataclasses.field(default_factory=dict)


def at(clock, day: str) -> None:
    """Move the clock to 09:00 on a day."""
    clock.set_today(dt.date.fromisoformat(day))


def _task(make, clock, directive, day: str, lead: str, kind: str, due: str | None, **extra):
    """Create a task on a day."""
    at(clock, day)
    due_date = dt.date.fromisoformat(due) if due else None
    created_on = dt.date.fromisoformat(day)
    task = make.task(
        directive,
        lead_agency=lead,
        deadline_kind=kind,
        due_date=due_date,
        created_on=created_on,
        **extra,
    )
    return task.id


def _complete(client, clock, headers, office, task_id, done: str, posted: str, accepted: str):
    """Report completion on `posted` (done on `done`) and accept it on `accepted`."""
    at(clock, posted)
    posted_report = report(client, headers, task_id, "completion", completed_on=done)
    assert posted_report.status_code == 201, posted_report.json
    at(clock, accepted)
    reviewed = review(client, office, task_id, posted_report.json["id"])
    assert reviewed.status_code == 200, reviewed.json


def _extend(client, clock, headers, office, task_id, to: str, asked: str, approved: str):
    """Request an extension on `asked` and approve it on `approved`."""
    at(clock, asked)
    requested = extend(client, headers, task_id, to)
    assert requested.status_code == 201, requested.json
    at(clock, approved)
    decided = decide(client, office, task_id, requested.json["id"])
    assert decided.status_code == 200, decided.json


def _withdraw(client, clock, office, task_id, day: str):
    """Withdraw a task on a day."""
    at(clock, day)
    cancelled = client.post(
        f"/api/v1/tasks/{task_id}/cancel", json={"reason": "Không còn phù hợp"}, headers=office
    )
    assert cancelled.status_code == 200, cancelled.json


def _group(client, clock, office, directive_id: int, day: str) -> dict[str, int]:
    """Create a group task for MOF and HANOI; return the children's ids by agency."""
    at(clock, day)
    body = {
        "directive_id": directive_id,
        "title": "Rà soát quy hoạch",
        "group": ["MOF", "HANOI"],
        "deadline_kind": "date",
        "due_date": "2026-06-30",
    }
    parent = client.post("/api/v1/tasks", json=body, headers=office)
    assert parent.status_code == 201, parent.json
    children = client.get(f"/api/v1/tasks?parent_id={parent.json['id']}", headers=office).json
    ids = {child["lead_agency"]["code"]: child["id"] for child in children["items"]}
    return {"G": parent.json["id"], "G-MOF": ids["MOF"], "G-HANOI": ids["HANOI"]}


def build_history(client, make, clock) -> History:
    """Create the history, day by day; snapshot the Q1/Q2 tables on 2026-04-15 as seen then."""
    office, mof = make.auth("office"), make.auth("agency", "MOF")
    moh = make.auth("agency", "MOH")
    old = make.directive(number="5/TB-VPCP", issued_on=dt.date(2025, 1, 10))
    a = make.directive(number="10/TB-VPCP", issued_on=dt.date(2025, 12, 1))
    b = make.directive(
        number="20/TB-VPCP", issued_on=dt.date(2025, 12, 15), issuer="Thủ tướng Chính phủ"
    )
    h = History(office, directives={"old": old.id, "A": a.id, "B": b.id})
    t = h.tasks
    t["T6"] = _task(make, clock, old, "2025-01-15", "MPI", "quarter", "2026-03-31")
    for name, lead, kind, due in (
        ("T1", "MOF", "date", "2026-02-28"),
        ("T2", "MOF", "date", "2026-03-15"),
        ("T3", "MOH", "quarter", "2026-03-31"),
        ("T4", "MOH", "quarter", "2026-03-31"),
        ("T5", "HANOI", "month", "2026-01-31"),
        ("R1", "MOH", "regular", None),
    ):
        t[name] = _task(make, clock, a, "2025-12-05", lead, kind, due)
    t["T7"] = _task(make, clock, b, "2026-01-05", "MOF", "half_year", "2026-06-30")
    t["T8"] = _task(make, clock, b, "2026-01-05", "MOH", "date", "2026-04-30")
    t["R2"] = _task(make, clock, b, "2026-01-05", "HANOI", "none", None, confidential=True)
    t.update(_group(client, clock, office, a.id, "2026-01-10"))
    _withdraw(client, clock, office, t["T4"], "2026-02-10")
    _complete(client, clock, mof, office, t["T1"], "2026-02-20", "2026-02-20", "2026-02-25")
    _complete(client, clock, mof, office, t["T6"], "2026-03-01", "2026-03-01", "2026-03-05")
    _extend(client, clock, moh, office, t["T3"], "2026-05-31", "2026-03-20", "2026-03-25")
    _complete(client, clock, mof, office, t["T2"], "2026-03-20", "2026-03-21", "2026-04-02")
    t["T9"] = _task(make, clock, a, "2026-04-05", "MOF", "month", "2026-05-31")
    _complete(client, clock, mof, office, t["T7"], "2026-04-10", "2026-04-10", "2026-04-20")
    at(clock, "2026-04-15")
    for period in PERIODS:
        h.snapshots[period] = stats(client, office, as_of="2026-04-15", period=period).json
    _complete(client, clock, moh, office, t["T3"], "2026-05-10", "2026-05-10", "2026-05-15")
    _extend(client, clock, mof, office, t["T9"], "2026-07-31", "2026-05-20", "2026-06-05")
    _withdraw(client, clock, office, t["R2"], "2026-06-01")
    _complete(client, clock, mof, office, t["G-MOF"], "2026-06-25", "2026-06-25", "2026-07-01")
    at(clock, TODAY.isoformat())
    return h


def stats(client, headers, **params):
    """GET the agency statistics."""
    return client.get("/api/v1/stats/agencies", query_string=params, headers=headers)


def table(response) -> dict[str, tuple[int, ...]]:
    """Return a statistics response as {agency code: counts in FIELDS order}."""
    assert response.status_code == 200, response.json
    return {row["agency"]["code"]: tuple(row[f] for f in FIELDS) for row in response.json["items"]}


# (as_of, basis, period) -> {agency: (on time, late, in term, overdue, regular, withdrawn)}
Q1_EARLY = {
    "2026-01-31": {
        "MOF": (0, 0, 2, 0, 0, 0),
        "MPI": (0, 0, 1, 0, 0, 0),
        "MOH": (0, 0, 2, 0, 1, 0),
        "HANOI": (0, 0, 1, 0, 1, 0),
    },
    "2026-03-20": {
        "MOF": (1, 0, 0, 1, 0, 0),
        "MPI": (1, 0, 0, 0, 0, 0),
        "MOH": (0, 0, 1, 0, 1, 1),
        "HANOI": (0, 0, 0, 1, 1, 0),
    },
}
DONE_Q1 = {"MOF": (1, 1, 0, 0, 0, 0), "MPI": (1, 0, 0, 0, 0, 0)}
Q2_EARLY = {
    "MOF": (0, 0, 2, 0, 0, 0),
    "MOH": (0, 0, 1, 0, 1, 0),
    "HANOI": (0, 0, 1, 0, 1, 0),
}
EXPECTED: dict[tuple[str, str, str], dict[str, tuple[int, ...]]] = {}
for basis in ("effective", "original"):
    for day, rows in Q1_EARLY.items():
        EXPECTED[(day, basis, "2026-Q1")] = rows
        EXPECTED[(day, basis, "2026-Q2")] = Q2_EARLY
EXPECTED |= {
    ("2026-04-15", "effective", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 0, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 1, 0)},
    ("2026-05-25", "effective", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 0, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 1, 0)},
    ("2026-06-10", "effective", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 0, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 0, 1)},
    ("2026-07-15", "effective", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 0, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 0, 1)},
    ("2026-04-15", "original", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 0, 0, 1, 1, 1), "HANOI": (0, 0, 0, 1, 1, 0)},
    ("2026-05-25", "original", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 1, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 1, 0)},
    ("2026-06-10", "original", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 1, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 0, 1)},
    ("2026-07-15", "original", "2026-Q1"): DONE_Q1
    | {"MOH": (0, 1, 0, 0, 1, 1), "HANOI": (0, 0, 0, 1, 0, 1)},
    ("2026-04-15", "effective", "2026-Q2"): {
        "MOF": (0, 0, 3, 0, 0, 0),
        "MOH": (0, 0, 2, 0, 1, 0),
        "HANOI": (0, 0, 1, 0, 1, 0),
    },
    ("2026-05-25", "effective", "2026-Q2"): {
        "MOF": (1, 0, 2, 0, 0, 0),
        "MOH": (1, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 1, 0, 1, 0),
    },
    ("2026-06-10", "effective", "2026-Q2"): {
        "MOF": (1, 0, 1, 0, 0, 0),
        "MOH": (1, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 1, 0, 0, 1),
    },
    ("2026-07-15", "effective", "2026-Q2"): {
        "MOF": (2, 0, 0, 0, 0, 0),
        "MOH": (1, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 0, 1, 0, 1),
    },
    ("2026-04-15", "original", "2026-Q2"): {
        "MOF": (0, 0, 3, 0, 0, 0),
        "MOH": (0, 0, 1, 0, 1, 0),
        "HANOI": (0, 0, 1, 0, 1, 0),
    },
    ("2026-05-25", "original", "2026-Q2"): {
        "MOF": (1, 0, 2, 0, 0, 0),
        "MOH": (0, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 1, 0, 1, 0),
    },
    ("2026-06-10", "original", "2026-Q2"): {
        "MOF": (1, 0, 1, 1, 0, 0),
        "MOH": (0, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 1, 0, 0, 1),
    },
    ("2026-07-15", "original", "2026-Q2"): {
        "MOF": (2, 0, 0, 1, 0, 0),
        "MOH": (0, 0, 0, 1, 1, 0),
        "HANOI": (0, 0, 0, 1, 0, 1),
    },
}
