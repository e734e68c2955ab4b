"""Calendar feeds: an agency's feed address (authenticated) and the feed itself (feed token)."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from api.blueprint import ApiBlueprint, StrictParser, current_user
from api.schemas.agencies import AgencyRefSchema
from api.schemas.common import OutSchema, StrictSchema, Text
from tracker.agencies.service import get_agency
from tracker.calendar.feed import agency_calendar, feed_token, valid_feed_token
from tracker.errors import PermissionDenied
from tracker.permissions import authorize_calendar_feed

ICS = "text/calendar"

blp = ApiBlueprint(
    "calendar", __name__, url_prefix="/agencies", description="Calendar feeds of due dates."
)


class FeedBlueprint(Blueprint):
    """The feed is fetched by calendar programs: no bearer token, a feed token instead."""

    ARGUMENTS_PARSER = StrictParser()


feed_blp = FeedBlueprint(
    "calendar_feed",
    __name__,
    url_prefix="/agencies",
    description="iCalendar feeds, protected by a per-agency feed token.",
)


class FeedLinkSchema(OutSchema):
    """Where to subscribe to an agency's feed."""

    agency = fields.Nested(AgencyRefSchema, required=True)
    url = fields.String(required=True, metadata={"description": "Subscribe to this address."})
    token = fields.String(required=True)


class FeedArgs(StrictSchema):
    """The feed's query."""

    token = Text(100, required=True, metadata={"description": "The agency's feed token."})


def _settings():
    return current_app.extensions["tracker.settings"]


@blp.route("/<string:code>/calendar")
class CalendarLink(MethodView):
    """The address of an agency's calendar feed."""

    @blp.response(200, FeedLinkSchema)
    @blp.errors(403, 404)
    def get(self, code):
        """Return the agency's feed address with its token (office, admin, the agency's users)."""
        agency = get_agency(code)
        authorize_calendar_feed(current_user(), agency.id)
        settings = _settings()
        token = feed_token(settings.secret_key, agency.code)
        path = url_for("calendar_feed.CalendarFeed", code=agency.code, token=token)
        return {"agency": agency, "url": settings.base_url + path, "token": token}


@feed_blp.route("/<string:code>/calendar.ics")
class CalendarFeed(MethodView):
    """An agency's iCalendar feed."""

    @feed_blp.arguments(FeedArgs, location="query")
    @feed_blp.response(200, content_type=ICS, description="An RFC 5545 calendar (UTF-8).")
    @feed_blp.alt_response(403, response="FORBIDDEN")
    @feed_blp.alt_response(404, response="NOT_FOUND")
    @feed_blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @feed_blp.doc(security=[], responses={200: {"content": {ICS: {"schema": {"type": "string"}}}}})
    def get(self, args, code):
        """All-day events on the due dates of the open tasks the agency leads."""
        settings = _settings()
        if not valid_feed_token(settings.secret_key, code, args["token"]):
            raise PermissionDenied("The feed token is not valid for this agency.")
        agency = get_agency(code)
        task_url = settings.base_url + "/api/v1/tasks/{id}"
        response = Response(stream_with_context(agency_calendar(agency, task_url)), mimetype=ICS)
        response.headers["Content-Disposition"] = f'inline; filename="{agency.code}.ics"'
        response.headers["Cache-Control"] = "private, max-age=300"
        return response
