"""`tracker backup` and `tracker restore`: a copy taken while the service writes restores whole.

A writer thread commits one directive after another, as a busy service would, while the backup
runs. The restored copy must be a consistent snapshot: every row committed before the backup
started, and exactly the rows the source had up to the last one it holds (ids only grow).
On PostgreSQL the pg_dump/pg_restore round trip runs between two databases created for the test
and dropped after it, when the client tools are installed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid

import flask_migrate
import psycopg
import pytest
from sqlalchemy import make_url, select

from api.app import create_app
from tests.conftest import PG_URL
from tracker.agencies.data import load_agency_records
from tracker.agencies.service import load_registry
from tracker.backup import pg_tool
from tracker.db import write_intent
from tracker.directives.models import Directive
from tracker.directives.service import DirectiveInput, create_directive
from tracker.extensions import db

SECRET = {"SECRET_KEY": "backup-test-secret-0123456789"}
NOW = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)


def make_app(url: str, migrate: bool = True):
    app = create_app({"DATABASE_URL": url} | SECRET)
    if migrate:
        with app.app_context():
            flask_migrate.upgrade()
            load_registry(load_agency_records())
            db.session.commit()
    return app


class Writer(threading.Thread):
    """Commits one directive after another until stopped."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.app, self.written, self.error = app, 0, None
        self.stop = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            try:
                while not self.stop.is_set():
                    self.write(self.written + 1)
                    self.written += 1
            except Exception as exc:  # reported by the test
                self.error = exc
            finally:
                db.session.remove()

    def write(self, n: int) -> None:
        data = DirectiveInput(
            number=f"{n}/SL", title=f"Thông báo kết luận số {n}", kind="conclusion_notice",
            issued_on=dt.date(2026, 1, 15), issuer="Văn phòng Chính phủ",
        )  # fmt: skip
        with write_intent():
            create_directive(data, None, NOW)
            db.session.commit()


def rows(app) -> list[tuple[int, str]]:
    with app.app_context():
        found = db.session.execute(select(Directive.id, Directive.title).order_by(Directive.id))
        result = [tuple(row) for row in found]
        db.session.remove()
    return result


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["tracker", *args])


def back_up_while_writing(source, output) -> int:
    """Run `tracker backup` while a writer commits; return how many rows existed before it."""
    writer = Writer(source)
    writer.start()
    while writer.written < 20 and writer.is_alive():
        time.sleep(0.01)
    before = writer.written
    result = cli(source, "backup", str(output))
    time.sleep(0.2)  # the writer goes on after the backup
    writer.stop.set()
    writer.join(30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["backup"] == str(output)
    assert writer.written > before
    return before


def assert_consistent_copy(source, restored, before: int) -> None:
    original, copy = rows(source), rows(restored)
    assert len(copy) >= before > 0
    assert copy == original[: len(copy)]  # a snapshot: a prefix of what was committed


def test_sqlite_backup_while_writing_and_restore(tmp_path):
    source = make_app(f"sqlite:///{tmp_path / 'live.db'}")
    output = tmp_path / "backups" / "tracker.sqlite"
    output.parent.mkdir()
    before = back_up_while_writing(source, output)
    assert sorted(p.name for p in output.parent.iterdir()) == ["tracker.sqlite"]  # one file
    restored = make_app(f"sqlite:///{tmp_path / 'restored' / 'tracker.db'}", migrate=False)
    result = cli(restored, "restore", str(output))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[0])["rows"]["directives"] >= before
    assert_consistent_copy(source, restored, before)
    again = cli(restored, "restore", str(output))
    assert again.exit_code == 1 and "already holds a database" in again.output
    assert cli(restored, "restore", "--force", str(output)).exit_code == 0
    for app in (source, restored):
        with app.app_context():
            db.engine.dispose()


def test_a_file_that_is_not_a_tracker_backup_is_refused(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'target.db'}", migrate=False)
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"")
    result = cli(app, "restore", str(bogus))
    assert result.exit_code == 1 and "not a Directive Tracker database" in result.output
    assert cli(app, "backup", str(tmp_path / "out.sqlite")).exit_code == 1  # no database yet


@pytest.fixture
def pg_databases():
    """Two databases of our own on the shared server (source, restored), dropped after."""
    if not PG_URL:
        pytest.skip("needs TRACKER_TEST_DATABASE_URL (PostgreSQL)")
    if pg_tool("pg_dump") is None or pg_tool("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed")
    names = [f"ops_backup_{uuid.uuid4().hex[:8]}", f"ops_restore_{uuid.uuid4().hex[:8]}"]
    server = make_url(PG_URL).set(drivername="postgresql")
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"CREATE DATABASE {name}")
    yield [server.set(database=name).render_as_string(hide_password=False) for name in names]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_postgresql_pg_dump_while_writing_and_pg_restore(tmp_path, pg_databases):
    source_url, restored_url = pg_databases
    source = make_app(source_url)
    output = tmp_path / "tracker.dump"
    before = back_up_while_writing(source, output)
    restored = make_app(restored_url, migrate=False)
    result = cli(restored, "restore", str(output))
    assert result.exit_code == 0, result.output
    assert_consistent_copy(source, restored, before)
    again = cli(restored, "restore", str(output))
    assert again.exit_code == 1 and "already holds a database" in again.output
    assert cli(restored, "restore", "--force", str(output)).exit_code == 0
    assert_consistent_copy(source, restored, before)
    for app in (source, restored):
        with app.app_context():
            db.engine.dispose()
