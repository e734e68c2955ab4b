"""Timeliness as of a day: the Python rule, its edges, and parity with the SQL condition."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.deadlines import DeadlineKind
from tracker.tasks.models import Task, TaskStatus
from tracker.tasks.timeliness import Timeliness, timeliness_condition, timeliness_of

D = dt.date
DUE = D(2026, 6, 30)


def task(**fields) -> Task:
    """An unsaved task with a June deadline, created in January, still assigned."""
    values = {
        "status": TaskStatus.ASSIGNED,
        "deadline_kind": DeadlineKind.DATE,
        "due_date": DUE,
        "created_on": D(2026, 1, 20),
        "completed_on": None,
        "accepted_on": None,
        "cancelled_on": None,
    } | fields
    return Task(**values)


def done(completed_on: dt.date, accepted_on: dt.date, **fields) -> Task:
    """A task whose completion was accepted."""
    return task(
        status=TaskStatus.COMPLETED, completed_on=completed_on, accepted_on=accepted_on, **fields
    )


# --- the rule, bucket by bucket ------------------------------------------------------------


def test_open_in_term_before_the_due_date():
    assert timeliness_of(task(), D(2026, 5, 4)) is Timeliness.OPEN_IN_TERM


def test_due_today_is_still_in_term():
    assert timeliness_of(task(), DUE) is Timeliness.OPEN_IN_TERM


def test_the_day_after_the_due_date_is_overdue():
    assert timeliness_of(task(), DUE + dt.timedelta(days=1)) is Timeliness.OPEN_OVERDUE


@pytest.mark.parametrize("status", [TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED])
def test_open_statuses_count_as_open(status):
    reported = task(status=status, completed_on=D(2026, 6, 1) if status == "submitted" else None)
    assert timeliness_of(reported, D(2026, 6, 15)) is Timeliness.OPEN_IN_TERM
    assert timeliness_of(reported, D(2026, 7, 15)) is Timeliness.OPEN_OVERDUE


def test_completed_on_the_due_date_is_on_time():
    assert timeliness_of(done(DUE, D(2026, 7, 3)), D(2026, 7, 3)) is Timeliness.DONE_ON_TIME


def test_completed_before_the_due_date_is_on_time():
    assert (
        timeliness_of(done(D(2026, 6, 1), D(2026, 6, 2)), D(2026, 6, 2)) is Timeliness.DONE_ON_TIME
    )


def test_completed_after_the_due_date_is_late():
    late = done(D(2026, 7, 1), D(2026, 7, 2))
    assert timeliness_of(late, D(2026, 7, 2)) is Timeliness.DONE_LATE
    assert timeliness_of(late, D(2027, 1, 1)) is Timeliness.DONE_LATE


def test_accepted_after_as_of_is_still_open():
    accepted_later = done(D(2026, 6, 20), D(2026, 7, 10))
    assert timeliness_of(accepted_later, D(2026, 6, 25)) is Timeliness.OPEN_IN_TERM
    assert timeliness_of(accepted_later, D(2026, 7, 9)) is Timeliness.OPEN_OVERDUE
    # Accepted on the day itself: the snapshot is the end of that day.
    assert timeliness_of(accepted_later, D(2026, 7, 10)) is Timeliness.DONE_ON_TIME


def test_regular_and_undated_tasks():
    regular = task(deadline_kind=DeadlineKind.REGULAR, due_date=None)
    undated = task(deadline_kind=DeadlineKind.NONE, due_date=None, status=TaskStatus.IN_PROGRESS)
    for as_of in (D(2026, 1, 20), D(2030, 1, 1)):
        assert timeliness_of(regular, as_of) is Timeliness.REGULAR
        assert timeliness_of(undated, as_of) is Timeliness.REGULAR


def test_created_after_as_of_does_not_exist_yet():
    later = task(created_on=D(2026, 5, 4))
    assert timeliness_of(later, D(2026, 5, 3)) is None
    assert timeliness_of(later, D(2026, 5, 4)) is Timeliness.OPEN_IN_TERM


def test_cancelled_on_or_before_as_of_leaves_the_snapshot():
    withdrawn = task(status=TaskStatus.CANCELLED, cancelled_on=D(2026, 5, 4))
    assert timeliness_of(withdrawn, D(2026, 5, 4)) is None
    assert timeliness_of(withdrawn, D(2026, 12, 31)) is None


def test_cancelled_after_as_of_was_still_open():
    withdrawn = task(status=TaskStatus.CANCELLED, cancelled_on=D(2026, 8, 1))
    assert timeliness_of(withdrawn, D(2026, 5, 3)) is Timeliness.OPEN_IN_TERM
    assert timeliness_of(withdrawn, D(2026, 7, 31)) is Timeliness.OPEN_OVERDUE


def test_buckets_have_the_office_names():
    assert [b.value for b in Timeliness] == [
        "done_on_time",
        "done_late",
        "open_in_term",
        "open_overdue",
        "regular",
    ]


# --- parity between the Python rule and the SQL condition ----------------------------------

# (label, deadline kind, due date, created_on, status, completed_on, accepted_on, cancelled_on)
STATES = [
    ("assigned_q1", "date", D(2026, 3, 31), D(2026, 1, 20), "assigned", None, None, None),
    ("in_progress_q2", "quarter", D(2026, 6, 30), D(2026, 1, 20), "in_progress", None, None, None),
    ("submitted", "date", D(2026, 3, 31), D(2026, 2, 1), "submitted", D(2026, 3, 20), None, None),
    (
        "on_time_on_due_day",
        "date",
        D(2026, 3, 31),
        D(2026, 1, 20),
        "completed",
        D(2026, 3, 31),
        D(2026, 4, 10),
        None,
    ),
    (
        "late",
        "date",
        D(2026, 3, 31),
        D(2026, 1, 20),
        "completed",
        D(2026, 4, 5),
        D(2026, 4, 6),
        None,
    ),
    (
        "on_time_accepted_late",
        "month",
        D(2026, 6, 30),
        D(2026, 1, 20),
        "completed",
        D(2026, 6, 20),
        D(2026, 7, 15),
        None,
    ),
    (
        "same_day",
        "date",
        D(2026, 4, 1),
        D(2026, 3, 1),
        "completed",
        D(2026, 4, 1),
        D(2026, 4, 1),
        None,
    ),
    ("regular", "regular", None, D(2026, 1, 20), "in_progress", None, None, None),
    ("undated", "none", None, D(2026, 4, 1), "assigned", None, None, None),
    (
        "regular_completed",
        "regular",
        None,
        D(2026, 1, 20),
        "completed",
        D(2026, 5, 1),
        D(2026, 5, 2),
        None,
    ),
    (
        "cancelled_q2",
        "date",
        D(2026, 6, 30),
        D(2026, 1, 20),
        "cancelled",
        None,
        None,
        D(2026, 4, 1),
    ),
    (
        "cancelled_after_due",
        "date",
        D(2026, 3, 31),
        D(2026, 1, 20),
        "cancelled",
        None,
        None,
        D(2026, 5, 4),
    ),
    ("cancelled_regular", "regular", None, D(2026, 1, 20), "cancelled", None, None, D(2026, 6, 1)),
    ("created_late", "year", D(2026, 12, 31), D(2026, 6, 1), "assigned", None, None, None),
    (
        "created_late_done",
        "date",
        D(2026, 7, 31),
        D(2026, 7, 1),
        "completed",
        D(2026, 8, 2),
        D(2026, 8, 3),
        None,
    ),
]
AS_OF_DAYS = [
    D(2026, 1, 19),
    D(2026, 1, 20),
    D(2026, 3, 31),
    D(2026, 4, 1),
    D(2026, 4, 6),
    D(2026, 5, 4),
    D(2026, 6, 30),
    D(2026, 7, 1),
    D(2026, 7, 15),
    D(2026, 8, 3),
    D(2027, 1, 1),
]


@pytest.fixture
def tasks_in_every_state(make, db_session):
    """One saved task per state, fields set directly on the models."""
    directive = make.directive(issued_on=D(2026, 1, 15))
    saved = {}
    for label, kind, due, created, status, completed, accepted, cancelled in STATES:
        row = make.task(
            directive,
            deadline_kind=DeadlineKind(kind),
            due_date=due,
            created_on=created,
            title=label,
        )
        row.status = status
        row.completed_on, row.accepted_on, row.cancelled_on = completed, accepted, cancelled
        saved[label] = row
    db_session.commit()
    return saved


def test_every_state_has_the_expected_bucket(tasks_in_every_state):
    t = tasks_in_every_state
    as_of = D(2026, 5, 4)
    expected = {
        "assigned_q1": Timeliness.OPEN_OVERDUE,
        "in_progress_q2": Timeliness.OPEN_IN_TERM,
        "submitted": Timeliness.OPEN_OVERDUE,
        "on_time_on_due_day": Timeliness.DONE_ON_TIME,
        "late": Timeliness.DONE_LATE,
        "on_time_accepted_late": Timeliness.OPEN_IN_TERM,
        "same_day": Timeliness.DONE_ON_TIME,
        "regular": Timeliness.REGULAR,
        "undated": Timeliness.REGULAR,
        "regular_completed": Timeliness.REGULAR,
        "cancelled_q2": None,
        "cancelled_after_due": None,
        "cancelled_regular": Timeliness.REGULAR,
        "created_late": None,
        "created_late_done": None,
    }
    assert {label: timeliness_of(row, as_of) for label, row in t.items()} == expected


@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
def test_sql_condition_matches_the_python_rule(tasks_in_every_state, db_session, as_of):
    db_session.expire_all()
    rows = db_session.scalars(select(Task)).all()
    assert len(rows) == len(STATES)
    for bucket in Timeliness:
        selected = set(
            db_session.scalars(select(Task.title).where(timeliness_condition(bucket, as_of)))
        )
        expected = {row.title for row in rows if timeliness_of(row, as_of) == bucket}
        assert selected == expected, f"{bucket} as of {as_of}"


def test_parity_covers_every_bucket(tasks_in_every_state):
    seen = {timeliness_of(row, day) for row in tasks_in_every_state.values() for day in AS_OF_DAYS}
    assert seen == set(Timeliness) | {None}


def test_current_snapshot_form_matches_the_python_rule(tasks_in_every_state, db_session):
    rows = db_session.scalars(select(Task)).all()
    recorded = [d for r in rows for d in (r.created_on, r.accepted_on, r.cancelled_on) if d]
    today = max(recorded)  # the form assumes nothing is recorded after today
    for as_of in (today, today + dt.timedelta(days=45), today + dt.timedelta(days=400)):
        for bucket in Timeliness:
            fast = timeliness_condition(bucket, as_of, today=today)
            selected = set(db_session.scalars(select(Task.title).where(fast)))
            expected = {row.title for row in rows if timeliness_of(row, as_of) == bucket}
            assert selected == expected, f"{bucket} as of {as_of}"
