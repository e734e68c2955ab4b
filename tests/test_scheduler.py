"""The scheduler: its job table, the unit of work around each job, and the process itself."""

from __future__ import annotations

import datetime as dt
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from jobs.registry import JOBS, heartbeat
from jobs.runner import run_job
from jobs.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler
from tracker.db import has_write_intent
from tracker.directives.models import Directive
from tracker.directives.service import DirectiveInput, create_directive

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROCESS_DEADLINE_SECONDS = 20


def test_build_scheduler_registers_the_heartbeat(app):
    scheduler = build_scheduler(app)
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {spec.id for spec in JOBS}
    job = jobs["heartbeat"]
    assert job.name == "heartbeat"
    assert job.max_instances == 1
    assert job.coalesce is True
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS > 0
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == dt.timedelta(seconds=60)
    assert str(job.trigger.timezone) == "Asia/Ho_Chi_Minh"
    assert job.func is run_job
    assert job.args == (app, "heartbeat", heartbeat)


def test_job_intervals_come_from_the_settings(app, settings_with):
    settings_with(scheduler_plan_seconds=7, scheduler_deliver_seconds=2)
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs["reminders.plan"].trigger.interval == dt.timedelta(seconds=7)
    assert jobs["reminders.deliver"].trigger.interval == dt.timedelta(seconds=2)
    assert jobs["heartbeat"].trigger.interval == dt.timedelta(seconds=60)


def test_default_job_intervals(app):
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs["reminders.plan"].trigger.interval == dt.timedelta(minutes=10)
    assert jobs["reminders.deliver"].trigger.interval == dt.timedelta(minutes=1)


def test_build_scheduler_twice_gives_independent_schedulers(app):
    first, second = build_scheduler(app), build_scheduler(app)
    assert first is not second
    ids = [spec.id for spec in JOBS]
    assert [j.id for j in first.get_jobs()] == [j.id for j in second.get_jobs()] == ids


def test_heartbeat_runs_as_a_job(app, db_session):
    assert run_job(app, "heartbeat", heartbeat) == "ok"


def directive_job(number: str, fail: bool = False):
    """A job that creates a directive through the service, then maybe fails."""

    def job():
        assert has_write_intent()
        create_directive(
            DirectiveInput(
                number=number,
                title="Văn bản do tác vụ tạo",
                kind="conclusion_notice",
                issued_on=dt.date(2026, 5, 1),
                issuer="Văn phòng Chính phủ",
            ),
            None,
            dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC),
        )
        if fail:
            raise RuntimeError("the job broke after writing")
        return "created"

    return job


def count_directives(session, number: str) -> int:
    """Count in a fresh transaction (the job committed on its own session and connection)."""
    session.rollback()
    query = select(func.count()).select_from(Directive).where(Directive.number == number)
    count = session.scalar(query)
    session.rollback()
    return count


def test_run_job_commits_on_success(app, db_session):
    assert run_job(app, "test-create", directive_job("1/JOB")) == "created"
    assert count_directives(db_session, "1/JOB") == 1
    assert not has_write_intent()


def test_run_job_rolls_back_and_reraises_on_failure(app, db_session, caplog):
    with pytest.raises(RuntimeError, match="broke after writing"):
        run_job(app, "test-fail", directive_job("2/JOB", fail=True))
    assert count_directives(db_session, "2/JOB") == 0
    assert not has_write_intent()
    assert any("job test-fail failed" in r.getMessage() for r in caplog.records)
    # The database is usable afterwards.
    assert run_job(app, "test-create", directive_job("3/JOB")) == "created"
    assert count_directives(db_session, "3/JOB") == 1


def _clean_environment(database_url: str) -> dict:
    """The caller's environment without TRACKER_* settings, plus the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env["TRACKER_DATABASE_URL"] = database_url
    env["TRACKER_SECRET_KEY"] = secrets.token_urlsafe(32)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _pump(stream, lines: queue.Queue) -> None:
    """Copy a process's output into a queue, line by line."""
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def _ignore_sigint() -> None:
    """Start a child as a shell starts `cmd &`: with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_scheduler_runs_as_its_own_process(tmp_path, stop_signal):
    env = _clean_environment(f"sqlite:///{tmp_path / 'scheduler.db'}")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    upgrade = subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE_SECONDS,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "scheduler.db").exists()

    deadline = time.monotonic() + PROCESS_DEADLINE_SECONDS
    lines: queue.Queue = queue.Queue()
    seen: list[str] = []
    with subprocess.Popen(
        [*flask, "tracker", "scheduler"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_ignore_sigint,
    ) as process:
        reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            while not any("Scheduler started" in line for line in seen):
                remaining = deadline - time.monotonic()
                assert remaining > 0, "no 'Scheduler started' in time:\n" + "".join(seen)
                try:
                    line = lines.get(timeout=remaining)
                except queue.Empty:
                    continue
                assert line is not None, "the scheduler exited early:\n" + "".join(seen)
                seen.append(line)
            assert "heartbeat" in "".join(seen)
            assert process.poll() is None, "the scheduler must keep running"
            process.send_signal(stop_signal)
            returncode = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        reader.join(timeout=5)
    while not lines.empty():
        line = lines.get()
        if line is not None:
            seen.append(line)
    output = "".join(seen)
    assert returncode == 0, output
    assert "Scheduler stopped." in output
    assert "Traceback" not in output
