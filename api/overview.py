"""The overview page at `/`: the four buckets per agency for Government Office staff (read-only).

Server-rendered, in Vietnamese, with no script and no asset from elsewhere. Log in once with an
API token (the signed session keeps the token's id, checked on every request) or send a bearer
token. It reads through the same services and permission rules as the API.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from api.auth import bearer_token, guarded_authentication
from api.overview_display import (
    BASIS_CHOICES,
    COLOURS,
    KIND_CHOICES,
    bar,
    current_quarter,
    headline,
    number,
    percent,
    period_choices,
)
from tracker.clock import current_clock
from tracker.errors import AuthenticationFailed
from tracker.permissions import authorize_view_statistics
from tracker.stats.agencies import agency_statistics
from tracker.stats.labels import BUCKET_LABELS, KIND_LABELS, RATE_LABEL
from tracker.stats.overdue import most_overdue
from tracker.stats.periods import parse_period
from tracker.stats.scope import StatsFilter
from tracker.tasks.timeliness import Basis
from tracker.users.models import User
from tracker.users.service import session_user

OVERDUE_SHOWN = 15
bp = Blueprint(
    "overview",
    __name__,
    template_folder="templates",
    static_folder="static/overview",
    static_url_path="/static/overview",
)
bp.add_app_template_filter(number, "so")
bp.add_app_template_filter(percent, "phan_tram")


def page_user() -> User | None:
    """Return the user of a bearer token or of the session, or None."""
    now = current_clock().now()
    if bearer_token() is not None:
        return guarded_authentication(bearer_token()).user
    if "token_id" in session and "user_id" in session:
        return session_user(session["token_id"], session["user_id"], now)
    return None


def csrf_token() -> str:
    """Return the session's token for the page's forms (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf() -> None:
    """Refuse a form that did not come from our page."""
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, "The form has expired; reload the page and try again.")


@bp.get("/")
def index():
    """The agency table with bars, the headline and the most overdue tasks."""
    try:
        user = page_user()
    except (AuthenticationFailed, TooManyRequests) as exc:
        return login_refused(exc)
    if user is None:
        return redirect(url_for("overview.login"))
    authorize_view_statistics(user)
    return render_template("overview/index.html", **overview_context(user))


def overview_context(user: User) -> dict:
    """Return what the page shows for the filters in the query string."""
    today = current_clock().today()
    choices = period_choices(today)
    period, kind, basis = _filters(today, dict(choices))
    spec = StatsFilter(
        as_of=today, due=parse_period(period) if period else None, basis=basis, kind=kind or None
    )
    report = agency_statistics(spec)
    widest = max((row.total for row in report.items), default=0)
    return {
        "user": user,
        "today": today,
        "filters": {"period": period, "kind": kind, "basis": basis.value},
        "choices": {"period": choices, "kind": KIND_CHOICES, "basis": BASIS_CHOICES},
        "report": report,
        "rows": [(row, bar(row, widest)) for row in report.items],
        "headline": headline(report, dict(choices)[period] if period else ""),
        "overdue": most_overdue(user, spec, OVERDUE_SHOWN),
        "labels": BUCKET_LABELS,
        "kind_labels": KIND_LABELS,
        "rate_label": RATE_LABEL,
        "colours": COLOURS,
        "csrf": csrf_token(),
    }


def _filters(today, periods: dict[str, str]) -> tuple[str, str, Basis]:
    """Return the period, agency kind and basis asked for; anything unknown falls back."""
    period = request.args.get("period", current_quarter(today))
    kind = request.args.get("kind", "")
    basis = request.args.get("basis", "")
    return (
        period if period in periods else current_quarter(today),
        kind if kind in KIND_LABELS else "",
        Basis(basis) if basis in set(Basis) else Basis.EFFECTIVE,
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the token form; on a valid token, remember its id in the session."""
    if request.method == "GET":
        return render_template("overview/login.html", error=None, csrf=csrf_token())
    check_csrf()
    try:
        token = guarded_authentication(request.form.get("token", "").strip())
    except (AuthenticationFailed, TooManyRequests) as exc:
        return login_refused(exc)
    session.clear()
    session.update(token_id=token.id, user_id=token.user_id, csrf=secrets.token_urlsafe(24))
    return redirect(url_for("overview.index"))


def login_refused(error: AuthenticationFailed | TooManyRequests):
    """Show the token form again with why it was refused (401, or 429 with Retry-After)."""
    if isinstance(error, TooManyRequests):
        page = render_template("overview/login.html", error=error.description, csrf=csrf_token())
        return page, 429, [h for h in error.get_headers() if h[0] == "Retry-After"]
    page = render_template("overview/login.html", error=error.message, csrf=csrf_token())
    return page, 401


@bp.post("/logout")
def logout() -> Response:
    """Forget the session."""
    check_csrf()
    session.clear()
    return redirect(url_for("overview.login"))
