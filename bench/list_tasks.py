"""Time the task list server side through the real app: `python -m bench.list_tasks`.

Each common filter is requested with the Flask test client (authenticated as an office user) after a
warm-up; per query we report the request's p50/p95/mean in milliseconds and, from the engine's
cursor events, how long its count and page statements took. One JSON object goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import event, func, select

from bench.seed import build_app
from tracker.agencies.models import Agency
from tracker.clock import current_clock
from tracker.deadlines import end_of_quarter
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.users.models import User
from tracker.users.service import create_token, create_user

BENCH_EMAIL = "bench-office@example.gov.vn"
PAGE_SIZE = 50
SQL_KINDS = ("count", "page", "coordinators", "auth", "other")
REPORT_COLUMNS = {
    "p50": "p50_ms",
    "p95": "p95_ms",
    "mean": "mean_ms",
    "cpu p50": "cpu_p50_ms",
    "count": "count_ms",
    "page": "page_ms",
}


class SqlTimer:
    """Sums the time spent in each kind of SQL statement, from the engine's cursor events."""

    def __init__(self, engine):
        self.spent = dict.fromkeys(SQL_KINDS, 0.0)
        self.last: dict[str, tuple] = {}
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, _cursor, _statement, _params, _context, _many):
        """Note when a statement starts."""
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, _cursor, statement, _params, _context, _many):
        """Add a statement's time to its kind."""
        elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        kind = self.kind(statement)
        self.spent[kind] += elapsed
        self.last[kind] = (statement, _params)

    @staticmethod
    def kind(statement: str) -> str:
        """Classify a statement of the task list request."""
        head = statement.lstrip()[:40].lower()
        if head.startswith("select count(") or "task_counts" in statement:
            return "count"
        if "api_tokens" in statement:
            return "auth"
        if "FROM tasks" in statement and "LIMIT" in statement:
            return "page"
        if "task_coordinators" in statement:
            return "coordinators"
        return "other"

    def take(self) -> dict[str, float]:
        """Return the sums since the last call and start again."""
        spent, self.spent = self.spent, dict.fromkeys(SQL_KINDS, 0.0)
        return spent


class WsgiTimer:
    """Times the application itself (the WSGI call), without the test client's own work.

    Besides wall time it notes this thread's CPU time, which other processes on a busy machine do
    not inflate (on SQLite it includes the database work; on PostgreSQL the server's is elsewhere).
    """

    def __init__(self, app: Flask):
        self.wsgi_app, self.last, self.last_cpu = app.wsgi_app, 0.0, 0.0
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        """Run the request and note how long the application took."""
        started, started_cpu = time.perf_counter(), time.thread_time()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            self.last = time.perf_counter() - started
            self.last_cpu = time.thread_time() - started_cpu


def check_schema() -> None:
    """Refuse to time a database whose schema is not at the migrations' head."""
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current != heads:
        raise SystemExit(f"Schema at {current or 'nothing'}, not {heads}: run bench.seed first.")


def bearer_headers() -> dict[str, str]:
    """Return headers of the benchmark's office user (created once), with a fresh token."""
    now = current_clock().now()
    user = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
    if user is None:
        user = create_user(BENCH_EMAIL, "office", None, "Benchmark", now)
    _token, raw = create_token(user, "bench", now)
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def common_queries() -> dict[str, dict]:
    """Return the query strings to time, chosen from the data (a big agency, a directive...)."""
    ranked = db.session.execute(
        select(Agency.code, func.count(Task.id))
        .join(Task, Task.lead_agency_id == Agency.id)
        .where(Agency.successor_id.is_(None))
        .group_by(Agency.code)
        .order_by(func.count(Task.id).desc())
    ).all()
    big = ranked[0][0] if ranked else "MOF"
    medium = ranked[min(9, len(ranked) - 1)][0] if ranked else "MOJ"
    middle = (db.session.scalar(select(func.max(Directive.id))) or 2) // 2
    directive_id = db.session.scalar(select(Directive.id).where(Directive.id >= middle).limit(1))
    today = current_clock().today()
    quarter = (today.month - 1) // 3 + 1
    start, end = dt.date(today.year, quarter * 3 - 2, 1), end_of_quarter(today.year, quarter)
    queries = {
        "no_filter": {},
        "lead_agency": {"lead_agency": big},
        "agency": {"agency": medium},
        "status": {"status": "in_progress"},
        "timeliness_open_overdue": {"timeliness": "open_overdue"},
        "due_quarter": {"due_from": start.isoformat(), "due_to": end.isoformat()},
        "lead_agency_status": {"lead_agency": big, "status": "in_progress"},
        "directive_id": {"directive_id": directive_id or 1},
        "q": {"q": "VNeID"},
    }
    return {name: {**params, "page_size": PAGE_SIZE} for name, params in queries.items()}


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def time_query(client, headers, timers: tuple, params: dict, repeat: int, budget: float) -> dict:
    """Request one query `repeat` times (or until the time budget is spent) and summarise."""
    timer, wsgi = timers
    durations, cpu, round_trips, sql = [], [], [], {kind: [] for kind in SQL_KINDS}
    total, deadline = None, time.perf_counter() + budget
    while len(durations) < repeat and (not durations or time.perf_counter() < deadline):
        timer.take()
        started = time.perf_counter()
        response = client.get("/api/v1/tasks", query_string=params, headers=headers)
        round_trips.append((time.perf_counter() - started) * 1000)
        durations.append(wsgi.last * 1000)
        cpu.append(wsgi.last_cpu * 1000)
        if response.status_code != 200:
            raise RuntimeError(
                f"{params}: {response.status_code} {response.get_data(as_text=True)}"
            )
        total = response.json["total"]
        for kind, seconds in timer.take().items():
            sql[kind].append(seconds * 1000)
    summary = {
        "total": total,
        "n": len(durations),
        "p50_ms": round(percentile(durations, 0.5), 2),
        "p95_ms": round(percentile(durations, 0.95), 2),
        "mean_ms": round(sum(durations) / len(durations), 2),
        "cpu_p50_ms": round(percentile(cpu, 0.5), 2),
        "client_p50_ms": round(percentile(round_trips, 0.5), 2),
    }
    summary["sql_exec_p50_ms"] = {k: round(percentile(v, 0.5), 2) for k, v in sql.items() if any(v)}
    return summary


def time_statements(engine, timer: SqlTimer, repeat: int, budget: float) -> dict[str, float]:
    """Re-run the last count and page statements on their own, fetching every row; p50 in ms."""
    result = {}
    with engine.connect() as conn:
        for kind in ("count", "page"):
            statement, params = timer.last[kind]
            durations, deadline = [], time.perf_counter() + budget
            while len(durations) < repeat and (not durations or time.perf_counter() < deadline):
                started = time.perf_counter()
                conn.exec_driver_sql(statement, params).fetchall()
                durations.append((time.perf_counter() - started) * 1000)
            result[f"{kind}_ms"] = round(percentile(durations, 0.5), 2)
        conn.rollback()
    return result


def run_benchmark(app: Flask, repeat: int = 200, warmup: int = 5, budget: float = 30.0) -> dict:
    """Time every common query on an app's database; returns the figures as a dict."""
    with app.app_context():
        check_schema()
        headers = bearer_headers()
        queries = common_queries()
        tasks = db.session.scalar(select(func.count(Task.id)))
        dialect = db.engine.dialect.name
        engine = db.engine
        timer = SqlTimer(engine)
        db.session.remove()
    timers = (timer, WsgiTimer(app))
    client = app.test_client()
    results = {}
    for name, params in queries.items():
        time_query(client, headers, timers, params, warmup, budget)
        results[name] = {"params": params} | time_query(
            client, headers, timers, params, repeat, budget
        )
        results[name]["sql_direct_p50_ms"] = time_statements(engine, timer, repeat, budget / 2)
    return {
        "tasks": tasks,
        "database": dialect,
        "repeat": repeat,
        "load_average": os.getloadavg(),
        "queries": results,
    }


def report(result: dict) -> str:
    """Return a human-readable table of the figures."""
    load = "/".join(f"{x:.1f}" for x in result["load_average"])
    lines = [f"{result['tasks']} tasks on {result['database']}, load average {load} (ms)"]
    lines.append(f"{'query':24} {'total':>8}" + "".join(f"{c:>8}" for c in REPORT_COLUMNS))
    for name, row in result["queries"].items():
        values = row | row["sql_direct_p50_ms"]
        cells = "".join(f"{values[key]:>8}" for key in REPORT_COLUMNS.values())
        lines.append(f"{name:24} {row['total']:>8}{cells}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark; print the JSON to stdout and a table to stderr."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.list_tasks", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database-url", help="default: TRACKER_DATABASE_URL or instance/tracker.db"
    )
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per query first")
    parser.add_argument("--budget", type=float, default=30.0, help="max seconds per query")
    args = parser.parse_args(argv)
    app = build_app(args.database_url)
    result = run_benchmark(app, args.repeat, args.warmup, args.budget)
    print(report(result), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
