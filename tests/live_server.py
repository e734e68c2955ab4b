"""The real service for end-to-end tests: a database of its own and gunicorn on a free port.

gunicorn runs with the production settings file (deploy/gunicorn.conf.py); a test may override
a setting on the command line (`--threads 2`) or through TRACKER_* variables. Processes are
started in their own session and stopped by pid, never by name.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import psycopg
from sqlalchemy import make_url

from api.app import create_app
from bench.server import free_port, stop_gracefully
from tracker.agencies.data import load_agency_records
from tracker.agencies.service import load_registry
from tracker.clock import current_clock
from tracker.extensions import db
from tracker.users.service import create_token, create_user

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
SECRET_KEY = "live-server-secret-key-0123456789"


@contextlib.contextmanager
def private_database(
    backend: str, pg_url: str | None, tmp_dir: Path, prefix: str = "live"
) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a PostgreSQL schema dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'{prefix}.db'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield (
            make_url(pg_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def prepare(database_url: str, setup=None) -> dict:
    """Migrate, load the registry and create an admin; return its headers (and run `setup`)."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        flask_migrate.upgrade()
        load_registry(load_agency_records())
        now = current_clock().now()
        user = create_user("admin@live.test", "admin", None, "Admin", now)
        raw = create_token(user, "live", now)[1]
        db.session.commit()
        if setup is not None:
            setup()
            db.session.commit()
        db.engine.dispose()
    return {"Authorization": f"Bearer {raw}"}


class LiveServer:
    """gunicorn serving wsgi:app with deploy/gunicorn.conf.py, its output in a log file."""

    def __init__(self, database_url: str, log_path: Path, env=None, args=()) -> None:
        self.port = free_port()
        self.database_url, self.log_path = database_url, log_path
        self.env, self.args = dict(env or {}), list(args)
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        """Our environment without TRACKER_* (an unknown one stops the service), plus its own."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.pop("GUNICORN_CMD_ARGS", None)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        env.update(TRACKER_DATABASE_URL=self.database_url, TRACKER_SECRET_KEY=SECRET_KEY)
        return env | self.env

    def start(self, timeout: float = 60.0) -> LiveServer:
        """Start gunicorn and wait until /healthz answers."""
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)]
        command += ["--bind", f"127.0.0.1:{self.port}", *self.args]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=self.environment(),
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            if self.status("/healthz") == 200:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def status(self, path: str) -> int | None:
        """Return the status of a GET, None if nothing answers."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            return conn.getresponse().status
        except OSError:
            return None
        finally:
            conn.close()

    def connection(self, timeout: float = 30.0) -> http.client.HTTPConnection:
        """Return a new HTTP connection to the server."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop gunicorn gracefully (SIGTERM), killing its process group if it lingers."""
        stop_gracefully(self.process, timeout)

    def log_lines(self) -> list[str]:
        """Return what gunicorn and the application wrote so far."""
        return self.log_path.read_text(encoding="utf-8").splitlines()
