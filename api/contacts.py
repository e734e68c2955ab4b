"""Agency contacts: who receives an agency's reminders (office, admin and the agency itself)."""

from __future__ import annotations

from flask.views import MethodView

from api.blueprint import ApiBlueprint, current_user
from api.schemas.common import PageArgs
from api.schemas.reminders import (
    ContactCreateSchema,
    ContactPageSchema,
    ContactSchema,
    ContactUpdateSchema,
)
from tracker.agencies.service import get_agency
from tracker.clock import current_clock
from tracker.permissions import authorize_manage_contacts, authorize_read_contacts
from tracker.reminders import contacts

blp = ApiBlueprint(
    "contacts",
    __name__,
    url_prefix="/agencies",
    description="Agency contacts (focal points, head) who receive reminders.",
)
EXAMPLE = {"email": "dau.moi@mof.gov.vn", "name": "Nguyễn Văn An", "role": "focal_point"}


@blp.route("/<string:code>/contacts")
class AgencyContacts(MethodView):
    """An agency's contacts."""

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ContactPageSchema)
    @blp.errors(403, 404, 422)
    def get(self, args, code):
        """List an agency's contacts (office, admin, the agency)."""
        agency = get_agency(code)
        authorize_read_contacts(current_user(), agency.id)
        page, size = args["page"], args["page_size"]
        items, total = contacts.list_contacts(agency, page, size)
        return {"items": items, "total": total, "page": page, "page_size": size}

    @blp.arguments(ContactCreateSchema, example=EXAMPLE)
    @blp.response(201, ContactSchema)
    @blp.errors(403, 404, 409, 422)
    def post(self, data, code):
        """Add a contact (office, admin, the agency)."""
        agency = get_agency(code)
        authorize_manage_contacts(current_user(), agency.id)
        spec = contacts.ContactInput(**data)
        return contacts.create_contact(agency, spec, current_user(), current_clock().now())


@blp.route("/<string:code>/contacts/<id:contact_id>")
class AgencyContact(MethodView):
    """One contact."""

    @blp.response(200, ContactSchema)
    @blp.errors(403, 404)
    def get(self, code, contact_id):
        """Get a contact."""
        agency = get_agency(code)
        authorize_read_contacts(current_user(), agency.id)
        return contacts.get_contact(agency, contact_id)

    @blp.arguments(ContactUpdateSchema, example={"paused": True})
    @blp.response(200, ContactSchema)
    @blp.errors(403, 404, 409, 422)
    def patch(self, changes, code, contact_id):
        """Change a contact; `"paused": true` stops its reminders until set back to false."""
        agency = get_agency(code)
        authorize_manage_contacts(current_user(), agency.id)
        contact = contacts.get_contact(agency, contact_id)
        return contacts.update_contact(contact, changes, current_user(), current_clock().now())

    @blp.response(204)
    @blp.errors(403, 404)
    def delete(self, code, contact_id):
        """Remove a contact; its pending reminders are skipped."""
        agency = get_agency(code)
        authorize_manage_contacts(current_user(), agency.id)
        contact = contacts.get_contact(agency, contact_id)
        contacts.delete_contact(contact, current_user(), current_clock().now())
