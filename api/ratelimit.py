"""Failed authentication, limited per client address and per token prefix (flask-limiter).

Only failures are counted, in the storage of TRACKER_RATELIMIT_STORAGE_URL (shared by every
process unless it is memory://). Once a client address or a token prefix has used up its failures,
its requests get 429 before any token is looked at, until the window ends. A successful request
costs no storage round trip: each process remembers the keys it has seen blocked and learns of a
block from the storage at the first failure it sees from that key, so across processes at most one
attempt per process and window gets past the limit.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.errors import StorageError
from werkzeug.exceptions import TooManyRequests

from tracker.config import Settings
from tracker.extensions import db
from tracker.ratelimit import DatabaseStorage  # noqa: F401  (registers the database:// storage)

log = logging.getLogger(__name__)
NAMESPACE = "auth-failure"
REDIS_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
BLOCKED_KEYS_KEPT = 10_000


class FailureGuard:
    """Counts authentication failures per key and refuses keys that have used up their share."""

    def __init__(self, limiter: Limiter, rates: dict[str, RateLimitItem]):
        self.limiter = limiter
        self.rates = rates
        self.blocked: dict[tuple[str, str], float] = {}

    def refuse_if_blocked(self, keys: dict[str, str | None]) -> None:
        """Raise 429 if this process knows one of the keys to be blocked."""
        now = time.time()
        until = max(
            (self.blocked.get((kind, value), 0.0) for kind, value in _present(keys)), default=0.0
        )
        if until > now:
            raise too_many(until - now)

    def record_failure(self, keys: dict[str, str | None], reason: str) -> None:
        """Log a failure and count it; raise 429 if a key was already over its limit."""
        log.warning(
            "authentication failed: reason=%s prefix=%s client=%s",
            reason,
            keys.get("token") or "-",
            keys.get("client") or "-",
        )
        try:
            over = [self._count(kind, value) for kind, value in _present(keys)]
        except StorageError as exc:  # counting fails open: the refusal itself still stands
            log.error("rate-limit storage unavailable: %s", exc.storage_error.__class__.__name__)
            return
        until = max((u for u, already in over if already), default=0.0)
        if until:
            raise too_many(until - time.time())

    def reset(self) -> None:
        """Forget every count and block (tests, or an administrator after an incident)."""
        self.limiter.storage.reset()
        self.blocked.clear()

    def _count(self, kind: str, value: str) -> tuple[float, bool]:
        """Count one failure of a key; return when its block ends (0: none) and if it was over."""
        rate = self.rates[kind]
        within = self.limiter.limiter.hit(rate, NAMESPACE, kind, value)
        reset_at, remaining = self.limiter.limiter.get_window_stats(rate, NAMESPACE, kind, value)
        if remaining > 0:
            return 0.0, False
        self._remember((kind, value), reset_at)
        return reset_at, not within

    def _remember(self, key: tuple[str, str], until: float) -> None:
        """Note a blocked key until its window ends, dropping ended blocks as the list grows."""
        if len(self.blocked) >= BLOCKED_KEYS_KEPT:
            now = time.time()
            self.blocked = {k: v for k, v in self.blocked.items() if v > now}
        self.blocked[key] = until


def _present(keys: dict[str, str | None]) -> list[tuple[str, str]]:
    """Return the keys a request has (a request without a token of ours has no prefix)."""
    return [(kind, value) for kind, value in keys.items() if value]


def too_many(seconds: float) -> TooManyRequests:
    """Return the 429 error, telling the client when to retry."""
    return TooManyRequests(
        "Too many failed authentication attempts; retry later.", retry_after=max(1, round(seconds))
    )


def client_address() -> str:
    """Return the client's address as rate limits see it: an IPv6 client by its /64 network."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def _init_without_request_hooks(limiter: Limiter, app: Flask) -> None:
    """Build the limiter's storage and strategy, but keep its request hooks out.

    They evaluate route limits on every request (we have none: failures are counted by the
    guard) and cost ~60 µs a request, measured; whatever hooks init_app adds are taken out again.
    """
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    before = [{key: list(funcs) for key, funcs in table.items()} for table in hooks]
    limiter.init_app(app)
    for table, kept in zip(hooks, before, strict=True):
        table.clear()
        table.update(kept)


def failure_guard() -> FailureGuard:
    """Return the application's guard."""
    return current_app.extensions["tracker.failure_guard"]


def register_rate_limits(app: Flask, settings: Settings) -> None:
    """Build the limiter on its storage and the guard that counts failures."""
    url = settings.ratelimit_storage_url
    options: dict = {"wrap_exceptions": True}
    if url.startswith("database://"):
        with app.app_context():
            options["engine"] = db.engine
    elif url.startswith("redis"):
        options |= REDIS_OPTIONS
    limiter = Limiter(
        client_address, storage_uri=url, storage_options=options, strategy="fixed-window"
    )
    _init_without_request_hooks(limiter, app)
    rates = {
        "client": parse(settings.auth_failures_per_client),
        "token": parse(settings.auth_failures_per_token),
    }
    app.extensions["tracker.failure_guard"] = FailureGuard(limiter, rates)
