"""Agency registry operations: loading the shipped data, look-ups by code, merged agencies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import func, select

from tracker.agencies.models import Agency
from tracker.agencies.registry import attach, current_registry, registry_changed
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.text import fold, search_terms

# Every registry code has this shape; anything else cannot exist (and a NUL would upset PostgreSQL).
CODE_SHAPE = re.compile(r"[A-Z0-9_]{2,32}")
REGISTRY_FIELDS = ("name", "short_name", "name_en", "kind", "abbreviations", "valid_until")


def load_registry(records: Sequence[Mapping]) -> dict[str, int]:
    """Insert or update agencies from registry records; returns counts of created and updated."""
    existing = {agency.code: agency for agency in db.session.scalars(select(Agency))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for record in records:
        agency = existing.get(record["code"])
        if agency is None:
            agency = existing[record["code"]] = Agency(code=record["code"])
            db.session.add(agency)
            _apply_record(agency, record)
            counts["created"] += 1
        else:
            counts["updated" if _apply_record(agency, record) else "unchanged"] += 1
    db.session.flush()
    _link_successors(records, existing)
    db.session.flush()
    registry_changed()
    return counts


def _apply_record(agency: Agency, record: Mapping) -> bool:
    """Copy a record's fields onto an agency; returns whether anything changed."""
    values = {name: record.get(name) for name in REGISTRY_FIELDS}
    values["abbreviations"] = list(values["abbreviations"] or [])
    if values["valid_until"]:
        values["valid_until"] = dt.date.fromisoformat(values["valid_until"])
    values["search_key"] = agency_search_key(record)
    changed = any(getattr(agency, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(agency, name, value)
    return changed


def _link_successors(records: Sequence[Mapping], by_code: Mapping[str, Agency]) -> None:
    """Point merged agencies at their successors once every record exists."""
    for record in records:
        successor = by_code.get(record["successor"]) if record.get("successor") else None
        by_code[record["code"]].successor_id = successor.id if successor else None


def agency_search_key(record: Mapping) -> str:
    """Return the folded text an agency is found by."""
    parts = [record["code"], record["name"], record.get("short_name") or "", record["name_en"]]
    return fold(" | ".join(parts + list(record.get("abbreviations") or [])))


def get_agency(code: str) -> Agency:
    """Return the agency with a code, or raise NotFound."""
    if not CODE_SHAPE.fullmatch(code):
        raise NotFound(f"Agency {code!r} not found.")
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound(f"Agency {code!r} not found.")
    return agency


def resolve_codes(codes: Iterable[str], field: str) -> list[Agency]:
    """Return agencies for codes (from the registry, no query), naming every unknown code."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return []
    by_code = current_registry().by_code
    unknown = [code for code in wanted if code not in by_code]
    if unknown:
        raise InvalidInput(f"Unknown agency code(s): {', '.join(unknown)}.", field=field)
    return [attach(by_code[code].id) for code in wanted]


def list_agencies(
    kind: str | None, q: str | None, current: bool | None, page: int, page_size: int
) -> tuple[list[Agency], int]:
    """Return a page of agencies matching the filters, with the total."""
    query = select(Agency)
    if kind:
        query = query.where(Agency.kind == kind)
    if current is not None:
        query = query.where(
            Agency.successor_id.is_(None) if current else Agency.successor_id.is_not(None)
        )
    for term in search_terms(q or ""):
        query = query.where(_starts_a_word(term))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.order_by(Agency.kind, Agency.code).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(items), total or 0


def _starts_a_word(term: str):
    """SQL: a word of the agency's search key starts with the term ("long an" is not Vĩnh Long)."""
    key = Agency.search_key
    return key.startswith(term, autoescape=True) | key.contains(" " + term, autoescape=True)


def lineage_ids(agency_id: int | None) -> set[int]:
    """Return an agency's id with the ids of all agencies merged into it, directly or not."""
    if agency_id is None:
        return set()
    return set(current_registry().lineage(agency_id))


def lineage_of_code(code: str) -> set[int]:
    """Return the lineage of the agency with a code, or raise NotFound."""
    entry = current_registry().by_code.get(code)
    if entry is None:
        raise NotFound(f"Agency {code!r} not found.")
    return lineage_ids(entry.id)
