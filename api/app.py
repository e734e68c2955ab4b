"""The application factory: a short, ordered list of registration steps."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from api import (
    agencies,
    calendar,
    contacts,
    directives,
    errors,
    extensions,
    health,
    notifications,
    overview,
    ratelimit,
    reports,
    security,
    stats,
    tasks,
    textimport,
    tokens,
    transactions,
    webhooks,
)
from api.docs import STATIC_URL, docs_static
from api.jsonprovider import OrjsonProvider
from api.links import LinksPlugin
from api.request_guards import register_request_guards
from api.request_log import register_request_log
from api.schemas.common import ErrorSchema
from jobs.cli import register_job_commands
from tracker.audit.models import refuse_rewrites as refuse_audit_rewrites
from tracker.cli import tracker_group
from tracker.clock import AcceleratedClock, SystemClock, clock_for
from tracker.config import Settings, load_settings, require_secret_key
from tracker.db import configure_postgresql, configure_sqlite
from tracker.extensions import db, migrate
from tracker.logs import configure_logging
from tracker.models import __all__ as _all_models  # noqa: F401  (registers every table)
from tracker.sealing import SecretBox

API_PREFIX = "/api/v1"
PG_CONNECT_TIMEOUT_SECONDS = 5
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCE_BLUEPRINTS = (
    agencies.blp,
    calendar.blp,
    calendar.feed_blp,
    contacts.blp,
    directives.blp,
    textimport.blp,
    tasks.blp,
    reports.blp,
    extensions.blp,
    stats.blp,
    webhooks.blp,
    notifications.blp,
    tokens.blp,
)


class TrackerApi(Api):
    """flask-smorest's Api with our error shape in the documentation."""

    ERROR_SCHEMA = ErrorSchema


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31-1, so a huge number is a 404, not a database error."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(
    config: Mapping[str, Any] | None = None, *, clock: SystemClock | None = None
) -> Flask:
    """Build the service: settings, logging, database, API, error handling, commands."""
    settings = load_settings(config)
    require_secret_key(settings)
    # Templates in api/templates override those of extensions (the docs page's, for its CSP).
    app = Flask(
        "tracker", root_path=str(PROJECT_ROOT), static_folder=None, template_folder="api/templates"
    )
    register_settings(app, settings, config)
    register_logging(settings)
    security.register_security(app, settings)
    register_database(app, settings)
    register_clock(app, settings, clock)
    register_request_log(app)
    register_request_guards(app)
    ratelimit.register_rate_limits(app, settings)
    register_api(app)
    app.register_blueprint(overview.bp)
    app.register_blueprint(health.bp)
    errors.register_error_handlers(app)
    transactions.register_unit_of_work(app)
    register_commands(app)
    return app


def register_settings(app: Flask, settings: Settings, config: Mapping[str, Any] | None) -> None:
    """Put validated settings and the Flask and extension options derived from them on the app."""
    app.extensions["tracker.settings"] = settings
    app.extensions["tracker.secret_box"] = SecretBox(
        settings.secret_key, settings.secret_key_fallbacks
    )
    app.json = OrjsonProvider(app)  # UTF-8 JSON, written by orjson
    database_url = settings.database_url or _default_sqlite_url(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        TESTING=bool((config or {}).get("TESTING", False)),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(database_url),
        MAX_CONTENT_LENGTH=settings.max_request_kb * 1024,
        API_TITLE="Directive Tracker",
        API_VERSION="1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=STATIC_URL,
        API_SPEC_OPTIONS=_spec_options(),
    )


def _default_sqlite_url(app: Flask) -> str:
    """Return the embedded default database under the instance folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'tracker.db'}"


def _engine_options(url: str) -> dict:
    """Pool settings per engine."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 5,
        "pool_recycle": 1800,
        # An unreachable server fails a request (and /readyz) in seconds, not minutes.
        "connect_args": {"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS},
    }


def _spec_options() -> dict:
    """OpenAPI document options: bearer security on every operation, the /api/v1 server."""
    return {
        "info": {"description": "Follow-up of the tasks that conclusion notices assign."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }


def register_logging(settings: Settings) -> None:
    """Log to standard error at the configured level, as text or JSON lines."""
    configure_logging(settings.log_level, settings.log_format)
    # SQL echo through our handler (SQLAlchemy's own echo adds a plain-text handler).
    sql_level = logging.INFO if settings.sql_echo else logging.WARNING
    logging.getLogger("sqlalchemy.engine").setLevel(sql_level)


def register_database(app: Flask, settings: Settings) -> None:
    """Bind SQLAlchemy and Alembic; tune SQLite connections."""
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
            refuse_audit_rewrites(db.engine)  # PostgreSQL refuses them with a trigger
        else:
            configure_postgresql(db.engine)


def register_clock(app: Flask, settings: Settings, clock: SystemClock | None) -> None:
    """Install the clock every rule reads the time from (accelerated only when configured)."""
    clock = clock or clock_for(settings)
    if isinstance(clock, AcceleratedClock):
        logging.getLogger(__name__).warning(
            "Accelerated clock: %s, %g times real time (a rehearsal, not production)",
            clock.now().isoformat(timespec="seconds"),
            clock.speed,
        )
    app.extensions["tracker.clock"] = clock


def register_api(app: Flask) -> None:
    """Register the REST resources under /api/v1 with their OpenAPI document and docs page."""
    app.url_map.converters["id"] = IdConverter
    rest = TrackerApi(app, spec_kwargs={"extra_plugins": [LinksPlugin()]})
    for blueprint in RESOURCE_BLUEPRINTS:
        rest.register_blueprint(blueprint, url_prefix=API_PREFIX + blueprint.url_prefix)
    app.register_blueprint(docs_static)


def register_commands(app: Flask) -> None:
    """Add the `tracker` command group (domain commands and the scheduler's)."""
    register_job_commands(tracker_group)
    app.cli.add_command(tracker_group)
