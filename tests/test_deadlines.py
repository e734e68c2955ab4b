"""Deadline rules: period ends, normalisation of a due date to its kind, Vietnamese wording."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.deadlines import (
    DeadlineKind,
    describe,
    end_of_half,
    end_of_month,
    end_of_quarter,
    end_of_year,
    normalise_due_date,
    period_end,
)
from tracker.errors import InvalidInput

D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 1, D(2026, 1, 31)),
        (2026, 2, D(2026, 2, 28)),
        (2028, 2, D(2028, 2, 29)),
        (2024, 2, D(2024, 2, 29)),
        (2100, 2, D(2100, 2, 28)),
        (2000, 2, D(2000, 2, 29)),
        (2026, 4, D(2026, 4, 30)),
        (2026, 6, D(2026, 6, 30)),
        (2026, 9, D(2026, 9, 30)),
        (2026, 11, D(2026, 11, 30)),
        (2026, 12, D(2026, 12, 31)),
    ],
)
def test_end_of_month(year, month, expected):
    assert end_of_month(year, month) == expected


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [(1, D(2026, 3, 31)), (2, D(2026, 6, 30)), (3, D(2026, 9, 30)), (4, D(2026, 12, 31))],
)
def test_end_of_quarter(quarter, expected):
    assert end_of_quarter(2026, quarter) == expected


def test_end_of_half_and_year():
    assert end_of_half(2026, 1) == D(2026, 6, 30)
    assert end_of_half(2026, 2) == D(2026, 12, 31)
    assert end_of_year(2028) == D(2028, 12, 31)


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (DeadlineKind.DATE, D(2026, 6, 15), D(2026, 6, 15)),
        (DeadlineKind.DATE, D(2028, 2, 29), D(2028, 2, 29)),
        (DeadlineKind.MONTH, D(2026, 6, 15), D(2026, 6, 30)),
        (DeadlineKind.MONTH, D(2028, 2, 1), D(2028, 2, 29)),
        (DeadlineKind.MONTH, D(2027, 2, 14), D(2027, 2, 28)),
        (DeadlineKind.MONTH, D(2026, 12, 31), D(2026, 12, 31)),
        (DeadlineKind.QUARTER, D(2026, 1, 1), D(2026, 3, 31)),
        (DeadlineKind.QUARTER, D(2026, 3, 31), D(2026, 3, 31)),
        (DeadlineKind.QUARTER, D(2026, 4, 1), D(2026, 6, 30)),
        (DeadlineKind.QUARTER, D(2026, 8, 10), D(2026, 9, 30)),
        (DeadlineKind.QUARTER, D(2026, 10, 1), D(2026, 12, 31)),
        (DeadlineKind.QUARTER, D(2028, 2, 29), D(2028, 3, 31)),
        (DeadlineKind.HALF_YEAR, D(2026, 1, 1), D(2026, 6, 30)),
        (DeadlineKind.HALF_YEAR, D(2026, 6, 30), D(2026, 6, 30)),
        (DeadlineKind.HALF_YEAR, D(2026, 7, 1), D(2026, 12, 31)),
        (DeadlineKind.YEAR, D(2026, 1, 1), D(2026, 12, 31)),
        (DeadlineKind.YEAR, D(2028, 2, 29), D(2028, 12, 31)),
    ],
)
def test_period_end(kind, day, expected):
    assert period_end(kind, day) == expected


@pytest.mark.parametrize("kind", [DeadlineKind.REGULAR, DeadlineKind.NONE])
def test_undated_kinds_have_no_period(kind):
    with pytest.raises(ValueError, match=str(kind)):
        period_end(kind, D(2026, 6, 1))


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        (DeadlineKind.DATE, D(2026, 6, 15), D(2026, 6, 15)),
        (DeadlineKind.MONTH, D(2028, 2, 10), D(2028, 2, 29)),
        (DeadlineKind.QUARTER, D(2026, 5, 4), D(2026, 6, 30)),
        (DeadlineKind.HALF_YEAR, D(2026, 9, 1), D(2026, 12, 31)),
        (DeadlineKind.YEAR, D(2025, 3, 1), D(2025, 12, 31)),
    ],
)
def test_normalise_dated_kinds(kind, day, expected):
    assert normalise_due_date(kind, day) == expected


@pytest.mark.parametrize("kind", [DeadlineKind.REGULAR, DeadlineKind.NONE])
def test_undated_kinds_normalise_to_none(kind):
    assert normalise_due_date(kind, None) is None


@pytest.mark.parametrize("kind", [DeadlineKind.REGULAR, DeadlineKind.NONE])
def test_undated_kind_with_a_date_is_refused(kind):
    with pytest.raises(InvalidInput, match="has no due date") as info:
        normalise_due_date(kind, D(2026, 6, 30))
    assert set(info.value.fields) == {"due_date"}
    assert str(kind) in info.value.message


@pytest.mark.parametrize(
    "kind",
    [
        DeadlineKind.DATE,
        DeadlineKind.MONTH,
        DeadlineKind.QUARTER,
        DeadlineKind.HALF_YEAR,
        DeadlineKind.YEAR,
    ],
)
def test_dated_kind_without_a_date_is_refused(kind):
    with pytest.raises(InvalidInput, match="needs a due date") as info:
        normalise_due_date(kind, None)
    assert set(info.value.fields) == {"due_date"}
    assert str(kind) in info.value.message


@pytest.mark.parametrize(
    ("kind", "due", "text"),
    [
        (DeadlineKind.DATE, D(2026, 6, 5), "Trước ngày 05/06/2026"),
        (DeadlineKind.MONTH, D(2028, 2, 29), "Trong tháng 2/2028"),
        (DeadlineKind.MONTH, D(2026, 12, 31), "Trong tháng 12/2026"),
        (DeadlineKind.QUARTER, D(2026, 3, 31), "Trong quý I/2026"),
        (DeadlineKind.QUARTER, D(2026, 6, 30), "Trong quý II/2026"),
        (DeadlineKind.QUARTER, D(2026, 9, 30), "Trong quý III/2026"),
        (DeadlineKind.QUARTER, D(2026, 12, 31), "Trong quý IV/2026"),
        (DeadlineKind.HALF_YEAR, D(2026, 6, 30), "6 tháng đầu năm 2026"),
        (DeadlineKind.HALF_YEAR, D(2026, 12, 31), "6 tháng cuối năm 2026"),
        (DeadlineKind.YEAR, D(2025, 12, 31), "Trong năm 2025"),
        (DeadlineKind.REGULAR, None, "Thường xuyên"),
        (DeadlineKind.NONE, None, "Không có thời hạn"),
    ],
)
def test_describe_in_vietnamese(kind, due, text):
    assert describe(kind, due) == text


def test_describe_agrees_with_normalisation():
    for kind in (DeadlineKind.QUARTER, DeadlineKind.HALF_YEAR, DeadlineKind.YEAR):
        due = normalise_due_date(kind, D(2026, 8, 10))
        assert describe(kind, due) == describe(kind, D(2026, 8, 10))
