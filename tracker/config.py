"""Settings: defaults in code, `TRACKER_*` environment variables, a test mapping; validated once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Mapping
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import limits

ENV_PREFIX = "TRACKER_"
RATELIMIT_SCHEMES = frozenset({"memory", "database", "redis", "rediss"})
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


def parse_secrets(value: Any) -> tuple[str, ...]:
    """Accept comma-separated secrets, each of a usable length (empty for none)."""
    items = value if isinstance(value, tuple | list) else str(value).split(",")
    return tuple(parse_secret(item.strip()) for item in items if str(item).strip())


def parse_days_before(value: Any) -> tuple[int, ...]:
    """Accept distinct working-day counts such as "7,3,1" (empty for none), largest first."""
    if isinstance(value, tuple | list):
        items = [str(v) for v in value]
    else:
        items = [part for part in str(value).replace(" ", "").split(",") if part]
    days = [int_between(1, 60)(item) for item in items]
    if len(set(days)) != len(days):
        raise ValueError("expected distinct numbers")
    return tuple(sorted(days, reverse=True))


def one_of(*choices: str) -> Callable[[Any], str]:
    """Return a parser that accepts one of a few words."""

    def parse(value: Any) -> str:
        word = str(value).strip().lower()
        if word not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return word

    return parse


def parse_mail_from(value: Any) -> str:
    """Accept a sender such as `Name <user@host>` or `user@host`."""
    text = str(value).strip()
    _name, address = parseaddr(text)
    if "@" not in address or any(ch in text for ch in "\r\n"):
        raise ValueError("expected an e-mail address, optionally as Name <user@host>")
    return text


def parse_host(value: Any) -> str:
    """Accept a host name or address (no scheme, no spaces)."""
    host = str(value).strip()
    if not host or any(ch in host for ch in " /\\\r\n"):
        raise ValueError("expected a host name or address")
    return host


def parse_instant(value: Any) -> dt.datetime | None:
    """Accept an ISO 8601 date and time with its UTC offset (empty: not set)."""
    if value is None or isinstance(value, dt.datetime):
        instant = value
    elif str(value).strip() == "":
        return None
    else:
        instant = dt.datetime.fromisoformat(str(value).strip())
    if instant is not None and instant.utcoffset() is None:
        raise ValueError("expected a date and time with a UTC offset: 2026-05-04T07:00+07:00")
    return instant


def parse_speed(value: Any) -> float:
    """Accept how many times faster than real time a clock runs (1 to 100000)."""
    speed = float(str(value).strip())
    if not 1 <= speed <= 100_000:
        raise ValueError("expected a number from 1 to 100000")
    return speed


def parse_rate(value: Any) -> str:
    """Accept one rate in the `limits` notation, such as "20/minute" or "100 per hour"."""
    text = str(value).strip()
    try:
        rates = limits.parse_many(text)
    except ValueError:
        rates = []
    if len(rates) != 1 or rates[0].amount < 1:
        raise ValueError('expected one rate such as "20/minute" or "100 per hour"')
    return text


def parse_ratelimit_storage(value: Any) -> str:
    """Accept memory://, database:// (the service's own database) or a Redis URL."""
    url = str(value).strip()
    scheme = url.split("://", 1)[0] if "://" in url else ""
    bare = scheme in {"memory", "database"}
    if scheme not in RATELIMIT_SCHEMES or (bare and url != scheme + "://"):
        raise ValueError("expected memory://, database:// or redis://HOST:PORT[/DB]")
    return url


def parse_origins(value: Any) -> tuple[str, ...]:
    """Accept comma-separated origins such as "https://portal.gov.vn" (no path, no wildcard)."""
    items = value if isinstance(value, tuple | list) else str(value).split(",")
    origins = []
    for item in (str(i).strip().rstrip("/") for i in items):
        if not item:
            continue
        parts = urlsplit(item)
        extra = parts.path or parts.query or parts.fragment or parts.username
        if parts.scheme not in {"http", "https"} or not parts.hostname or extra:
            raise ValueError("expected origins such as https://portal.example.gov.vn")
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(dict.fromkeys(origins))


def setting(default: Any, parse: Callable[[Any], Any], doc: str, *, secret: bool = False) -> Any:
    """Declare one setting with its default, parser and description (secrets stay out of repr)."""
    return dataclasses.field(
        default=default, repr=not secret, metadata={"parse": parse, "doc": doc}
    )


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every setting; the environment variable is `TRACKER_` + the upper-case name."""

    database_url: str = setting(
        "", parse_database_url, "SQLAlchemy URL; default instance/tracker.db"
    )
    secret_key: str = setting(
        "", parse_secret, "Flask secret key; required, from the environment", secret=True
    )
    secret_key_fallbacks: tuple[str, ...] = setting(
        (), parse_secrets, "earlier secret keys, still read while stored secrets move", secret=True
    )
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
    # Operations: log lines, and how long a slow client may hold a connection.
    log_format: str = setting(
        "text", one_of("text", "json"), "log lines as text or as one JSON object each"
    )
    client_timeout_seconds: int = setting(
        30,
        int_between(1, 600),
        "time a client has to send a request, and to take each piece of a response",
    )
    reminder_days_before: tuple[int, ...] = setting(
        (7, 3, 1), parse_days_before, "working days before the due date to remind"
    )
    reminder_on_due_date: bool = setting(True, parse_bool, "remind on the due date itself")
    reminder_overdue_every_days: int = setting(
        7, int_between(0, 90), "repeat overdue reminders every N days (0: never)"
    )
    reminder_overdue_horizon_days: int = setting(
        365, int_between(0, 3660), "stop repeating overdue reminders after N days"
    )
    reminder_escalate_after_working_days: int = setting(
        10, int_between(0, 120), "escalate after N working days overdue (0: never)"
    )
    reminder_report_period: str = setting(
        "month", one_of("month", "quarter", "off"), "periodic report regular tasks owe"
    )
    reminder_send_hour: int = setting(8, int_between(0, 23), "local hour reminders go out")
    reminder_digest: bool = setting(True, parse_bool, "one digest per contact per day")
    reminder_catch_up_days: int = setting(
        14, int_between(0, 90), "missed days planned when the scheduler comes back"
    )
    reminder_batch_size: int = setting(200, int_between(1, 5000), "messages claimed at a time")
    reminder_lease_seconds: int = setting(
        300, int_between(10, 86400), "how long a claimed message is reserved for its worker"
    )
    reminder_max_attempts: int = setting(
        20, int_between(1, 100), "attempts before a message is recorded as failed"
    )
    reminder_retry_base_seconds: int = setting(
        60, int_between(1, 86400), "first retry delay; doubled each attempt"
    )
    reminder_retry_max_seconds: int = setting(
        1800, int_between(1, 86400), "longest delay between retries"
    )
    smtp_host: str = setting("localhost", parse_host, "SMTP server")
    smtp_port: int = setting(25, int_between(1, 65535), "SMTP port")
    smtp_security: str = setting(
        "none", one_of("none", "starttls", "tls"), "SMTP transport security"
    )
    smtp_username: str = setting("", str, "SMTP user (empty: no login)")
    smtp_password: str = setting("", str, "SMTP password", secret=True)
    smtp_timeout_seconds: int = setting(30, int_between(1, 600), "SMTP network timeout")
    mail_from: str = setting(
        "Theo dõi nhiệm vụ <tracker@localhost>", parse_mail_from, "sender of reminders"
    )
    webhook_timeout_seconds: int = setting(10, int_between(1, 120), "webhook request timeout")
    webhook_allow_private_hosts: bool = setting(
        False, parse_bool, "allow webhooks to loopback and private addresses"
    )
    # Rehearsals and soak tests: an accelerated clock, and short job intervals (real seconds).
    clock_start: dt.datetime | None = setting(  # noqa: RUF009  (a datetime is immutable)
        None, parse_instant, "run an accelerated clock from this moment (empty: real time)"
    )
    clock_speed: float = setting(1.0, parse_speed, "how many times faster the clock runs")
    clock_anchor: dt.datetime | None = setting(  # noqa: RUF009
        None, parse_instant, "real moment the clock shows clock_start (empty: start-up)"
    )
    scheduler_plan_seconds: int = setting(
        600, int_between(1, 86400), "real seconds between planning runs"
    )
    scheduler_deliver_seconds: int = setting(
        60, int_between(1, 86400), "real seconds between delivery runs"
    )
    # Security: tokens, failed authentication, proxies, browsers.
    token_default_days: int = setting(
        90, int_between(0, 3650), "lifetime of a new token in days (0: it never expires)"
    )
    auth_failures_per_client: str = setting(
        "20/minute", parse_rate, "failed authentications allowed per client address"
    )
    auth_failures_per_token: str = setting(
        "10/minute", parse_rate, "failed authentications allowed per token prefix"
    )
    ratelimit_storage_url: str = setting(
        "memory://", parse_ratelimit_storage, "where failure counts are kept", secret=True
    )
    trusted_proxies: int = setting(
        0, int_between(0, 5), "reverse proxies in front whose X-Forwarded-For/-Proto to trust"
    )
    cors_origins: tuple[str, ...] = setting(
        (), parse_origins, "origins whose browser pages may call the API"
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
    settings = Settings(**values)
    _check_clock(settings)
    return settings


def _check_clock(settings: Settings) -> None:
    """An accelerated clock needs its start, and an anchor so that every process agrees on it."""
    if settings.clock_start is None:
        if settings.clock_speed != 1 or settings.clock_anchor is not None:
            raise ConfigError(
                f"{ENV_PREFIX}CLOCK_SPEED and {ENV_PREFIX}CLOCK_ANCHOR need {ENV_PREFIX}CLOCK_START"
            )
    elif settings.clock_speed != 1 and settings.clock_anchor is None:
        raise ConfigError(
            f"{ENV_PREFIX}CLOCK_SPEED above 1 needs {ENV_PREFIX}CLOCK_ANCHOR (the same in every "
            "process, so that they agree on the time)"
        )


def require_secret_key(settings: Settings) -> None:
    """Refuse to run without a secret key from the environment: there is no default one."""
    if not settings.secret_key:
        raise ConfigError(
            f"{ENV_PREFIX}SECRET_KEY is required (at least 16 random characters, e.g. the output"
            ' of: python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )


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
