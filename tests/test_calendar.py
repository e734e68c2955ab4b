"""The agencies' iCalendar feeds: the token, RFC 5545 form, and which tasks they hold."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
import pytest

from tests.workflow_helpers import report, review
from tracker.calendar.ical import escape_text, fold

LONG_TITLE = "Hoàn thiện, trình Chính phủ Nghị định; quy định chi tiết\\thi hành Luật Đất đai " * 3


@pytest.fixture
def feed_tasks(make, clock):
    clock.set_today(dt.date(2026, 5, 4))
    directive = make.directive(number="95/TB-VPCP")
    old = make.directive(number="7/TB-VPCP", issued_on=dt.date(2025, 1, 10))
    tasks = {
        "long": make.task(directive, title=LONG_TITLE, clause="3.1"),
        "secret": make.task(directive, title="Phương án bí mật", confidential=True),
        "done": make.task(directive, title="Đã xong"),
        "regular": make.task(directive, deadline_kind="regular", due_date=None),
        "other": make.task(directive, title="Của Bộ Y tế", lead_agency="MOH"),
        "merged": make.task(old, title="Của Bộ Kế hoạch và Đầu tư", lead_agency="MPI"),
    }
    return tasks


def feed_path(client, headers, code: str = "MOF") -> str:
    """Fetch the feed address and return its path and query."""
    link = client.get(f"/api/v1/agencies/{code}/calendar", headers=headers)
    assert link.status_code == 200, link.json
    parts = urlsplit(link.json["url"])
    assert parts.scheme == "http" and parts.path == f"/api/v1/agencies/{code}/calendar.ics"
    assert parts.query == f"token={link.json['token']}"
    return f"{parts.path}?{parts.query}"


def test_feed_is_valid_rfc5545_and_parses_back(client, office, make, feed_tasks):
    mof = make.auth("agency", "MOF")
    report_id = report(client, mof, feed_tasks["done"].id, "completion").json["id"]
    review(client, office, feed_tasks["done"].id, report_id)
    response = client.get(feed_path(client, office))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    raw = response.data
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and "Directive Tracker" in str(calendar["PRODID"])
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    ids = {name: f"task-{task.id}@directive-tracker" for name, task in feed_tasks.items()}
    assert set(events) == {ids["long"], ids["secret"], ids["merged"]}
    long = events[ids["long"]]
    assert str(long["SUMMARY"]) == "Hạn: " + LONG_TITLE
    assert long.decoded("DTSTART") == dt.date(2026, 6, 30)
    assert long["DTSTART"].params["VALUE"] == "DATE"
    assert long.decoded("DTEND") == dt.date(2026, 7, 1)
    assert "Văn bản: 95/TB-VPCP, mục 3.1" in str(long["DESCRIPTION"])
    assert long.decoded("DTSTAMP").tzinfo is not None
    secret = events[ids["secret"]]
    assert "bí mật" not in raw.replace(b"\r\n ", b"").decode() and "mật" in str(secret["SUMMARY"])


def test_feed_is_stable_between_fetches(client, office, feed_tasks):
    path = feed_path(client, office)
    assert client.get(path).data == client.get(path).data


@pytest.mark.parametrize(
    "query",
    ["token=wrong", "", "token=", "token=abc&extra=1"],
)
def test_feed_needs_the_agency_token(client, office, feed_tasks, query):
    response = client.get(f"/api/v1/agencies/MOF/calendar.ics?{query}")
    assert response.status_code in (403, 422)
    assert response.json["status"] == response.status_code


def test_a_token_opens_only_its_own_agency(client, office, feed_tasks):
    token = client.get("/api/v1/agencies/MOH/calendar", headers=office).json["token"]
    assert client.get(f"/api/v1/agencies/MOF/calendar.ics?token={token}").status_code == 403
    moh = client.get(f"/api/v1/agencies/MOH/calendar.ics?token={token}")
    assert b"C\xe1\xbb\xa7a B\xe1\xbb\x99 Y t\xe1\xba\xbf" in moh.data.replace(b"\r\n ", b"")


@pytest.mark.parametrize(
    ("role", "agency", "code", "status"),
    [
        ("office", None, "MOF", 200),
        ("admin", None, "HANOI", 200),
        ("agency", "MOF", "MOF", 200),
        ("agency", "MOF", "MPI", 200),
        ("agency", "MOF", "MOH", 403),
        ("viewer", None, "MOF", 403),
        ("office", None, "NOPE", 404),
    ],
)
def test_who_may_get_a_feed_address(client, make, role, agency, code, status):
    response = client.get(f"/api/v1/agencies/{code}/calendar", headers=make.auth(role, agency))
    assert response.status_code == status


def test_folding_keeps_utf8_characters_whole():
    line = "SUMMARY:" + escape_text("Đề án; chuyển đổi, số " * 10)
    folded = fold(line).encode("utf-8")
    pieces = folded.split(b"\r\n")
    assert pieces[-1] == b"" and all(len(p) <= 75 for p in pieces)
    assert all(p.startswith(b" ") for p in pieces[1:-1])
    for piece in pieces:
        piece.decode("utf-8")  # no character split across lines
    assert b"".join(p[1:] if i else p for i, p in enumerate(pieces)).decode() == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
