"""One benchmark run at scale: `python -m bench.run --tasks N [--db sqlite|postgresql] [--json]`.

Seeds N tasks into a fresh database (bench.seed, plus reports, extensions, users and tokens from
bench.workload), starts the real service under gunicorn (2 workers) on a free loopback port, drives
it with wrk (or a Python client) in a separate process, measures the statistics, an XLSX export
and the reminders in processes of their own, and prints one JSON object. With --compare-redmine it
then runs the equivalent requests against Redmine 5 (../shared/peer/redmine_peer.sh, as root) with
the same generator and prints both figures and the ratios. docs/benchmarks.md explains each figure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import multiprocessing
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import make_url

from bench import seed, workload
from bench.loadgen import available_generator
from bench.measure import LoadPlan, log, measure_ours, measure_redmine, ratios
from bench.redmine import RedminePeer, find_script
from bench.run_reminders import measure_reminders
from bench.scratch import DEFAULT_POSTGRES_URL, scratch_database
from bench.server import PROJECT_ROOT, SERVERS, Gunicorn
from tracker.extensions import db

EXPORT_TASKS = 100_000
HEADLINE = (
    "tasks", "database", "list_p50_ms", "list_p95_ms", "list_rps", "get_rps", "create_rps",
    "report_rps", "report_errors", "stats_ms", "plan_s", "plan_peak_mb", "deliver_per_s",
    "export_100k_peak_mb", "worker_rss_mb", "not_measured", "load_errors",
)  # fmt: skip


def seed_database(url: str, args: argparse.Namespace) -> tuple[dict, workload.Workload]:
    """Seed in a fresh process, so that this one stays small.

    A process's peak RSS as getrusage reports it survives exec: were this process big, every
    process it starts later (the export, the reminders) would report its size as their peak.
    """
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(_seed, url, args.tasks, args.seed, args.extend_share).result()


def _seed(
    url: str, tasks: int, seed_value: int, extend_share: float
) -> tuple[dict, workload.Workload]:
    """Seed the tasks, then the history and tokens of the workload (in the seeding process)."""
    app = seed.build_app(url)
    with app.app_context():
        log(f"seeding {tasks} tasks into {db.engine.dialect.name}")
        figures = seed.seed(tasks, seed_value)
        started = time.perf_counter()
        prepared = workload.prepare(extend_share, seed_value)
        figures["history_seconds"] = round(time.perf_counter() - started, 2)
        db.session.remove()
        db.engine.dispose()
    return figures | prepared.history, prepared


def measure_export(url: str, dated_tasks: int) -> dict:
    """Export the tasks due last (at most 100,000) as XLSX with bench.stats_export's measurement.

    It runs in a process of its own, so that its peak RSS is the export's, not the harness's.
    """
    size = min(EXPORT_TASKS, dated_tasks)
    log(f"XLSX export of {size} tasks")
    command = [sys.executable, "-m", "bench.stats_export", "--database-url", url]
    command += ["--tasks", str(size), "--format", "xlsx"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench.stats_export failed: {done.stderr.strip()[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare_redmine(args: argparse.Namespace, plan: LoadPlan, logs: Path) -> dict:
    """Start the peer, measure it, stop it (only if we started it)."""
    peer = RedminePeer(find_script(args.redmine_script), args.redmine_issues, logs / "redmine.log")
    log("starting Redmine (redmine_peer.sh all; the first time installs packages)")
    peer.start()
    try:
        return measure_redmine(peer, plan)
    finally:
        log("stopping Redmine")
        peer.finish()


def headline(ours: dict, export: dict, reminders: dict, tasks: int, database: str) -> dict:
    """The figures the issue asks for, at the top of the JSON."""
    return {
        "tasks": tasks,
        "database": database,
        "list_p50_ms": ours["list_latency"]["p50_ms"],
        "list_p95_ms": ours["list_latency"]["p95_ms"],
        "list_rps": ours["list_load"]["rps"],
        "get_rps": ours["get_load"]["rps"],
        "create_rps": ours["create_load"]["rps"],
        "report_rps": ours["report_load"]["rps"],
        "report_errors": ours["report_load"]["errors"],
        "stats_ms": ours["stats_latency"]["p50_ms"],
        "plan_s": reminders["plan_s"],
        "plan_peak_mb": reminders["plan_peak_mb"],
        "deliver_per_s": reminders["deliver_per_s"],
        "export_100k_peak_mb": export["peak_rss_mb"],
        "worker_rss_mb": max(ours["worker_rss_mb"], default=None),
        "not_measured": reminders["not_measured"],
        "load_errors": {
            k: ours[f"{k}_load"]["errors"] for k in ("list", "get", "create", "report")
        },
    }


def machine() -> dict:
    """What the figures were measured on."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def git_commit() -> str | None:
    """Return the checked-out commit, if this is a git tree."""
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or None


def loadavg() -> list[float]:
    """Return the 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def run(args: argparse.Namespace) -> dict:
    """Run the benchmark; its logs (gunicorn, Redmine) are kept only if it fails or if asked."""
    logs = Path(tempfile.mkdtemp(prefix="bench-run-logs-"))
    try:
        result = measure_all(args, logs)
    except BaseException:
        log(f"failed; logs in {logs}")
        raise
    if args.keep_logs:
        result["run"]["logs"] = str(logs)
    else:
        shutil.rmtree(logs, ignore_errors=True)
    return result


def measure_all(args: argparse.Namespace, logs: Path) -> dict:
    """Seed, serve, measure; return the JSON object."""
    plan = LoadPlan(
        available_generator(args.loadgen),
        args.connections,
        args.duration,
        args.latency_duration,
        args.filter_duration,
        args.warmup,
    )
    load = {"start": loadavg()}
    started = dt.datetime.now(dt.UTC)
    with scratch_database(args.db, args.postgres_url) as url:
        scratch = make_url(url).database
        seeded, prepared = seed_database(url, args)
        load["before_load"] = loadavg()
        log(f"starting gunicorn ({args.workers} {args.server} workers); load {plan.generator}")
        with Gunicorn(url, args.workers, logs / "gunicorn.log", args.server) as server:
            ours = measure_ours(server, prepared, plan, args.compare_redmine)
        load["after_load"] = loadavg()
        export = measure_export(url, seeded["dated_tasks"])
        log("reminders")
        reminders = measure_reminders(url, args.due_tasks)
    result = headline(ours, export, reminders, seeded["tasks"], args.db)
    if args.compare_redmine:
        theirs = compare_redmine(args, plan, logs)
        result["redmine"] = {
            "ours": ours_for_comparison(ours),
            "theirs": theirs,
            "ratios": ratios(ours, theirs),
        }
    load["end"] = loadavg()
    result["details"] = {
        "service": ours,
        "export": export,
        "reminders": reminders,
        "seed": seeded,
        "list_params": prepared.list_params,
        "stats_params": prepared.stats_params,
    }
    result["run"] = {
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "commit": git_commit(),
        "scratch_database": scratch,  # removed at the end (a file, or a PostgreSQL database)
        "machine": machine(),
        "load_average": load,
        "plan": {
            "generator": plan.generator,
            "workers": args.workers,
            "server": args.server,
            "connections": plan.connections,
            "duration_s": plan.duration,
            "latency_duration_s": plan.latency_duration,
        },
    }
    return result


def ours_for_comparison(ours: dict) -> dict:
    """Our side of the comparison."""
    return {
        key: ours[key]
        for key in (
            "page100_latency",
            "page100_load",
            "page100_rows",
            "page100_total",
            "get_load",
            "create_load",
            "worker_rss_mb",
        )
    }


def summary(result: dict) -> str:
    """A few readable lines of the headline figures and the ratios."""
    lines = [f"{key:22} {result[key]}" for key in HEADLINE]
    if "redmine" in result:
        lines += [
            f"redmine ratio {key:14} {value}" for key, value in result["redmine"]["ratios"].items()
        ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--tasks", type=int, required=True, help="tasks to seed")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument(
        "--compare-redmine", action="store_true", help="also measure Redmine (root)"
    )
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES_URL, help="server to create a database on"
    )
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="production",
        help="gunicorn settings: deploy/gunicorn.conf.py (threaded workers) or plain sync workers",
    )
    parser.add_argument("--connections", type=int, default=8, help="connections under load")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each load")
    parser.add_argument(
        "--latency-duration", type=float, default=10.0, help="seconds of each latency run"
    )
    parser.add_argument(
        "--filter-duration", type=float, default=3.0, help="seconds per list filter (0: skip)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="seconds of warm-up per request kind"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument("--keep-logs", action="store_true", help="keep gunicorn's, Redmine's logs")
    parser.add_argument(
        "--extend-share", type=float, default=0.05, help="dated tasks extended once"
    )
    parser.add_argument(
        "--due-tasks", type=int, default=10_000, help="tasks due in the reminder windows"
    )
    parser.add_argument(
        "--redmine-issues", type=int, default=10_000, help="issues Redmine is seeded with"
    )
    parser.add_argument(
        "--redmine-script", help="path of redmine_peer.sh (default ../shared/peer/)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the JSON (or a summary and the JSON)."""
    args = parse_args(argv)
    result = run(args)
    if not args.json:
        print(summary(result), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
