"""A fresh, private database for one benchmark run, removed afterwards.

SQLite: a file in a temporary directory. PostgreSQL: a database of its own (`bench_run_<hex>`) on
the server named by `--postgres-url` (default 127.0.0.1:5432 as `postgres`), dropped at the end
even when the run fails, so that parallel runs and other engineers' databases never collide.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy import make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def scratch_database(kind: str, postgres_url: str = DEFAULT_POSTGRES_URL) -> Iterator[str]:
    """Yield the URL of a new empty database of the given kind; remove it on exit."""
    if kind == "sqlite":
        with _sqlite() as url:
            yield url
    elif kind == "postgresql":
        with _postgresql(postgres_url) as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}")


@contextlib.contextmanager
def _sqlite() -> Iterator[str]:
    """A SQLite file under a temporary directory (WAL files included in the clean-up)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-run-"))
    try:
        yield f"sqlite:///{folder / 'tracker.db'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _postgresql(server_url: str) -> Iterator[str]:
    """A database of its own on the server; dropped (connections ended) on exit."""
    server = make_url(server_url).set(drivername="postgresql")
    name = f"bench_run_{uuid.uuid4().hex[:10]}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
