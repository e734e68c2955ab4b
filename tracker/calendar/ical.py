"""A small RFC 5545 writer: escaped text, content lines folded at 75 octets, CRLF endings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclasses.dataclass(frozen=True)
class AllDayEvent:
    """One all-day VEVENT."""

    uid: str
    day: dt.date
    summary: str
    description: str
    stamp: dt.datetime
    sequence: int = 0
    url: str | None = None
    categories: tuple[str, ...] = ()


def escape_text(text: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into 75-octet pieces, never splitting a UTF-8 character (3.1)."""
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = MAX_OCTETS if not pieces else MAX_OCTETS - 1  # continuations start with a space
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces) + CRLF


def utc_stamp(moment: dt.datetime) -> str:
    """Return a UTC DATE-TIME such as 20260504T020000Z."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(event: AllDayEvent) -> list[str]:
    """Return the unfolded lines of one event."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"LAST-MODIFIED:{utc_stamp(event.stamp)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        "TRANSP:TRANSPARENT",
    ]
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar_chunks(name: str, events: Iterable[AllDayEvent], refresh: str) -> Iterator[bytes]:
    """Yield a VCALENDAR in UTF-8, one event per chunk; `refresh` is a duration such as PT1H."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Directive Tracker//Calendar feed//VI",
        "CALSCALE:GREGORIAN",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
        f"X-PUBLISHED-TTL:{refresh}",
    ]
    yield _encode(head)
    for event in events:
        yield _encode(event_lines(event))
    yield _encode(["END:VCALENDAR"])


def _encode(lines: list[str]) -> bytes:
    """Fold and encode lines."""
    return "".join(fold(line) for line in lines).encode("utf-8")
