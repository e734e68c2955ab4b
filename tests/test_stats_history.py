"""Statistics over a known history: every bucket of every agency, several days, both bases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.stats_history import (
    AS_OF,
    EXPECTED,
    FIELDS,
    PERIODS,
    build_history,
    stats,
    table,
)
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.tasks.timeliness import Basis, annotate_timeliness, timeliness_case


@pytest.fixture
def history(client, make, clock):
    return build_history(client, make, clock)


def test_every_bucket_of_every_agency(client, history):
    mismatches = []
    for (as_of, basis, period), expected in EXPECTED.items():
        got = table(stats(client, history.office, as_of=as_of, basis=basis, period=period))
        if got != expected:
            mismatches.append(((as_of, basis, period), got, expected))
    assert mismatches == []
    assert {key[0] for key in EXPECTED} == set(AS_OF)


def test_totals_and_rates(client, history):
    body = stats(client, history.office, as_of="2026-07-15", period="2026-Q2").json
    assert body["due_from"] == "2026-04-01" and body["due_to"] == "2026-06-30"
    assert body["totals"] == {
        "total": 5,
        "done_on_time": 3,
        "done_late": 0,
        "open_in_term": 0,
        "open_overdue": 2,
        "on_time_rate": 1.0,
        "regular": 1,
        "withdrawn": 1,
        "agencies": 3,
    }
    rows = {row["agency"]["code"]: row for row in body["items"]}
    assert rows["HANOI"]["on_time_rate"] is None and rows["HANOI"]["total"] == 1
    q1 = stats(client, history.office, as_of="2026-07-15", period="2026-Q1").json
    assert q1["totals"]["on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert {r["agency"]["code"]: r["on_time_rate"] for r in q1["items"]}["MOF"] == 0.5


def test_a_past_snapshot_does_not_change_when_later_events_are_recorded(client, history):
    for period, then in history.snapshots.items():
        now = stats(client, history.office, as_of="2026-04-15", period=period).json
        assert now == then


def test_merged_agency_counted_under_its_successor(client, history):
    as_recorded = table(stats(client, history.office, as_of="2026-04-15", period="2026-Q1"))
    merged = table(
        stats(client, history.office, as_of="2026-04-15", period="2026-Q1", merge="successor")
    )
    assert as_recorded["MPI"] == (1, 0, 0, 0, 0, 0)
    assert "MPI" not in merged and merged["MOF"] == (2, 1, 0, 0, 0, 0)
    assert {k: v for k, v in merged.items() if k != "MOF"} == {
        k: v for k, v in as_recorded.items() if k not in ("MOF", "MPI")
    }


def test_filters_kind_issuer_directive_and_no_period(client, history):
    office = history.office
    provinces = table(stats(client, office, as_of="2026-07-15", period="2026-Q2", kind="province"))
    assert provinces == {"HANOI": (0, 0, 0, 1, 0, 1)}
    by_issuer = {"MOF": (1, 0, 0, 0, 0, 0), "MOH": (0, 0, 0, 1, 0, 0), "HANOI": (0, 0, 0, 0, 0, 1)}
    assert table(stats(client, office, issuer="Thủ tướng Chính phủ")) == by_issuer
    assert table(stats(client, office, directive_id=history.directives["B"])) == by_issuer
    assert table(stats(client, office)) == {
        "MOF": (3, 1, 1, 0, 0, 0),
        "MPI": (1, 0, 0, 0, 0, 0),
        "MOH": (1, 0, 0, 1, 1, 1),
        "HANOI": (0, 0, 0, 2, 0, 1),
    }
    by_dates = stats(client, office, as_of="2026-06-10", due_from="2026-04-01", due_to="2026-06-30")
    assert table(by_dates) == EXPECTED[("2026-06-10", "effective", "2026-Q2")]


def test_every_role_sees_the_same_counts_confidential_included(client, make, history):
    office = stats(client, history.office, as_of="2026-05-25", period="2026-Q2").json
    for headers in (make.auth("viewer"), make.auth("agency", "MOIT")):
        assert stats(client, headers, as_of="2026-05-25", period="2026-Q2").json == office


@pytest.mark.parametrize("basis", ["effective", "original"])
def test_task_list_agrees_with_the_statistics(client, history, basis):
    for as_of in AS_OF:
        for period, (first, last) in PERIODS.items():
            merged = stats(
                client, history.office, as_of=as_of, basis=basis, period=period, merge="successor"
            )
            for code, counts in table(merged).items():
                for name, count in zip(FIELDS[:4], counts, strict=False):
                    listed = client.get(
                        "/api/v1/tasks",
                        query_string={
                            "lead_agency": code,
                            "timeliness": name,
                            "as_of": as_of,
                            "basis": basis,
                            "due_from": first,
                            "due_to": last,
                        },
                        headers=history.office,
                    )
                    assert listed.json["total"] == count, (as_of, period, code, name)
                    assert {t["timeliness"] for t in listed.json["items"]} <= {name}


def test_sql_buckets_equal_the_python_rule_for_every_task(db_session, history):
    tasks = list(db_session.scalars(select(Task).where(Task.lead_agency_id.is_not(None))))
    for as_of in map(dt.date.fromisoformat, AS_OF):
        for basis in Basis:
            in_sql = dict(db.session.execute(select(Task.id, timeliness_case(as_of, basis))).all())
            annotate_timeliness(tasks, as_of, basis)
            in_python = {task.id: task.timeliness for task in tasks}
            assert {i: in_sql[i] for i in in_python} == in_python, (as_of, basis)
