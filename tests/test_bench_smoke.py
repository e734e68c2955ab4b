"""Smoke test of the benchmark tools: seed 300 tasks into a private file, time the list."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bench import list_tasks, seed
from bench.seed_data import DIRECTIVE_COLUMNS, TASK_COLUMNS
from tracker.deadlines import DeadlineKind, period_end
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task, task_coordinators
from tracker.text import fold

TODAY = dt.date(2026, 5, 4)
STATUSES = {"assigned", "in_progress", "submitted", "completed", "cancelled"}


@pytest.fixture
def bench_app(tmp_path):
    """An app of its own on a temporary SQLite file (not the shared test database)."""
    app = seed.build_app(f"sqlite:///{tmp_path / 'bench.db'}")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_rows_supply_every_required_column():
    """The seed writes raw rows, so every NOT NULL column must be among its columns."""
    for model, columns in ((Task, TASK_COLUMNS), (Directive, DIRECTIVE_COLUMNS)):
        required = {c.name for c in model.__table__.columns if not c.nullable}
        assert required <= set(columns) <= set(model.__table__.columns.keys())


def test_seed_then_list_benchmark(bench_app):
    """Seeding 300 tasks gives consistent rows, and the list benchmark returns figures."""
    with bench_app.app_context():
        figures = seed.seed(300, seed_value=7, today=TODAY)
        assert figures["tasks"] == 300 and figures["database"] == "sqlite"
        assert 15 <= figures["directives"] <= 31
        assert db.session.scalar(select(func.count(Task.id))) == 300
        assert db.session.scalar(select(func.count(Directive.id))) == figures["directives"]
        tasks = db.session.scalars(select(Task)).all()
        check_tasks(tasks)
        pairs = db.session.execute(select(task_coordinators)).all()
        leads = {t.id: t.lead_agency_id for t in tasks}
        assert pairs and all(leads[task_id] != agency_id for task_id, agency_id in pairs)
        again = seed.seed(20, seed_value=7, today=TODAY)
        numbers = db.session.scalars(select(Directive.number)).all()
        assert again["tasks"] == 20 and len(numbers) == len(set(numbers))
    result = list_tasks.run_benchmark(bench_app, repeat=2, warmup=1, budget=1.0)
    assert result["tasks"] == 320 and result["database"] == "sqlite"
    assert result["queries"]["no_filter"]["total"] == 320
    for row in result["queries"].values():
        assert row["n"] == 2 and row["p50_ms"] > 0 and isinstance(row["total"], int)
        assert set(row["sql_direct_p50_ms"]) == {"count_ms", "page_ms"}


def check_tasks(tasks: list[Task]) -> None:
    """Assert the generated tasks obey the model's rules."""
    for task in tasks:
        assert task.status in STATUSES and task.version == 1
        assert task.search_key == fold(f"{task.title} {task.description}")
        assert task.created_on <= TODAY
        if task.deadline_kind == DeadlineKind.REGULAR:
            assert task.due_date is None
        else:
            assert task.due_date == period_end(DeadlineKind(task.deadline_kind), task.due_date)
        if task.status == "completed":
            assert task.created_on <= task.completed_on <= task.accepted_on <= TODAY
        if task.status == "cancelled":
            assert task.cancelled_on <= TODAY and task.cancel_reason
    assert {t.status for t in tasks} >= {"completed", "in_progress"}
