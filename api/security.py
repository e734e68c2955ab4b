"""Security headers on every response, CORS for configured origins only, trusted proxies."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import Settings

API_PATHS = r"/api/v1/*"
# Pages load scripts, styles and images from this origin only: no inline script anywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000"
CORS_OPTIONS = {
    "methods": ["GET", "POST", "PATCH", "DELETE"],
    "allow_headers": ["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
    "expose_headers": ["ETag", "Retry-After", "Idempotent-Replayed", "Content-Disposition"],
    "supports_credentials": False,  # bearer tokens, not cookies
    "max_age": 600,
}


def security_headers(settings: Settings) -> dict[str, str]:
    """Return the headers every response carries (HSTS only where the service is on https)."""
    if settings.base_url.startswith("https://"):
        return HEADERS | {"Strict-Transport-Security": HSTS}
    return dict(HEADERS)


def add_headers(headers: dict[str, str], response: Response) -> Response:
    """Set the security headers; answers to a bearer token, or not marked cacheable, go unstored."""
    response.headers.update(headers)
    if "Authorization" in request.headers or "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security(app: Flask, settings: Settings) -> None:
    """Install the header step, CORS (when origins are configured) and the proxy fix."""
    headers = security_headers(settings)
    app.after_request(lambda response: add_headers(headers, response))
    if settings.cors_origins:
        CORS(app, resources={API_PATHS: {"origins": list(settings.cors_origins), **CORS_OPTIONS}})
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
