"""Backups of the database and their restore.

SQLite: the online backup API copies a consistent snapshot while the service keeps writing (in
WAL mode writers are not blocked), into a single self-contained file that is checked before it
replaces the output. PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore` in one
transaction; the password goes through the environment, never the command line.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import URL, create_engine, inspect, make_url

COUNTED_TABLES = ("directives", "tasks", "reports", "users")
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


def backup(database_url: str, output: Path) -> dict:
    """Write a backup of the database to `output`; return what it holds."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return backup_sqlite(Path(url.database), output)
    return backup_postgresql(url, output)


def restore(backup_file: Path, database_url: str, *, force: bool = False) -> dict:
    """Restore a backup into the database (refused if it holds data, unless `force`)."""
    if not backup_file.is_file():
        raise BackupError(f"No backup file at {backup_file}.")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return restore_sqlite(backup_file, Path(url.database), force=force)
    return restore_postgresql(backup_file, url, force=force)


def backup_sqlite(source: Path, output: Path) -> dict:
    """Copy a live SQLite database into one checked file, replacing `output` only when done."""
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    if output.resolve() == source.resolve():
        raise BackupError("The backup must go to another file than the database.")
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    with _sqlite(source) as src, _sqlite(partial) as dst:
        src.backup(dst)  # one step: a snapshot under one read transaction
        dst.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the backup
        summary = _check_sqlite(dst)
    os.replace(partial, output)
    return summary


def restore_sqlite(backup_file: Path, target: Path, *, force: bool) -> dict:
    """Copy a checked backup into the database file (through SQLite, so its WAL is respected)."""
    with _sqlite(backup_file) as src:
        summary = _check_sqlite(src)
        if target.exists() and _sqlite_has_schema(target) and not force:
            raise BackupError(f"{target} already holds a database; stop the service, use --force.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with _sqlite(target) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
    return summary


@contextlib.contextmanager
def _sqlite(path: Path):
    """A SQLite connection that waits for locks and is always closed."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def _check_sqlite(conn: sqlite3.Connection) -> dict:
    """Check a copy's integrity; return its migration revision and row counts."""
    verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"The copy fails SQLite's integrity check: {verdict}")
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.DatabaseError:
        raise BackupError("This is not a Directive Tracker database (no migrations).") from None
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}  # noqa: S608
    return {"revision": revision, "rows": counts}


def _sqlite_has_schema(path: Path) -> bool:
    """Return whether a SQLite file already holds tables."""
    with _sqlite(path) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def backup_postgresql(url: URL, output: Path) -> dict:
    """Run pg_dump (custom format) into `output`, replacing it only when the dump is complete."""
    partial = output.with_name(output.name + ".partial")
    arguments = ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
    if schema := _search_path_schema(url):
        arguments.append(f"--schema={schema}")
    _run_pg_tool("pg_dump", [*arguments, _libpq_url(url)], url)
    os.replace(partial, output)
    return {"format": "pg_dump custom", "bytes": output.stat().st_size}


def restore_postgresql(backup_file: Path, url: URL, *, force: bool) -> dict:
    """Run pg_restore into the (empty) database in one transaction; all or nothing."""
    arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        arguments += ["--clean", "--if-exists"]
    elif _postgresql_has_schema(url):
        raise BackupError(
            f"{url.database} already holds a database; restore into a new one, or use --force."
        )
    _run_pg_tool("pg_restore", [*arguments, f"--dbname={_libpq_url(url)}", str(backup_file)], url)
    return {"format": "pg_dump custom", "restored_into": url.render_as_string()}


def _postgresql_has_schema(url: URL) -> bool:
    """Return whether the database already holds our tables."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).has_table("alembic_version")
    finally:
        engine.dispose()


def _search_path_schema(url: URL) -> str | None:
    """Return the schema a URL's `options=-csearch_path=...` selects, if any."""
    options = url.query.get("options", "")
    options = options if isinstance(options, str) else " ".join(options)
    for option in options.split():
        if option.startswith("-csearch_path="):
            return option.split("=", 1)[1].split(",")[0]
    return None


def _libpq_url(url: URL) -> str:
    """The URL as libpq reads it, without the password (given through PGPASSWORD)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def pg_tool(name: str) -> str | None:
    """Return the path of pg_dump or pg_restore: on PATH, else the newest installed server's."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"{PG_BIN_GLOB}/{name}"), key=_major_version)
    return candidates[-1] if candidates else None


def _major_version(path: str) -> int:
    """Return the PostgreSQL major version in a /usr/lib/postgresql/NN/bin path."""
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _run_pg_tool(name: str, arguments: list[str], url: URL) -> None:
    """Run a PostgreSQL client tool, explaining what to do when it is missing or fails."""
    tool = pg_tool(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client of the server's major "
            f"version (Debian: apt-get install postgresql-client-15), or run it yourself: "
            f"{name} {' '.join(arguments)}"
        )
    env = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    done = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        [tool, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[-2000:]}")
