"""Who receives what: agency contacts and webhooks, loaded once per planning run."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.reminders.models import AgencyContact, Channel, ContactRole, Webhook

GOVERNMENT_OFFICE = "OOG"
MAX_SUCCESSION = 10


@dataclasses.dataclass(frozen=True)
class Recipient:
    """One addressee of a ledger row."""

    channel: Channel
    address: str  # an e-mail address, or webhook:<id>
    agency_id: int
    contact_id: int | None = None
    webhook_id: int | None = None
    copy: bool = False  # informed (co-ordinating agency at escalation), not responsible


@dataclasses.dataclass(frozen=True)
class _Contact:
    id: int
    email: str
    role: str


@dataclasses.dataclass(frozen=True)
class _Hook:
    id: int
    events: frozenset[str]


class Directory:
    """Contacts and webhooks by agency; merged agencies are served by their successor's."""

    def __init__(self):
        self.successor: dict[int, int] = {}
        self.office_id: int | None = None
        self.contacts: dict[int, list[_Contact]] = defaultdict(list)
        self.hooks: dict[int, list[_Hook]] = defaultdict(list)

    @classmethod
    def load(cls, *, contacts: bool = True) -> Directory:
        """Read the registry's successions, the active contacts and the active webhooks."""
        directory = cls()
        for agency_id, code, successor_id in db.session.execute(
            select(Agency.id, Agency.code, Agency.successor_id)
        ):
            if successor_id is not None:
                directory.successor[agency_id] = successor_id
            if code == GOVERNMENT_OFFICE:
                directory.office_id = agency_id
        if contacts:
            query = select(AgencyContact).where(AgencyContact.paused.is_(False))
            for contact in db.session.scalars(query.order_by(AgencyContact.id)):
                entry = _Contact(contact.id, contact.email, contact.role)
                directory.contacts[contact.agency_id].append(entry)
        hooks = select(Webhook.id, Webhook.agency_id, Webhook.events).where(Webhook.active)
        for hook_id, agency_id, events in db.session.execute(hooks.order_by(Webhook.id)):
            directory.hooks[agency_id].append(_Hook(hook_id, frozenset(events or ())))
        return directory

    def current(self, agency_id: int) -> int:
        """Return the agency that now does the work of an agency (itself unless merged)."""
        for _ in range(MAX_SUCCESSION):
            if agency_id not in self.successor:
                break
            agency_id = self.successor[agency_id]
        return agency_id

    def lead_mail(self, lead_id: int) -> list[Recipient]:
        """The lead agency's focal points (its head when it has none)."""
        agency = self.current(lead_id)
        return self._mail(agency, _with_role(self.contacts[agency], ContactRole.FOCAL_POINT))

    def escalation_mail(self, lead_id: int, coordinator_ids: Iterable[int]) -> list[Recipient]:
        """The lead's head, the Government Office's contacts, the co-ordinating focal points."""
        lead = self.current(lead_id)
        people = self._mail(lead, _with_role(self.contacts[lead], ContactRole.HEAD))
        if self.office_id is not None:
            people += self._mail(self.office_id, self.contacts[self.office_id])
        for agency in dict.fromkeys(self.current(a) for a in coordinator_ids):
            picked = _with_role(self.contacts[agency], ContactRole.FOCAL_POINT)
            people += self._mail(agency, picked, copy=True)
        return _unique(people)

    def hooks_for(self, event: str, agency_ids: Iterable[int]) -> list[Recipient]:
        """The webhooks of the agencies and of the Government Office subscribed to an event."""
        agencies = [self.current(a) for a in agency_ids]
        if self.office_id is not None:
            agencies.append(self.office_id)
        found = []
        for agency in dict.fromkeys(agencies):
            for hook in self.hooks[agency]:
                if not hook.events or event in hook.events:
                    address = f"webhook:{hook.id}"
                    found.append(Recipient(Channel.WEBHOOK, address, agency, webhook_id=hook.id))
        return found

    @staticmethod
    def _mail(agency_id: int, contacts: list[_Contact], copy: bool = False) -> list[Recipient]:
        return [
            Recipient(Channel.EMAIL, c.email, agency_id, contact_id=c.id, copy=copy)
            for c in contacts
        ]


def _with_role(contacts: list[_Contact], role: ContactRole) -> list[_Contact]:
    """Contacts of a role, or all contacts when none has it (someone must hear of it)."""
    chosen = [c for c in contacts if c.role == role]
    return chosen or list(contacts)


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    """Drop repeated addresses, keeping the first (responsible before copied)."""
    seen: dict[str, Recipient] = {}
    for recipient in recipients:
        seen.setdefault(recipient.address, recipient)
    return list(seen.values())
