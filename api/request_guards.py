"""Refuse what no view should have to cope with: URLs that are not UTF-8 or have NUL in their
path (404: no resource has such an address), and chunked bodies over the size limit.

Werkzeug decodes bad URL bytes into U+FFFD replacement characters, so a view would silently
search for something the client never sent; and PostgreSQL refuses NUL in text, so a NUL in a
path parameter must never reach a query (query parameters with NUL are refused by their fields).
A chunked body is cut by Werkzeug at `MAX_CONTENT_LENGTH` without an error, which would turn an
oversized body into a misleading "invalid JSON" instead of a 413.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, ClientDisconnected, NotFound, RequestEntityTooLarge


def _is_utf8(raw: bytes) -> bool:
    """Return whether bytes decode as UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_malformed_url() -> None:
    """Answer 400 for a path or query string that is not UTF-8, 404 for a path with a NUL."""
    # WSGI hands both over as the raw bytes in a latin-1 str.
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = unquote_to_bytes(request.environ.get("QUERY_STRING", "").encode("latin-1", "replace"))
    if not _is_utf8(path):
        raise BadRequest("The URL path is not valid UTF-8.")
    if b"\x00" in path:  # no resource has such an address
        raise NotFound("The URL path contains a NUL character.")
    if not _is_utf8(query):
        raise BadRequest("The query string is not valid UTF-8.")


def refuse_oversized_stream() -> None:
    """Answer 413 for a body without Content-Length that holds more than the limit."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    environ = request.environ
    if limit is None or request.content_length is not None:
        return
    if "wsgi.input_terminated" not in environ:
        return  # Werkzeug reads no body at all then
    # Read (and keep) the body now, at most `limit` bytes; anything left over is too much.
    if len(request.get_data(cache=True)) < limit:
        return
    try:
        more = environ["wsgi.input"].read(1)
    except OSError as exc:  # the client stalled or went away
        raise ClientDisconnected() from exc
    if more:
        raise RequestEntityTooLarge()


def register_request_guards(app: Flask) -> None:
    """Check every request's URL and body size before anything else reads them."""
    app.before_request(refuse_malformed_url)
    app.before_request(refuse_oversized_stream)
