"""Agency contacts: who of an agency receives reminders. Operations flush; the caller commits."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select, update

from tracker.agencies.models import Agency
from tracker.audit.service import record
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.extensions import db
from tracker.reminders.models import AgencyContact, ContactRole, Notification, State
from tracker.users.models import User

MAX_CONTACTS_PER_AGENCY = 50
FIELDS = ("email", "name", "role", "paused")


@dataclasses.dataclass(frozen=True)
class ContactInput:
    """A contact as a client gives it."""

    email: str
    name: str = ""
    role: ContactRole = ContactRole.FOCAL_POINT
    paused: bool = False


def list_contacts(agency: Agency, page: int, page_size: int) -> tuple[list[AgencyContact], int]:
    """Return a page of an agency's contacts, heads first, and the total."""
    query = select(AgencyContact).where(AgencyContact.agency_id == agency.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(AgencyContact.role.desc(), AgencyContact.email)
    items = db.session.scalars(ordered.offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def get_contact(agency: Agency, contact_id: int) -> AgencyContact:
    """Return one of an agency's contacts, or raise NotFound."""
    contact = db.session.get(AgencyContact, contact_id)
    if contact is None or contact.agency_id != agency.id:
        raise NotFound(f"Contact {contact_id} not found for {agency.code}.")
    return contact


def create_contact(
    agency: Agency, data: ContactInput, actor: User, now: dt.datetime
) -> AgencyContact:
    """Add a contact to an agency; an address appears once per agency."""
    count = db.session.scalar(select(func.count()).where(AgencyContact.agency_id == agency.id))
    if count >= MAX_CONTACTS_PER_AGENCY:
        raise InvalidInput(f"An agency has at most {MAX_CONTACTS_PER_AGENCY} contacts.")
    email = normalise_email(data.email)
    _ensure_free(agency, email, None)
    contact = AgencyContact(
        agency_id=agency.id,
        email=email,
        name=data.name,
        role=ContactRole(data.role).value,
        paused=data.paused,
        created_at=now,
        updated_at=now,
    )
    db.session.add(contact)
    db.session.flush()
    record("created", "contact", contact.id, None, actor, now, _fields(contact, {}))
    return contact


def update_contact(
    contact: AgencyContact, changes: dict, actor: User, now: dt.datetime
) -> AgencyContact:
    """Change a contact's address, name, role, or pause (resume) its reminders."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"Fields cannot be changed: {', '.join(sorted(unknown))}.")
    before = {name: _plain(getattr(contact, name)) for name in FIELDS}
    if "email" in changes:
        changes = changes | {"email": normalise_email(changes["email"])}
        _ensure_free(contact.agency, changes["email"], contact.id)
    for name in FIELDS:
        if name in changes:
            setattr(contact, name, _plain(changes[name]))
    contact.updated_at = now
    db.session.flush()
    record("updated", "contact", contact.id, None, actor, now, _fields(contact, before))
    return contact


def delete_contact(contact: AgencyContact, actor: User, now: dt.datetime) -> None:
    """Remove a contact; what was still to be sent to it is skipped, not lost silently."""
    db.session.execute(
        update(Notification)
        .where(Notification.contact_id == contact.id, Notification.state == State.PENDING)
        .values(state=State.SKIPPED, last_error="The contact was removed.", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    before = {name: _plain(getattr(contact, name)) for name in FIELDS}
    record(
        "deleted",
        "contact",
        contact.id,
        None,
        actor,
        now,
        {k: [v, None] for k, v in before.items()},
    )
    db.session.delete(contact)
    db.session.flush()


def normalise_email(email: str) -> str:
    """Return an address in the form it is stored and compared (trimmed, lower case)."""
    return email.strip().lower()


def _ensure_free(agency: Agency, email: str, contact_id: int | None) -> None:
    """Refuse an address the agency already has."""
    query = select(AgencyContact.id).where(
        AgencyContact.agency_id == agency.id, AgencyContact.email == email
    )
    found = db.session.scalar(query)
    if found is not None and found != contact_id:
        raise Conflict(f"{agency.code} already has the contact {email}.", field="email")


def _plain(value):
    return value.value if isinstance(value, ContactRole) else value


def _fields(contact: AgencyContact, before: dict) -> dict:
    """Return the audit changes of a contact."""
    after = {name: _plain(getattr(contact, name)) for name in FIELDS}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
