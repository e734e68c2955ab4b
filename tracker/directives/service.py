"""Directive operations; they flush, the caller commits."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from tracker.directives.models import Directive
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.text import fold, search_terms
from tracker.users.models import User


@dataclasses.dataclass(frozen=True)
class DirectiveInput:
    """The fields a client sets on a directive."""

    number: str
    title: str
    kind: str
    issued_on: dt.date
    issuer: str
    meeting: str | None = None
    summary: str | None = None
    source_text: str | None = None


EDITABLE_FIELDS = tuple(f.name for f in dataclasses.fields(DirectiveInput))


def create_directive(data: DirectiveInput, author: User | None, now: dt.datetime) -> Directive:
    """Create a directive with a number not used before in its year."""
    _ensure_number_free(data.number, data.issued_on.year, None)
    directive = Directive(
        created_by_id=author.id if author else None, created_at=now, updated_at=now
    )
    for name in EDITABLE_FIELDS:
        setattr(directive, name, getattr(data, name))
    directive.search_key = directive_search_key(directive)
    directive.issued_year = directive.issued_on.year
    db.session.add(directive)
    db.session.flush()
    return directive


def update_directive(directive: Directive, changes: dict, now: dt.datetime) -> Directive:
    """Apply validated changes to a directive."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "number" in changes or "issued_on" in changes:
        year = changes.get("issued_on", directive.issued_on).year
        _ensure_number_free(changes.get("number", directive.number), year, directive.id)
    if "issued_on" in changes and changes["issued_on"] != directive.issued_on:
        _ensure_no_task_completed_before(directive, changes["issued_on"])
    for name in EDITABLE_FIELDS:
        if name in changes:
            setattr(directive, name, changes[name])
    directive.updated_at = now
    directive.search_key = directive_search_key(directive)
    directive.issued_year = directive.issued_on.year
    db.session.flush()
    return directive


def directive_search_key(directive: Directive) -> str:
    """Return the folded text a directive is found by."""
    return fold(" ".join([directive.number, directive.title, directive.summary or ""]))


def delete_directive(directive: Directive) -> None:
    """Delete a directive that has no tasks yet."""
    if db.session.scalar(select(Task.id).where(Task.directive_id == directive.id).limit(1)):
        raise Conflict("A directive with tasks cannot be deleted.")
    db.session.delete(directive)
    db.session.flush()


def get_directive(directive_id: int) -> Directive:
    """Return a directive by id, or raise NotFound."""
    directive = db.session.get(Directive, directive_id)
    if directive is None:
        raise NotFound(f"Directive {directive_id} not found.")
    return directive


def list_directives(
    q: str | None, issued_from: dt.date | None, issued_to: dt.date | None, page: int, size: int
) -> tuple[list[Directive], int]:
    """Return a page of directives, newest first, with the total."""
    query = select(Directive)
    if issued_from:
        query = query.where(Directive.issued_on >= issued_from)
    if issued_to:
        query = query.where(Directive.issued_on <= issued_to)
    for term in search_terms(q or ""):
        query = query.where(Directive.search_key.contains(term, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = (Directive.issued_on.desc(), Directive.id.desc())
    items = db.session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size))
    return list(items), total


def _ensure_number_free(number: str, year: int, own_id: int | None) -> None:
    """Refuse a number that another directive of the same year already has."""
    other = db.session.scalar(
        select(Directive.id).where(Directive.number == number, Directive.issued_year == year)
    )
    if other is not None and other != own_id:
        raise Conflict(f"A directive {number!r} of {year} already exists.", field="number")


def _ensure_no_task_completed_before(directive: Directive, issued_on: dt.date) -> None:
    """A directive cannot be dated after the completion of one of its tasks."""
    clash = db.session.scalar(
        select(Task.id)
        .where(Task.directive_id == directive.id, Task.completed_on < issued_on)
        .limit(1)
    )
    if clash:
        raise InvalidInput(
            "A task of this directive was completed before that date.", field="issued_on"
        )
