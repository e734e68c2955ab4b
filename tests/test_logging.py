"""Log lines: JSON objects (or text) carrying the request id, or the job id and run id."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from api.app import create_app
from jobs.runner import run_job
from tracker.extensions import db
from tracker.logs import HANDLER_NAME, JsonFormatter, TextFormatter, configure_logging, log_context

ROOT = Path(__file__).resolve().parent.parent
SECRET = {"SECRET_KEY": "logging-test-secret-0123456789"}


@pytest.fixture
def captured():
    """Every record logged during the test, as the JSON lines the service would write."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def record(message: str, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("tracker.test", logging.WARNING, __file__, 1, message, (), exc_info)


def test_a_json_line_has_time_level_logger_message_and_the_context():
    with log_context(request_id="r-1", user_id=7):
        line = JsonFormatter().format(record("Nhiệm vụ %s"))
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "tracker.test"
    assert entry["message"] == "Nhiệm vụ %s"
    assert (entry["request_id"], entry["user_id"]) == ("r-1", 7)
    assert entry["time"].endswith("+00:00")
    assert "\n" not in line


def test_an_exception_stays_inside_its_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        line = JsonFormatter().format(record("failed", exc_info=sys.exc_info()))
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_the_text_line_shows_the_context_too():
    with log_context(job_id="heartbeat", run_id="abc"):
        line = TextFormatter().format(record("scheduler heartbeat"))
    assert line.endswith("scheduler heartbeat [job_id=heartbeat run_id=abc]")


def test_the_setting_picks_the_format_and_replaces_our_handler(app, tmp_path):
    stream = io.StringIO()
    try:
        configure_logging("INFO", "json", stream=stream)
        configure_logging("INFO", "json", stream=stream)
        ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
        logging.getLogger("tracker.test").info("hello")
        assert json.loads(stream.getvalue())["message"] == "hello"
        json_app = create_app(
            {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LOG_FORMAT": "json"} | SECRET
        )
        assert json_app.extensions["tracker.settings"].log_format == "json"
        ours = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
    finally:
        configure_logging("INFO", "text")


def test_each_request_is_logged_once_with_its_id_user_status_and_duration(client, make, captured):
    user, raw = make.user("office")
    response = client.get(
        "/api/v1/tasks/424242",
        headers={"Authorization": f"Bearer {raw}", "X-Request-Id": "case-17"},
    )
    assert response.status_code == 404
    response.close()
    lines = [e for e in captured() if e["logger"] == "tracker.request"]
    assert len(lines) == 1
    entry = lines[0]
    assert entry["request_id"] == "case-17" and entry["user_id"] == user.id
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/tasks/424242", 404)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0


def test_an_anonymous_request_is_logged_without_a_user_and_the_query_string_is_not(
    client, captured
):
    response = client.get("/api/v1/agencies/MOF/calendar.ics?token=secret-feed-token")
    response.close()
    (entry,) = [e for e in captured() if e["logger"] == "tracker.request"]
    assert entry["user_id"] is None and len(entry["request_id"]) == 32
    assert "secret-feed-token" not in json.dumps(captured())


def test_lines_logged_while_handling_a_request_carry_its_id(client, office, captured, monkeypatch):
    def failing(*_args, **_kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("api.directives.service.get_directive", failing)
    response = client.get("/api/v1/directives/1", headers=office | {"X-Request-Id": "bug-1"})
    assert response.status_code == 500 and response.json["request_id"] == "bug-1"
    assert "bug" not in response.json["message"]
    (error,) = [e for e in captured() if e["logger"] == "api.errors"]
    assert error["request_id"] == "bug-1" and "RuntimeError: bug" in error["exception"]


def test_a_job_run_logs_with_its_job_id_and_a_run_id_of_its_own(app, db_session, captured):
    def job():
        logging.getLogger("jobs.test").info("working")
        return "ok"

    run_job(app, "test.job", job)
    run_job(app, "test.job", job)
    working = [e for e in captured() if e["message"] == "working"]
    assert [e["job_id"] for e in working] == ["test.job", "test.job"]
    assert len({e["run_id"] for e in working}) == 2
    assert all("request_id" not in e for e in working)


def test_a_failed_job_run_is_logged_with_its_run_id(app, db_session, captured):
    def job():
        raise RuntimeError("smtp down")

    with pytest.raises(RuntimeError):
        run_job(app, "test.fail", job)
    (failure,) = [e for e in captured() if e["level"] == "ERROR"]
    assert failure["job_id"] == "test.fail" and failure["run_id"]
    assert "smtp down" in failure["exception"] and failure["duration_ms"] >= 0


def json_environment(tmp_path) -> dict[str, str]:
    """A process environment with JSON logs on a SQLite database of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env |= {"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}"}
    env |= {"TRACKER_LOG_FORMAT": "json", "TRACKER_SECRET_KEY": SECRET["SECRET_KEY"]}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def test_a_job_command_in_json_mode_writes_only_json_lines(tmp_path):
    """The scheduler's commands log the same way as the web: one JSON object per line."""
    env = json_environment(tmp_path) | {"TRACKER_LOG_LEVEL": "DEBUG"}  # a run's end is DEBUG
    entries = []
    for args in (["db", "upgrade"], ["tracker", "reminders", "run", "--today", "2026-12-01"]):
        done = subprocess.run(
            [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        entries += [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    assert isinstance(json.loads(done.stdout), dict)  # the command's result, on standard output
    assert any(e["logger"] == "alembic.runtime.migration" for e in entries)
    (finished,) = [e for e in entries if e["message"].startswith("job reminders.run done")]
    assert finished["job_id"] == "reminders.run" and len(finished["run_id"]) == 32
    assert finished["duration_ms"] >= 0


def test_sql_echo_goes_through_the_same_handler(tmp_path, captured):
    url = f"sqlite:///{tmp_path / 'echo.db'}"
    app = create_app({"DATABASE_URL": url, "SQL_ECHO": True} | SECRET)
    try:
        with app.app_context():
            db.session.execute(text("SELECT 42"))
            db.session.remove()
            db.engine.dispose()
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert any(e["message"] == "SELECT 42" for e in captured())


def test_the_scheduler_announces_itself_in_the_log_format_whatever_the_level(tmp_path):
    env = json_environment(tmp_path) | {"TRACKER_LOG_LEVEL": "WARNING"}
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, check=True)
    with subprocess.Popen(
        [*FLASK, "tracker", "scheduler"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            line = process.stdout.readline()
        finally:
            process.terminate()
            process.wait(30)
    entry = json.loads(line)
    assert entry["message"].startswith("Scheduler started with jobs: heartbeat")
    assert entry["level"] == "INFO" and entry["logger"] == "jobs.cli"
