"""The statistics endpoints' arguments, a directive's progress and the monthly trend."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.stats_history import build_history
from tracker.stats.periods import DateRange, parse_month, parse_period


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025-Q2", "2025-04-01", "2025-06-30"),
        ("2025-q4", "2025-10-01", "2025-12-31"),
        ("2024-H1", "2024-01-01", "2024-06-30"),
        ("2025-H2", "2025-07-01", "2025-12-31"),
        ("2025", "2025-01-01", "2025-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
    ],
)
def test_periods(text, first, last):
    assert parse_period(text) == DateRange(
        dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    )


@pytest.mark.parametrize(
    "text", ["2025-Q5", "2025-Q0", "2025-H3", "Q2-2025", "25", "2025-13", "1900", "2025-Q2x", ""]
)
def test_bad_periods(text):
    with pytest.raises(ValueError, match=r"."):
        parse_period(text)


def test_months():
    assert parse_month("2026-02").end == dt.date(2026, 2, 28)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("2026")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2025-Q5", "period"),
        ("period=2025-H3", "period"),
        ("period=Q2", "period"),
        ("period=2025-Q2&due_from=2025-04-01", "period"),
        ("due_from=2025-06-01&due_to=2025-04-01", "due_from"),
        ("as_of=2026-05-05", "as_of"),
        ("as_of=yesterday", "as_of"),
        ("basis=planned", "basis"),
        ("kind=planet", "kind"),
        ("merge=all", "merge"),
        ("sort=name", "sort"),
        ("directive_id=0", "directive_id"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_arguments_are_clear_422s(client, office, query, field):
    response = client.get(f"/api/v1/stats/agencies?{query}", headers=office)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_as_of_defaults_to_today_and_echoes_the_filter(client, office, clock):
    clock.set_today(dt.date(2026, 5, 4))
    body = client.get("/api/v1/stats/agencies?period=2026-H1", headers=office).json
    assert body["as_of"] == "2026-05-04" and body["basis"] == "effective"
    assert (body["due_from"], body["due_to"]) == ("2026-01-01", "2026-06-30")
    assert body["items"] == [] and body["totals"]["total"] == 0
    assert body["totals"]["on_time_rate"] is None


def test_directive_progress(client, make, clock):
    history = build_history(client, make, clock)
    a = history.directives["A"]
    body = client.get(f"/api/v1/stats/directives/{a}", headers=history.office).json
    assert body["directive"]["number"] == "10/TB-VPCP" and body["group_tasks"] == 1
    rows = {row["agency"]["code"]: row for row in body["items"]}
    assert rows["MOF"]["by_status"] == {"completed": 3, "assigned": 1}
    assert [rows["MOF"][k] for k in ("done_on_time", "done_late", "open_in_term")] == [2, 1, 1]
    assert rows["MOH"]["by_status"] == {"completed": 1, "cancelled": 1, "assigned": 1}
    assert (rows["MOH"]["regular"], rows["MOH"]["withdrawn"]) == (1, 1)
    assert rows["HANOI"]["open_overdue"] == 2 and rows["HANOI"]["by_status"] == {"assigned": 2}
    assert body["totals"]["by_status"] == {"completed": 4, "assigned": 4, "cancelled": 1}
    assert body["totals"]["total"] == 7
    early = client.get(
        f"/api/v1/stats/directives/{a}?as_of=2026-01-31&basis=original", headers=history.office
    ).json
    assert early["totals"]["open_in_term"] == 7 and early["totals"]["done_on_time"] == 0
    missing = client.get("/api/v1/stats/directives/999999", headers=history.office)
    assert missing.status_code == 404


def _by_month(body) -> dict[str, dict]:
    return {item["month"]: item for item in body["items"]}


def test_monthly_trend(client, make, clock):
    history = build_history(client, make, clock)
    query = "/api/v1/stats/trend?from_month=2026-01&to_month=2026-07"
    months = _by_month(client.get(query, headers=history.office).json)
    assert list(months) == [f"2026-0{m}" for m in range(1, 8)]
    assert [months[m]["assigned"] for m in months] == [5, 0, 0, 1, 0, 0, 0]
    assert [months[m]["completed"] for m in months] == [0, 1, 1, 2, 1, 0, 1]
    assert [months[m]["withdrawn"] for m in months] == [0, 1, 0, 0, 0, 1, 0]
    due = {m: months[m]["due"] for m in months}
    assert due["2026-01"]["open_overdue"] == 1 and due["2026-02"]["done_on_time"] == 1
    assert (due["2026-03"]["done_on_time"], due["2026-03"]["done_late"]) == (1, 1)
    assert due["2026-03"]["withdrawn"] == 1 and due["2026-05"]["done_on_time"] == 1
    assert (due["2026-06"]["done_on_time"], due["2026-06"]["open_overdue"]) == (2, 1)
    assert due["2026-07"]["open_in_term"] == 1 and due["2026-07"]["total"] == 1
    original = _by_month(client.get(query + "&basis=original", headers=history.office).json)
    assert original["2026-03"]["due"]["done_late"] == 2
    assert original["2026-05"]["due"]["open_overdue"] == 1
    assert original["2026-07"]["due"]["total"] == 0
    mof = _by_month(client.get(query + "&agency=MOF", headers=history.office).json)
    assert mof["2026-01"]["assigned"] == 2  # T7 and the group's MOF child


def test_trend_ranges(client, office, clock):
    clock.set_today(dt.date(2026, 5, 4))
    default = client.get("/api/v1/stats/trend", headers=office).json["items"]
    assert [default[0]["month"], default[-1]["month"]] == ["2025-06", "2026-05"]
    year = client.get("/api/v1/stats/trend?period=2025", headers=office).json["items"]
    assert len(year) == 12 and year[0]["month"] == "2025-01"
    for query, field in (
        ("from_month=2026-05&to_month=2026-01", "from_month"),
        ("from_month=2000-01&to_month=2026-01", "from_month"),
        ("from_month=2026-13", "from_month"),
        ("period=2025&from_month=2025-01", "period"),
        ("agency=NOPE", "agency"),
    ):
        response = client.get(f"/api/v1/stats/trend?{query}", headers=office)
        assert response.status_code == 422 and field in response.json["errors"], query
