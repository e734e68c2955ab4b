"""Deadline phrases: every form of the issue, the year taken from the notice, period ends."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.deadlines import DeadlineKind
from tracker.textimport.deadlines import find_deadline

ISSUED = dt.date(2024, 9, 10)


def due(text: str, issued_on: dt.date = ISSUED) -> tuple[str, str | None] | None:
    """Return (kind, ISO due date) of the deadline of a clause, or None."""
    found = find_deadline(text, issued_on)
    if found is None:
        return None
    return found.kind.value, found.due_date.isoformat() if found.due_date else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trình Chính phủ trước ngày 15/6/2022", ("date", "2022-06-15")),
        ("hoàn thành trước ngày 15-6-2022", ("date", "2022-06-15")),
        ("hoàn thành trước ngày 15.6.2022", ("date", "2022-06-15")),
        ("chậm nhất ngày 15 tháng 6 năm 2022", ("date", "2022-06-15")),
        ("xong trước 30/6/2025.", ("date", "2025-06-30")),
        ("báo cáo Thủ tướng Chính phủ ngày 15 tháng 6 năm 2025", ("date", "2025-06-15")),
        ("hoàn thành trong ngày 15/10", ("date", "2024-10-15")),
    ],
)
def test_dates_with_a_year(text, expected):
    assert due(text) == expected


def test_a_date_without_year_takes_the_notice_year():
    assert due("chậm nhất trước ngày 20/12") == ("date", "2024-12-20")


def test_a_date_without_year_already_past_means_next_year():
    assert due("hoàn thành trước ngày 30/8") == ("date", "2025-08-30")


def test_a_date_on_the_notice_day_is_this_year():
    assert due("trước ngày 10/9") == ("date", "2024-09-10")


def test_an_impossible_date_is_no_deadline():
    assert due("trước ngày 31/2") is None
    assert due("trước ngày 12/13/2024") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trình Chính phủ trong tháng 9", ("month", "2024-09-30")),
        ("trong tháng 8", ("month", "2025-08-31")),
        ("trong tháng 2", ("month", "2025-02-28")),
        ("trình Thủ tướng Chính phủ trong tháng 9/2022", ("month", "2022-09-30")),
        ("hoàn thành trong tháng 01/2026", ("month", "2026-01-31")),
        ("trong tháng 5 năm 2024", ("month", "2024-05-31")),
        ("đến hết tháng 9 năm 2022", ("month", "2022-09-30")),
        ("trước tháng 8/2025", ("month", "2025-07-31")),
        ("báo cáo trong tháng", ("month", "2024-09-30")),
    ],
)
def test_months_end_on_their_last_day(text, expected):
    assert due(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoàn thành trong quý II/2024", ("quarter", "2024-06-30")),
        ("hoàn thành trong quý III", ("quarter", "2024-09-30")),
        ("trong quý II", ("quarter", "2025-06-30")),
        ("trong quý 4", ("quarter", "2024-12-31")),
        ("trong quý I năm 2025", ("quarter", "2025-03-31")),
        ("Quý III - 2023", ("quarter", "2023-09-30")),
        ("trước quý III/2025", ("quarter", "2025-06-30")),
    ],
)
def test_quarters_end_on_their_last_day(text, expected):
    assert due(text) == expected


@pytest.mark.parametrize(
    ("text", "issued_on", "expected"),
    [
        ("hoàn thành trong 6 tháng đầu năm", dt.date(2025, 5, 15), ("half_year", "2025-06-30")),
        ("hoàn thành trong 6 tháng đầu năm", ISSUED, ("half_year", "2025-06-30")),
        ("6 tháng cuối năm 2025", ISSUED, ("half_year", "2025-12-31")),
        ("trong 6 tháng cuối năm", ISSUED, ("half_year", "2024-12-31")),
        ("sáu tháng đầu năm 2026", ISSUED, ("half_year", "2026-06-30")),
    ],
)
def test_half_years(text, issued_on, expected):
    assert due(text, issued_on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoàn thành năm 2023", ("year", "2023-12-31")),
        ("trình Chính phủ trong năm 2026", ("year", "2026-12-31")),
        ("hoàn thành số hóa đến năm 2025", ("year", "2025-12-31")),
        ("hoàn thành trước năm 2026", ("year", "2025-12-31")),
        ("hướng dẫn trong năm nay", ("year", "2024-12-31")),
        ("triển khai trong năm tới", ("year", "2025-12-31")),
    ],
)
def test_years_end_on_31_december(text, expected):
    assert due(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "xây dựng Chiến lược phát triển ngành đến năm 2030",
        "hướng dẫn thi hành Luật Đất đai năm 2024.",
        "tổng hợp kết quả năm 2025 và đề xuất giải pháp",
        "trình Quốc hội tại kỳ họp đầu năm 2023",
        "theo Nghị quyết số 68/NQ-CP ngày 12/5/2025 của Chính phủ",
        "tại cuộc họp ngày 12/8/2022",
        "thực hiện từ ngày 01/7/2025",
        "cho năm học 2024 - 2025",
    ],
)
def test_years_and_dates_that_name_something_are_no_deadline(text):
    assert due(text) is None


def test_a_named_horizon_gives_way_to_the_real_deadline():
    text = (
        "xây dựng Chiến lược đến năm 2030, tầm nhìn đến năm 2045, trình Chính phủ trong quý IV/2024"
    )
    assert due(text) == ("quarter", "2024-12-31")


@pytest.mark.parametrize(
    "text",
    [
        "báo cáo Thủ tướng Chính phủ định kỳ hằng quý",
        "báo cáo kết quả hằng tháng",
        "hàng tháng tổng hợp",
        "thường xuyên kiểm tra, đôn đốc",
        "định kỳ 6 tháng báo cáo",
        "gửi Bộ Công Thương trước ngày 15 hằng tháng",
    ],
)
def test_regular_duties_have_no_due_date(text):
    assert due(text) == ("regular", None)


def test_a_dated_deadline_wins_over_a_regular_report():
    assert due("định kỳ hằng quý báo cáo, hoàn thành trong năm 2025") == ("year", "2025-12-31")


def test_the_first_deadline_of_a_clause_is_taken():
    assert due("trình Thủ tướng trước ngày 15/10; triển khai trong quý I/2025") == (
        "date",
        "2024-10-15",
    )


def test_no_deadline_words_means_none():
    assert due("Bộ Y tế khẩn trương rà soát các quy định") is None


def test_durations_count_from_the_notice_day():
    assert due("báo cáo trong vòng 15 ngày") == ("date", "2024-09-25")
    assert due("trong thời hạn 5 ngày làm việc") == ("date", "2024-09-17")
    assert due("trong 3 tháng") == ("date", "2024-12-10")


def test_before_tet_is_the_day_before_the_lunar_new_year():
    assert due("trước Tết Nguyên đán Ất Tỵ 2025", dt.date(2024, 12, 27)) == ("date", "2025-01-28")
    assert due("hoàn thành trước Tết", dt.date(2025, 3, 1)) == ("date", "2026-02-16")


def test_the_original_words_are_kept():
    found = find_deadline("Bộ Y tế chủ trì, hoàn thành trước ngày 15/6/2022.", ISSUED)
    assert found.text == "trước ngày 15/6/2022"
    assert found.kind is DeadlineKind.DATE


def test_words_without_diacritics_are_read_too():
    assert due("hoan thanh trong quy III/2024") == ("quarter", "2024-09-30")
