"""Webhook delivery over HTTP: one requests.Session, a timeout, retries, HMAC-SHA256 signatures."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from tracker.errors import InvalidInput

SIGNATURE_HEADER = "X-Tracker-Signature"
EVENT_HEADER = "X-Tracker-Event"
DELIVERY_HEADER = "X-Tracker-Delivery"
USER_AGENT = "DirectiveTracker-Webhooks/1.0"
TEMPORARY_STATUSES = frozenset({408, 425, 429})
NO_KEY_OPENS_IT = (
    "The webhook's secret cannot be opened with TRACKER_SECRET_KEY or an earlier key in"
    " TRACKER_SECRET_KEY_FALLBACKS."
)


class WebhookFailure(Exception):
    """A delivery did not succeed; `temporary` says whether trying later may help."""

    def __init__(self, detail: str, *, temporary: bool):
        super().__init__(detail)
        self.detail = detail
        self.temporary = temporary


@dataclasses.dataclass(frozen=True)
class WebhookRequest:
    """One signed POST to make."""

    url: str
    secret: str | None
    event: str
    delivery_id: str
    body: bytes


def make_session() -> requests.Session:
    """Return a session that retries connection failures and 502-504 a little, at once.

    Longer outages are the ledger's business (backoff between delivery runs).
    """
    retry = Retry(
        total=2,
        connect=2,
        read=0,
        status=2,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"POST"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def sign(secret: str, body: bytes) -> str:
    """Return the signature header value: HMAC-SHA256 of the exact body with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(
    session: requests.Session, request: WebhookRequest, timeout: float, allow_private: bool
) -> int:
    """POST one event; returns the status, or raises WebhookFailure."""
    if request.secret is None:
        raise WebhookFailure(NO_KEY_OPENS_IT, temporary=True)
    try:
        check_url(request.url, allow_private=allow_private, resolve=True)
    except InvalidInput as exc:
        raise WebhookFailure(exc.message, temporary=False) from None
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(request.secret, request.body),
        EVENT_HEADER: request.event,
        DELIVERY_HEADER: request.delivery_id,
    }
    try:
        response = session.post(
            request.url, data=request.body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise WebhookFailure(f"{type(exc).__name__}: {exc}", temporary=True) from None
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        return status
    temporary = status >= 500 or status in TEMPORARY_STATUSES
    raise WebhookFailure(f"HTTP {status}", temporary=temporary)


def check_url(url: str, *, allow_private: bool, resolve: bool) -> None:
    """Refuse URLs that are not http(s), or that point inside our network unless allowed."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput("A webhook URL is an absolute http(s) URL.", field="url")
    if parts.username or parts.password:
        raise InvalidInput("A webhook URL carries no user name or password.", field="url")
    if allow_private:
        return
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        raise InvalidInput("Webhooks to this host are not allowed.", field="url")
    for address in _addresses(host, parts.port, resolve):
        if not _public(address):
            raise InvalidInput(
                "Webhooks to private or local addresses are not allowed.", field="url"
            )


def _addresses(host: str, port: int | None, resolve: bool) -> list[str]:
    """Return the host's addresses: itself if a literal, else its DNS answers (when resolving)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return []  # the request itself will fail, as a temporary failure
    return [info[4][0] for info in infos]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
