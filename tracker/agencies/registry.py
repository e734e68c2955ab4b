"""The agency registry as each process holds it: look-ups by code and lineage without a query.

The registry changes only through `load_registry` (`tracker load-agencies`), which writes a new
random token in `agency_registry_state` in the same transaction. A unit of work (request, job run,
command) reads that token once, at its first look-up, and reloads the registry when another process
changed it; so every process sees a change from its next unit of work on. A random token rather
than a counter: a state row deleted and written again cannot bring back a token a process holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from flask import g, has_app_context
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from tracker.agencies.models import Agency, RegistryState
from tracker.extensions import db

STATE_ID = 1
_G_KEY = "agency_registry"


@dataclasses.dataclass(frozen=True, slots=True)
class AgencyEntry:
    """What look-ups need of an agency; `rank` is its place in the database's order of codes."""

    id: int
    code: str
    name: str
    successor_id: int | None
    valid_until: dt.date | None
    rank: int


@dataclasses.dataclass(frozen=True)
class Registry:
    """An immutable snapshot of the registry, with the lineages computed on first use.

    `agencies` are detached ORM objects: `attach` copies one into a session without a query.
    """

    token: int | None
    by_id: dict[int, AgencyEntry]
    by_code: dict[str, AgencyEntry]
    predecessors: dict[int, tuple[int, ...]]
    agencies: dict[int, Agency]
    lineages: dict[int, frozenset[int]] = dataclasses.field(default_factory=dict)

    def lineage(self, agency_id: int) -> frozenset[int]:
        """Return an agency's id with the ids of all agencies merged into it, directly or not."""
        known = self.lineages.get(agency_id)
        if known is None:
            result, frontier = {agency_id}, [agency_id]
            while frontier:
                merged = self.predecessors.get(frontier.pop(), ())
                frontier.extend(child for child in merged if child not in result)
                result.update(merged)
            known = self.lineages[agency_id] = frozenset(result)
        return known


_process_registry: Registry | None = None
_TOKEN = select(RegistryState.token).where(RegistryState.id == STATE_ID)  # built once


def current_registry() -> Registry:
    """Return the registry, checked against the database once per unit of work."""
    checked = g.get(_G_KEY) if has_app_context() else None
    if checked is not None:
        return checked
    global _process_registry
    token = db.session.connection().scalar(_TOKEN)
    registry = _process_registry
    if registry is None or registry.token != token:
        registry = _process_registry = _load(token)
    if has_app_context():
        g.setdefault(_G_KEY, registry)
    return registry


def _load(token: int | None) -> Registry:
    """Read the registry's agencies into a snapshot."""
    # A session of its own on the same connection: the caller's session keeps its objects.
    with Session(bind=db.session.connection()) as loading:
        # Successors are joined; the objects are detached when the session closes.
        agencies = list(loading.scalars(select(Agency).order_by(Agency.code)))
    entries = [
        AgencyEntry(a.id, a.code, a.name, a.successor_id, a.valid_until, rank)
        for rank, a in enumerate(agencies)
    ]
    predecessors: dict[int, list[int]] = {}
    for entry in entries:
        if entry.successor_id is not None:
            predecessors.setdefault(entry.successor_id, []).append(entry.id)
    return Registry(
        token,
        {entry.id: entry for entry in entries},
        {entry.code: entry for entry in entries},
        {successor: tuple(ids) for successor, ids in predecessors.items()},
        {agency.id: agency for agency in agencies},
    )


def attach(agency_id: int) -> Agency:
    """Return the agency as an object of the current session, from the registry (no query).

    An object the session already holds is returned as it is (it may carry changes); otherwise
    the registry's copy is merged in without loading, as a second-level cache would.
    """
    session = db.session()
    existing = session.identity_map.get(identity_key(Agency, agency_id))
    if existing is not None:
        return existing
    return session.merge(current_registry().agencies[agency_id], load=False)


def registry_changed() -> None:
    """Record (in the caller's transaction) that the registry changed, for every process."""
    global _process_registry
    token = secrets.randbits(62)
    values = {"token": token}
    state = RegistryState.__table__
    changed = db.session.execute(update(state).where(state.c.id == STATE_ID).values(values))
    if not changed.rowcount:
        db.session.execute(insert(state).values(id=STATE_ID, **values))
    _process_registry = None
    if has_app_context():
        g.pop(_G_KEY, None)
