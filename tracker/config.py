"""Settings: defaults in code, `TRACKER_*` environment variables, a test mapping; validated once."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "TRACKER_"
# Variables read by the test harness or by tools, not by the service.
IGNORED_ENV = frozenset({"TRACKER_TEST_DATABASE_URL", "TRACKER_ENV_FILE"})
FLASK_KEYS = frozenset({"TESTING", "DEBUG"})


class ConfigError(ValueError):
    """A setting is unknown or has a value that cannot be used."""


def parse_bool(value: Any) -> bool:
    """Accept the usual spellings of true and false."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def int_between(low: int, high: int) -> Callable[[Any], int]:
    """Return a parser for whole numbers within bounds."""

    def parse(value: Any) -> int:
        number = int(str(value).strip())
        if not low <= number <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return number

    return parse


def parse_database_url(value: Any) -> str:
    """Accept SQLite and PostgreSQL URLs; PostgreSQL always goes through psycopg 3."""
    url = str(value).strip()
    if url == "":
        return ""
    scheme = url.split("://", 1)[0]
    if scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme == "sqlite" and url.startswith("sqlite:///"):
        return url
    raise ValueError("expected sqlite:///PATH or postgresql://USER@HOST/DB")


def parse_timezone(value: Any) -> str:
    """Accept an IANA time zone name."""
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("unknown time zone") from exc
    return str(value)


def parse_base_url(value: Any) -> str:
    """Accept an absolute http(s) URL, kept without a trailing slash."""
    url = str(value).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("expected an absolute http(s) URL")
    return url


def parse_log_level(value: Any) -> str:
    """Accept a standard logging level name."""
    level = str(value).strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return level


def parse_secret(value: Any) -> str:
    """Accept a secret of a usable length."""
    secret = str(value)
    if len(secret) < 16:
        raise ValueError("expected at least 16 characters")
    return secret


def setting(default: Any, parse: Callable[[Any], Any], doc: str) -> Any:
    """Declare one setting with its default, parser and description."""
    return dataclasses.field(default=default, metadata={"parse": parse, "doc": doc})


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting; the environment variable is `TRACKER_` + the upper-case name."""

    database_url: str = setting(
        "", parse_database_url, "SQLAlchemy URL; default instance/tracker.db"
    )
    secret_key: str = setting("dev-only-secret-change-me", parse_secret, "Flask secret key")
    timezone: str = setting("Asia/Ho_Chi_Minh", parse_timezone, "time zone of calendar dates")
    base_url: str = setting("http://127.0.0.1:5000", parse_base_url, "public URL used in links")
    log_level: str = setting("INFO", parse_log_level, "logging level")
    max_request_kb: int = setting(
        1024, int_between(16, 65536), "largest request body (KiB); 413 above"
    )
    sql_echo: bool = setting(False, parse_bool, "log every SQL statement")
    export_max_rows: int = setting(
        200_000, int_between(1, 10_000_000), "most tasks one CSV/XLSX export may hold"
    )

    @property
    def zone(self) -> ZoneInfo:
        """Return the configured time zone."""
        return ZoneInfo(self.timezone)

    @classmethod
    def field_names(cls) -> dict[str, dataclasses.Field]:
        """Return the settings by their upper-case names."""
        return {f.name.upper(): f for f in dataclasses.fields(cls)}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build validated settings from the environment and an optional mapping (which wins)."""
    known = Settings.field_names()
    raw = _from_environ(os.environ if environ is None else environ, known)
    for key, value in (overrides or {}).items():
        if key in FLASK_KEYS:
            continue
        if key not in known:
            raise ConfigError(
                f"Unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
            )
        raw[key] = value
    values = {}
    for key, value in raw.items():
        try:
            values[known[key].name] = known[key].metadata["parse"](value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Bad value for {ENV_PREFIX}{key}: {exc}") from None
    return Settings(**values)


def _from_environ(environ: Mapping[str, str], known: Mapping[str, Any]) -> dict[str, Any]:
    """Collect `TRACKER_*` variables, refusing names that are not settings."""
    raw = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name in IGNORED_ENV:
            continue
        key = name[len(ENV_PREFIX) :]
        if key not in known:
            raise ConfigError(f"Unknown environment variable {name}")
        raw[key] = value
    return raw
