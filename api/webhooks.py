"""Webhook registrations: signed event deliveries to an agency's or the Office's systems."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.reminders import (
    WebhookCreateSchema,
    WebhookListArgs,
    WebhookPageSchema,
    WebhookSchema,
    WebhookUpdateSchema,
)
from tracker.agencies.service import get_agency, lineage_ids
from tracker.clock import current_clock
from tracker.errors import InvalidInput, NotFound
from tracker.permissions import (
    authorize_list_webhooks,
    authorize_manage_webhooks,
    is_staff,
)
from tracker.reminders import subscriptions

blp = ApiBlueprint(
    "webhooks",
    __name__,
    url_prefix="/webhooks",
    description="Webhooks: events signed with HMAC-SHA256 (X-Tracker-Signature: sha256=<hex>).",
)
EXAMPLE = {
    "agency": "MOF",
    "url": "https://hethong.mof.gov.vn/tracker-events",
    "secret": "a-long-random-shared-secret",
    "events": ["task.assigned", "task.overdue"],
}


def allow_private() -> bool:
    """Whether webhooks may point at loopback and private addresses (tests, closed networks)."""
    return current_app.extensions["tracker.settings"].webhook_allow_private_hosts


@blp.route("")
class Webhooks(MethodView):
    """The registrations."""

    @blp.arguments(WebhookListArgs, location="query")
    @blp.response(200, WebhookPageSchema)
    @blp.errors(403, 422)
    def get(self, args):
        """List registrations: all for office and admin, their own for an agency."""
        user = current_user()
        authorize_list_webhooks(user)
        agency_ids = None if is_staff(user) else lineage_ids(user.agency_id)
        if args.get("agency"):
            wanted = lineage_ids(_agency(args["agency"]).id)
            agency_ids = wanted if agency_ids is None else agency_ids & wanted
        page, size = args["page"], args["page_size"]
        items, total = subscriptions.list_webhooks(agency_ids, page, size)
        return {"items": items, "total": total, "page": page, "page_size": size}

    @blp.arguments(WebhookCreateSchema, example=EXAMPLE)
    @blp.response(201, WebhookSchema)
    @blp.errors(403, 422)
    def post(self, data):
        """Register a webhook for an agency (office, admin: any, OOG too; agencies: their own)."""
        user = current_user()
        code = data.pop("agency", None) or (user.agency.code if user.agency else None)
        if code is None:
            raise InvalidInput("Name the agency the webhook is for.", field="agency")
        agency = _agency(code)
        authorize_manage_webhooks(user, agency.id)
        data["events"] = tuple(data["events"])
        spec = subscriptions.WebhookInput(**data)
        now = current_clock().now()
        return subscriptions.create_webhook(agency, spec, user, now, allow_private=allow_private())


@blp.route("/<id:webhook_id>")
class WebhookById(MethodView):
    """One registration."""

    @blp.response(200, WebhookSchema)
    @blp.errors(403, 404)
    def get(self, webhook_id):
        """Get a registration."""
        return _owned(webhook_id)

    @blp.arguments(WebhookUpdateSchema, example={"active": False})
    @blp.response(200, WebhookSchema)
    @blp.errors(403, 404, 422)
    def patch(self, changes, webhook_id):
        """Change a registration (URL, secret, events, active, description)."""
        hook = _owned(webhook_id)
        now = current_clock().now()
        return subscriptions.update_webhook(
            hook, changes, current_user(), now, allow_private=allow_private()
        )

    @blp.response(204)
    @blp.errors(403, 404)
    def delete(self, webhook_id):
        """Remove a registration; its undelivered events are skipped."""
        subscriptions.delete_webhook(_owned(webhook_id), current_user(), current_clock().now())


def _agency(code: str):
    """Return the agency a request names, a bad code being a field error."""
    try:
        return get_agency(code)
    except NotFound as exc:  # as a 422: the code is a field of the body or query
        raise InvalidInput(f"Unknown agency code: {code}.", field="agency") from exc


def _owned(webhook_id: int):
    """Load a registration the user may manage."""
    user = current_user()
    authorize_list_webhooks(user)
    hook = subscriptions.get_webhook(webhook_id)
    authorize_manage_webhooks(user, hook.agency_id)
    return hook
