"""One export in its own process: `python -m bench.stats_export --database-url URL --tasks N`.

Picks the N tasks due last (a due-date range), streams `GET /api/v1/tasks?format=...` through the
app and discards the bytes; prints rows, bytes, seconds and the process's peak memory (max RSS),
with the baseline RSS measured once the app was ready.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from collections.abc import Sequence

from sqlalchemy import func, select

from api.app import create_app
from bench.secret import throwaway_secret
from bench.stats_history import bench_headers
from tracker.extensions import db
from tracker.tasks.models import Task


def peak_rss_mb() -> float:
    """Return the process's peak resident memory so far, in MB.

    Linux's VmHWM, not getrusage's ru_maxrss: the latter survives exec, so a child started by a
    large parent (bench.run after seeding) would report the parent's size as its own peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def due_range_of_last(count: int) -> tuple[dt.date, dt.date]:
    """Return a due-date range holding about the `count` tasks due last."""
    dated = select(Task.due_date).where(Task.due_date.is_not(None))
    first = db.session.scalar(dated.order_by(Task.due_date.desc()).offset(count - 1).limit(1))
    return first, db.session.scalar(select(func.max(Task.due_date)))


def export(app, size: int, fmt: str) -> dict:
    """Stream one export and measure it."""
    with app.app_context():
        first, last = due_range_of_last(size)
        headers = bench_headers()
        db.session.remove()
    client = app.test_client()
    params = {"format": fmt, "due_from": str(first), "due_to": str(last), "sort": "id"}
    baseline = peak_rss_mb()
    started = time.perf_counter()
    response = client.get("/api/v1/tasks", query_string=params, headers=headers, buffered=False)
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} {response.get_data(as_text=True)[:500]}")
    size_bytes = rows = 0
    for chunk in response.response:
        size_bytes += len(chunk)
        rows += chunk.count(b"\n") if fmt == "csv" else 0
    response.close()
    seconds = time.perf_counter() - started
    with app.app_context():
        matching = db.session.scalar(select(func.count()).where(Task.due_date.between(first, last)))
    return {
        "format": fmt,
        "tasks": matching,
        "csv_lines": rows if fmt == "csv" else None,
        "bytes": size_bytes,
        "seconds": round(seconds, 2),
        "tasks_per_second": round(matching / seconds),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run one export and print its figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.stats_export")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    args = parser.parse_args(argv)
    config = {"DATABASE_URL": args.database_url, "EXPORT_MAX_ROWS": 10_000_000}
    app = create_app(config | {"SECRET_KEY": throwaway_secret()})
    print(json.dumps(export(app, args.tasks, args.format)), flush=True)


if __name__ == "__main__":
    main()
