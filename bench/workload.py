"""What `bench.run` seeds besides the tasks, and the requests it sends.

After `bench.seed` (directives, tasks, co-ordinators) this adds, in bulk:
- the extension history of `bench.stats_history` (a share of dated tasks extended once);
- one user per agency (role `agency`) and the report history: a progress report on every task that
  was ever worked on, a completion report on every submitted (pending) or completed (accepted) one,
  written with one INSERT ... SELECT each (the service layer would take hours at 1,000,000 tasks);
- API tokens: one office user's, and the agency users' of the busiest current agencies.
Then it chooses the requests of the load: the list filter, task ids to read, (agency token, task)
pairs to report on, a task to create, the statistics period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from sqlalchemy import case, cast, func, insert, literal, null, select, text

from bench import stats_history
from bench.list_tasks import common_queries
from tracker.agencies.models import Agency
from tracker.clock import current_clock
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.users.models import User
from tracker.users.service import create_token, create_user
from tracker.workflow.models import Report

OFFICE_EMAIL = "bench-run-office@example.gov.vn"
AGENCY_EMAIL = "bench-run-agency-{code}@example.gov.vn"
OPEN = ("assigned", "in_progress", "submitted")
REPORTABLE = ("assigned", "in_progress")
LIST_PAGE_SIZE = 50
REPORTING_AGENCIES = 10
TASKS_PER_REPORTER = 200
GET_SAMPLE = 2000


@dataclasses.dataclass
class Workload:
    """The requests of the load, with the tokens they need (JSON-serialisable)."""

    office_token: str
    list_params: dict
    list_filters: dict[str, dict]
    get_ids: list[int]
    create_body: dict
    report_pairs: list[tuple[str, int]]
    stats_params: dict
    history: dict


def prepare(extend_share: float = 0.05, seed_value: int = 42) -> Workload:
    """Add extensions, users, reports and tokens to a seeded database; return the workload."""
    today = current_clock().today()
    extended = stats_history.add_extensions(extend_share, today)
    office = create_user(OFFICE_EMAIL, "office", None, "Benchmark office", current_clock().now())
    agency_users = create_agency_users()
    reports = add_report_history(office.id)
    db.session.commit()
    refresh_planner_statistics()
    rng = random.Random(seed_value)
    workload = Workload(
        office_token=token_of(office),
        list_params=list_params(),
        list_filters=common_queries(),
        get_ids=sample_task_ids(rng),
        create_body=create_body(today),
        report_pairs=report_pairs(agency_users, rng),
        stats_params={"period": quarter_of(today)},
        history={
            "extensions": extended,
            "reports": reports,
            "agency_users": len(agency_users),
            "dated_tasks": db.session.scalar(select(func.count()).where(Task.due_date.isnot(None))),
        },
    )
    db.session.commit()
    return workload


def create_agency_users() -> dict[int, User]:
    """Create one agency user per agency (merged ones too: their history has authors)."""
    now = current_clock().now()
    users = {}
    for agency in db.session.scalars(select(Agency).order_by(Agency.id)):
        email = AGENCY_EMAIL.format(code=agency.code.lower())
        users[agency.id] = create_user(email, "agency", agency.code, agency.code, now)
    db.session.flush()
    return users


def add_report_history(office_id: int) -> int:
    """Insert past progress and completion reports of the seeded tasks; return how many."""
    tasks, users, reports = Task.__table__, User.__table__, Report.__table__
    author = (users.c.agency_id == tasks.c.lead_agency_id) & users.c.email.like("bench-run-%")
    columns = (
        "task_id", "kind", "agency_id", "author_id", "summary", "percent", "completed_on",
        "evidence", "created_at", "review_state", "reviewed_by_id", "reviewed_at",
    )  # fmt: skip
    worked = ("in_progress", "submitted", "completed")
    done = tasks.c.status.in_(("submitted", "completed"))
    accepted = tasks.c.status == "completed"
    progress = select(
        tasks.c.id, literal("progress"), tasks.c.lead_agency_id, users.c.id,
        literal("Đang triển khai, đã lấy ý kiến các bộ, ngành"), literal(50),
        null(), literal("[]"), tasks.c.created_at, null(), null(), null(),
    ).select_from(tasks.join(users, author)).where(tasks.c.status.in_(worked))  # fmt: skip
    completion = select(
        tasks.c.id, literal("completion"), tasks.c.lead_agency_id, users.c.id,
        literal("Đã hoàn thành nhiệm vụ"), literal(100), tasks.c.completed_on,
        literal('[{"document_number": "123/BC"}]'), tasks.c.updated_at,
        func.coalesce(_when(accepted, "accepted"), "pending"),
        _when(accepted, office_id), _when(accepted, tasks.c.updated_at),
    ).select_from(tasks.join(users, author)).where(done)  # fmt: skip
    before = db.session.scalar(select(func.count()).select_from(reports))
    for query in (progress, completion):
        db.session.execute(insert(reports).from_select(columns, _json_evidence(query)))
    return db.session.scalar(select(func.count()).select_from(reports)) - before


def _when(condition, value):
    """Return `value` where the condition holds, else NULL."""
    value = value if hasattr(value, "type") else literal(value)
    return case((condition, value), else_=None)


def _json_evidence(query):
    """Cast the evidence text to JSON on PostgreSQL (SQLite stores JSON as text)."""
    if db.engine.dialect.name != "postgresql":
        return query
    columns = list(query.selected_columns)
    columns[7] = cast(columns[7], Report.evidence.type)
    return query.with_only_columns(*columns)


def refresh_planner_statistics() -> None:
    """Let the query planner know the tables again after the bulk inserts."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tasks, extensions, reports, users"))


def token_of(user: User) -> str:
    """Return a new raw API token of a user."""
    _token, raw = create_token(user, "bench.run", current_clock().now())
    return raw


def busiest_current_agencies(statuses: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
    """Return (id, code) of the current agencies leading the most tasks in the statuses."""
    count = func.count(Task.id)
    rows = db.session.execute(
        select(Agency.id, Agency.code)
        .join(Task, Task.lead_agency_id == Agency.id)
        .where(Agency.successor_id.is_(None), Task.status.in_(statuses))
        .group_by(Agency.id, Agency.code)
        .order_by(count.desc(), Agency.code)
        .limit(limit)
    ).all()
    return [(row.id, row.code) for row in rows]


def list_params() -> dict:
    """The open tasks of the busiest agency, soonest due first: a page of 50 with its total."""
    busiest = busiest_current_agencies(OPEN, 1)
    code = busiest[0][1] if busiest else "MOF"
    return {"lead_agency": code, "status": ",".join(OPEN), "page_size": LIST_PAGE_SIZE}


def sample_task_ids(rng: random.Random) -> list[int]:
    """Return task ids spread over the whole table."""
    last = db.session.scalar(select(func.max(Task.id))) or 1
    return sorted({rng.randint(1, last) for _ in range(GET_SAMPLE)})


def create_body(today: dt.date) -> dict:
    """Return a realistic new task on the latest directive, due in three months."""
    directive_id = db.session.scalar(select(func.max(Directive.id)))
    due = today + dt.timedelta(days=90)
    return {
        "directive_id": directive_id,
        "clause": "9.1",
        "title": "Hoàn thiện dự thảo Nghị định về định danh và xác thực điện tử",
        "description": "Chủ trì, phối hợp với các bộ, ngành xây dựng và trình Chính phủ.",
        "lead_agency": "MPS",
        "coordinating_agencies": ["MOJ", "MOST"],
        "deadline_kind": "date",
        "due_date": due.isoformat(),
        "priority": "high",
    }


def report_pairs(users: dict[int, User], rng: random.Random) -> list[tuple[str, int]]:
    """Return (agency token, task id) pairs: open tasks of the busiest agencies, shuffled."""
    pairs = []
    for agency_id, _code in busiest_current_agencies(REPORTABLE, REPORTING_AGENCIES):
        token = token_of(users[agency_id])
        ids = db.session.scalars(
            select(Task.id)
            .where(Task.lead_agency_id == agency_id, Task.status.in_(REPORTABLE))
            .where(Task.parent_id.is_(None))
            .order_by(Task.id.desc())
            .limit(TASKS_PER_REPORTER)
        )
        pairs.extend((token, task_id) for task_id in ids)
    rng.shuffle(pairs)
    return pairs


def quarter_of(day: dt.date) -> str:
    """Return the quarter holding a day, as 2026-Q4."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
