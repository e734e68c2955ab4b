"""Time the statistics and the exports: `python -m bench.stats --database-url URL`.

Run it on a seeded database (`python -m bench.seed --tasks 1000000`). The seed has no extension
history, so first a share of dated tasks (default 5%) is extended once, as in real life (once;
statistics are refreshed after). Then, through the real app and an office token:
- the agency statistics for recent quarters, both bases: p50/p95 of the request and its CPU time;
- the monthly trend over twelve months;
- the XLSX (and CSV) export of N tasks, each size in its own process, so that the peak memory
  (max RSS) of one export can be compared across sizes: constant memory means equal peaks.
One JSON object goes to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Sequence

from flask import Flask
from sqlalchemy import func, select, text

from api.app import create_app
from bench.list_tasks import WsgiTimer
from bench.secret import throwaway_secret
from bench.stats_history import add_extensions, bench_headers
from tracker.clock import current_clock
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.workflow.models import Extension

EXPORT_SIZES = (10_000, 50_000, 100_000)


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(wall: list[float], cpu: list[float]) -> dict:
    """Summarise timings in milliseconds."""
    return {
        "n": len(wall),
        "p50_ms": round(percentile(wall, 0.5), 1),
        "p95_ms": round(percentile(wall, 0.95), 1),
        "max_ms": round(max(wall), 1),
        "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
    }


def time_get(app: Flask, timer: WsgiTimer, url: str, params: dict, repeat: int) -> dict:
    """GET a URL `repeat` times after a warm-up; return timings and the last JSON body."""
    client, headers = app.test_client(), bench_headers()
    wall, cpu, body = [], [], None
    for attempt in range(repeat + 1):
        response = client.get(url, query_string=params, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} {params}: {response.status_code} {response.json}")
        body = response.json
        if attempt:  # the first request warms caches
            wall.append(timer.last * 1000)
            cpu.append(timer.last_cpu * 1000)
    return {**summary(wall, cpu), "body": body}


def recent_quarters(today: dt.date, count: int = 4) -> list[str]:
    """Return the current quarter and the ones before it, as 2026-Q2."""
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index, index - count, -1)]


def time_statistics(app: Flask, repeat: int) -> dict:
    """Time the agency table for recent quarters on both bases, and the monthly trend."""
    timer, results = WsgiTimer(app), {}
    for period in recent_quarters(current_clock().today()):
        for basis in ("effective", "original"):
            timed = time_get(
                app, timer, "/api/v1/stats/agencies", {"period": period, "basis": basis}, repeat
            )
            totals = timed.pop("body")["totals"]
            timed["tasks_counted"] = totals["total"] + totals["regular"] + totals["withdrawn"]
            results[f"agencies_{period}_{basis}"] = timed
    trend = time_get(app, timer, "/api/v1/stats/trend", {}, max(3, repeat // 4))
    trend.pop("body")
    results["trend_12_months"] = trend
    return results


def refresh_statistics() -> None:
    """Let the planner know the data again (and PostgreSQL's visibility map) after changes."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tasks, extensions"))


def time_export(url: str, size: int, fmt: str) -> dict:
    """Run one export in a fresh process and return its figures."""
    command = [sys.executable, "-m", "bench.stats_export", "--database-url", url]
    command += ["--tasks", str(size), "--format", fmt]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    summary_line = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=summary_line)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20, help="requests per statistic")
    parser.add_argument("--extend-share", type=float, default=0.05, help="tasks to extend once")
    parser.add_argument("--export-sizes", default=",".join(map(str, EXPORT_SIZES)))
    parser.add_argument("--formats", default="xlsx,csv")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Prepare, time, print one JSON object."""
    args = parse_args(argv)
    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": throwaway_secret()})
    with app.app_context():
        tasks = db.session.scalar(select(func.count()).select_from(Task))
        added = add_extensions(args.extend_share, current_clock().today())
        if added:
            refresh_statistics()
        extensions = db.session.scalar(select(func.count()).select_from(Extension))
        result = {
            "database": db.engine.dialect.name,
            "tasks": tasks,
            "extensions": extensions,
            "statistics": time_statistics(app, args.repeat),
        }
        db.engine.dispose()
    sizes = [int(size) for size in args.export_sizes.split(",") if size]
    result["exports"] = [
        time_export(args.database_url, size, fmt)
        for fmt in args.formats.split(",")
        for size in sizes
    ]
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
