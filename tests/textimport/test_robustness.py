"""Hostile and random input: the parser refuses with InvalidInput or returns valid proposals."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import InvalidInput
from tracker.textimport import ProposedTask, parse_directive_text

KINDS = {"date", "month", "quarter", "half_year", "year", "regular", "none"}
GROUPS = {None, "all", "all_ministries", "all_provinces"}
PIECES = [
    "Bộ Tài chính", "Bộ TT&TT", "UBND tỉnh Long An", "các bộ, ngành, địa phương", "Hà Nội",
    "chủ trì", "phối hợp với", "có trách nhiệm", "Giao", "Đề nghị", "Đồng thời,", "khẩn trương",
    "trước ngày 31/2", "trong quý V", "trong tháng 13", "ngày 99 tháng 99 năm 9999", "quý IV/2199",
    "trong 999 tháng", "trước Tết", "định kỳ hằng quý", "năm 2023", "6 tháng đầu năm", "2.1.",
    "a)", "- ", "+ ", "•", ":", ";", ".", ",", "\n", "./.", "Nơi nhận:", "Tin liên quan", "(", ")",
    "Bình luận", "Lượt xem: 1.234", "TP.", "&", "\u0301", "\u200b", "İ", "Ð", "𝔘", " ",
]  # fmt: skip
DATES = st.dates(min_value=dt.date(1945, 1, 1), max_value=dt.date(2200, 12, 31))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str, issued_on: dt.date) -> None:
    """Parse and check every proposal, accepting only InvalidInput as a refusal."""
    try:
        proposed = parse_directive_text(text, issued_on)
    except InvalidInput:
        return
    for task in proposed:
        assert isinstance(task, ProposedTask)
        assert task.deadline_kind in KINDS
        assert (task.due_date is None) == (task.deadline_kind in {"regular", "none"})
        assert task.group in GROUPS
        assert 0 <= task.confidence <= 1
        assert len(task.title) <= 200
        json.dumps(task.to_dict(), ensure_ascii=False).encode("utf-8")


@FAST
@given(st.text(), DATES)
def test_any_text(text, issued_on):
    check(text, issued_on)


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=60).map(" ".join), DATES)
def test_notice_like_word_salad(text, issued_on):
    check(text, issued_on)


@FAST
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=40).map("".join), DATES)
def test_glued_fragments(text, issued_on):
    check(text, issued_on)


@pytest.mark.parametrize(
    "text",
    [
        "\x00" * 1000,
        "\ud800\udfff" * 50 + "Bộ Y tế chủ trì.",
        "\ufffd" * 500,
        "Bộ Y tế chủ trì, " * 10_000,
        ("(" * 5000) + "Bộ Y tế" + (")" * 5000),
        "Bộ " * 50_000,
        "1." * 50_000,
        ":" * 100_000,
        "\n" * 100_000 + "Bộ Y tế chủ trì.",
        "các bộ, " * 20_000,
        "trước ngày 15/6/2022 " * 5000,
        "\u202eBộ Y tế chủ trì\u202c",
        "Ｂộ Ｙ tế chủ trì",
    ],
    ids=lambda text: repr(text[:24]),
)
def test_hostile_strings(text):
    check(text, dt.date(2024, 1, 1))


def test_not_a_string_is_refused():
    with pytest.raises(InvalidInput):
        parse_directive_text(b"Bo Y te", dt.date(2024, 1, 1))  # type: ignore[arg-type]
