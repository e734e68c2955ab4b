"""Smoke test of `python -m bench.run`: 300 tasks, short loads, no Redmine.

It checks the harness end to end (seed, gunicorn, load generator, export, JSON), not the speed:
every headline figure is a positive number, except those not measurable in this tree, which are
null and named in `not_measured`. On SQLite always; on PostgreSQL too when the suite has a server
(TRACKER_TEST_DATABASE_URL), where the run's private database must be gone afterwards.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from bench.loadgen import Request, run_load
from bench.run_reminders import FIGURES, reminders_available

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = (
    "list_p50_ms", "list_p95_ms", "list_rps", "get_rps", "create_rps", "report_rps", "stats_ms",
    "export_100k_peak_mb", "worker_rss_mb",
)  # fmt: skip
GENERATORS = ["python"] + (["wrk"] if shutil.which("wrk") else [])
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")


def server_url() -> str:
    """The PostgreSQL server of the test suite, as a URL to its maintenance database."""
    return (
        make_url(PG_URL)
        .set(drivername="postgresql", database="postgres", query={})
        .render_as_string(hide_password=False)
    )


def bench_databases() -> set[str]:
    """Names of the benchmark's private databases on the server."""
    with psycopg.connect(server_url()) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bench_run_%'")
        return {name for (name,) in rows}


@pytest.mark.parametrize("database", ["sqlite"] + (["postgresql"] if PG_URL else []))
def test_bench_run_end_to_end(database):
    """The harness seeds, serves, loads and prints one JSON object with every figure."""
    command = [sys.executable, "-m", "bench.run", "--tasks", "300", "--db", database, "--json"]
    command += ["--duration", "1", "--latency-duration", "1", "--filter-duration", "0"]
    command += ["--warmup", "0.5", "--due-tasks", "200", "--loadgen", GENERATORS[-1]]
    if database == "postgresql":
        command += ["--postgres-url", server_url()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["tasks"] == 300 and result["database"] == database
    if database == "postgresql":
        # Only this run's database: other suites on the shared server run the harness too.
        assert result["run"]["scratch_database"] not in bench_databases()
    for key in NUMBERS:
        assert isinstance(result[key], int | float) and result[key] > 0, key
    assert result["report_errors"] == 0
    assert result["load_errors"] == {"list": 0, "get": 0, "create": 0, "report": 0}
    assert result["list_p50_ms"] <= result["list_p95_ms"]
    service = result["details"]["service"]
    for load in ("list_load", "get_load", "create_load", "report_load"):
        assert service[load]["errors"] == 0 and service[load]["connections"] == 8, load
    assert result["details"]["export"]["tasks"] > 0
    if reminders_available():
        assert result["not_measured"] == []
        assert all(result[key] > 0 for key in FIGURES)
    else:
        assert result["not_measured"] == list(FIGURES)
        assert all(result[key] is None for key in FIGURES)
    assert "redmine" not in result


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers GET / with 200 and anything else with 404."""

    def do_GET(self):
        body = b'{"ok": true}' if self.path == "/" else b"{}"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        """Quiet."""


class _QuietServer(http.server.ThreadingHTTPServer):
    """A test server that ignores clients hanging up at the end of a load."""

    def handle_error(self, request, client_address):
        """Quiet."""


@pytest.mark.parametrize("generator", GENERATORS)
def test_load_generators_count_requests_and_errors(generator):
    """Each generator reports requests, latencies and the responses with an error status."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        good = Request("GET", "/", {"Connection": "close"})
        bad = Request("GET", "/missing", {"Connection": "close"})
        result = run_load(generator, base, [good, bad], connections=2, duration=1)
    finally:
        server.shutdown()
        server.server_close()
    assert result["generator"] == generator and result["requests"] > 10
    assert result["socket_errors"] == 0
    assert result["status_errors"] * 2 in range(result["requests"] - 2, result["requests"] + 3)
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
