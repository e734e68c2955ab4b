"""The schemathesis command line against the real service: gunicorn on PostgreSQL, all phases.

A fresh schema, migrated, with the demo data (so that ids exist); examples, coverage, fuzzing and
the stateful phase that follows the OpenAPI links (api/links.py). Two passes: an administrator
over every operation, then the Police ministry's clerk over the task operations (only the lead
agency may report or ask for an extension). Every check but `positive_data_acceptance` is on:
domain rules that OpenAPI cannot express (a due date after the directive, a known agency code)
rightly refuse some schema-valid requests. Each pass has a fixed number of examples per operation
and a hard time bound; the figures are printed (`pytest -s`) and kept in the JSON reports.
One client worker: with several, CPython 3.11's `ast.parse` (which Hypothesis calls to describe
filters) races between threads and fails with "AST constructor recursion depth mismatch"
(python/cpython#106905), a fault of the tool, not of the service.

Runs only when TRACKER_TEST_DATABASE_URL names a PostgreSQL server (CI sets it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL
from tests.live_server import PROJECT_ROOT, LiveServer, prepare, private_database
from tracker.clock import current_clock
from tracker.demo.loader import ensure_demo_contacts, ensure_demo_users, load_demo
from tracker.users.service import create_token, get_user_by_email

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TRACKER_TEST_DATABASE_URL (PostgreSQL)")

ST = Path(sys.executable).with_name("st")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261130")
ADMIN = "admin@live.test"  # made by tests.live_server.prepare
AGENCY_CLERK = "vanthu@demo.bocongan.gov.vn"  # a demo user of MPS, which leads three demo tasks
FUZZ = "examples,coverage,fuzzing"
TASK_OPERATIONS = ("--include-path-regex", "^/api/v1/tasks")
TOKEN_OPERATIONS = ("--include-path-regex", "^/api/v1/tokens")
# Revoking a token could revoke the one the run uses (ids are small integers, and schemathesis
# infers links from lists): token operations get a pass of their own, with a token of their own.
NOT_REVOKE = ("--exclude-path-regex", "^/api/v1/tokens/.*/revoke$")
PASSES = [
    # (name, whose token, arguments, hard time bound in seconds)
    ("admin", "admin", ["--phases", FUZZ, "--max-examples", "20", *NOT_REVOKE], 240),
    # Stateful testing repeats scenarios until its time is spent.
    ("admin-stateful", "admin", ["--phases", "stateful", "--max-time", "20", *NOT_REVOKE], 90),
    (
        "agency",
        "agency",
        [*("--phases", FUZZ + ",stateful", "--max-examples", "15"), *TASK_OPERATIONS],
        150,
    ),
    (
        "tokens",
        "tokens",
        [*("--phases", FUZZ + ",stateful", "--max-examples", "15"), *TOKEN_OPERATIONS],
        90,
    ),
]
# The run sends thousands of requests with bad credentials from one address on purpose (the
# ignored_auth check): the failed-authentication limits (tested in test_ratelimit.py) are raised,
# or every later request would be a 429.
SERVER_ENV = {
    "TRACKER_LOG_LEVEL": "WARNING",
    "TRACKER_AUTH_FAILURES_PER_CLIENT": "1000000/minute",
    "TRACKER_AUTH_FAILURES_PER_TOKEN": "1000000/minute",
}
CHECKS = ["--checks", "all", "--exclude-checks", "positive_data_acceptance"]


def load_demo_data() -> dict[str, str]:
    """The demo notice, users and contacts; return a token of the agency clerk."""
    clock = current_clock()
    load_demo(clock.now(), clock.today())
    ensure_demo_users(clock.now())
    ensure_demo_contacts(clock.now())
    tokens["agency"] = create_token(get_user_by_email(AGENCY_CLERK), "fuzz", clock.now())[1]
    tokens["tokens"] = create_token(get_user_by_email(ADMIN), "fuzz tokens", clock.now())[1]


tokens: dict[str, str] = {}  # role -> raw token, filled while the database is prepared


def run_pass(name: str, arguments: list[str], bound: int, server, token, report_dir) -> dict:
    """Run one pass of the command line; return its JSON report (with its output added)."""
    command = [
        str(ST), "--config-file", str(PROJECT_ROOT / "schemathesis.toml"), "--no-color", "run",
        f"http://127.0.0.1:{server.port}/api/v1/openapi.json",
        "-H", f"Authorization: Bearer {token}",
        "--seed", SEED, "--workers", "1", "--request-timeout", "30",
        "--generation-database", "none",
        "--report", "json", "--report-dir", str(report_dir / name),
        *CHECKS, *arguments,
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, cwd=report_dir, capture_output=True, text=True, timeout=bound, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"schemathesis pass {name!r} ran over its bound of {bound} s")
    (report,) = (report_dir / name).glob("json-*.json")
    result = json.loads(report.read_text())
    result["output"] = done.stdout + done.stderr
    return result


def figures(name: str, result: dict) -> str:
    """One line of figures for the log."""
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", result["output"])
    scenarios = re.search(r"Scenarios:\s+(\d+)", result["output"])
    cases = result["test_cases"]
    return (
        f"schemathesis {name}: {cases['generated']} cases, {cases['with_failures']} failing, "
        f"{len(result['errors'])} errors, {result['running_time']:.0f} s, stateful "
        f"{scenarios.group(1) if scenarios else '?'} scenarios, "
        f"{links.group(1) if links else '?'}/{links.group(2) if links else '?'} links covered"
    )


def test_the_command_line_finds_no_server_error_and_no_schema_violation(tmp_path):
    with private_database("postgresql", PG_URL, tmp_path) as url:
        tokens["admin"] = prepare(url, load_demo_data)["Authorization"].removeprefix("Bearer ")
        server = LiveServer(url, tmp_path / "server.log", SERVER_ENV).start()
        try:
            results = {
                name: run_pass(name, arguments, bound, server, tokens[who], tmp_path)
                for name, who, arguments, bound in PASSES
            }
        finally:
            server.stop()
    for name, result in results.items():
        print(figures(name, result))
        assert result["exit_code"] == 0 and result["complete"], result["output"][-6000:]
        assert result["failures"] == [] and result["errors"] == [], result["output"][-6000:]
        assert {p["status"] for p in result["phases"].values()} <= {"success", "skip"}
    ran = {
        phase
        for r in results.values()
        for phase, p in r["phases"].items()
        if p["status"] == "success"
    }
    assert ran == {"examples", "coverage", "fuzzing", "stateful"}
    total = sum(result["test_cases"]["generated"] for result in results.values())
    print(f"schemathesis total: {total} cases")
    assert total >= 3000, f"only {total} cases: not the several thousand intended"
    log = (tmp_path / "server.log").read_text().splitlines()
    errors = [line for line in log if "ERROR" in line]
    assert errors == [], errors[:20]
