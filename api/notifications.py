"""The reminder ledger, read-only, for the Government Office."""

from __future__ import annotations

from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.reminders import (
    NotificationDetailSchema,
    NotificationListArgs,
    NotificationPageSchema,
)
from tracker.permissions import authorize_view_notifications
from tracker.reminders import listing

blp = ApiBlueprint(
    "notifications",
    __name__,
    url_prefix="/notifications",
    description="The reminder and webhook ledger: what was planned, sent, retried or skipped.",
)


@blp.route("")
class Notifications(MethodView):
    """The ledger."""

    @blp.arguments(NotificationListArgs, location="query")
    @blp.response(200, NotificationPageSchema)
    @blp.errors(403, 422)
    def get(self, args):
        """List ledger rows, newest first, by task, recipient agency, state (office, admin)."""
        authorize_view_notifications(current_user())
        page, size = args.pop("page"), args.pop("page_size")
        items, total = listing.list_notifications(listing.NotificationFilter(**args), page, size)
        return {"items": items, "total": total, "page": page, "page_size": size}


@blp.route("/<id:notification_id>")
class NotificationById(MethodView):
    """One ledger row."""

    @blp.response(200, NotificationDetailSchema)
    @blp.errors(403, 404)
    def get(self, notification_id):
        """Get a ledger row with every delivery attempt (office, admin)."""
        authorize_view_notifications(current_user())
        return listing.get_notification(notification_id)
