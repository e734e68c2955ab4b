"""`Idempotency-Key` on POST: a retried request gets the first response, not a duplicate."""

from __future__ import annotations

from flask import Response, g, request
from sqlalchemy.exc import OperationalError

from api.errors import handle_operational_error
from tracker.clock import current_clock
from tracker.idempotency.service import claim, fingerprint, remember

HEADER = "Idempotency-Key"


def replay_or_claim() -> Response | None:
    """Before a POST view: replay a remembered response, or claim the key for this request."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    print_ = fingerprint(request.method, request.full_path, request.get_data(cache=True))
    row, claimed = claim(g.user.id, key, print_, current_clock().now())
    if not claimed:
        replay = Response(row.response_body, status=row.status_code, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        if row.response_etag:
            replay.headers["ETag"] = row.response_etag
        return replay
    g.idempotency_row = row
    return None


def remember_response(response: Response) -> Response:
    """After a successful POST view (before the commit): store its response under the key."""
    row = g.pop("idempotency_row", None)
    if row is not None and 200 <= response.status_code < 300:
        body, etag = response.get_data(as_text=True), response.headers.get("ETag")
        try:
            remember(row, response.status_code, body, etag)
        except OperationalError as exc:  # an after-request error would otherwise be a 500
            return handle_operational_error(exc)
    return response
