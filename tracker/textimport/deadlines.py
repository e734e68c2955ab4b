"""Find the deadline phrase of a clause and normalise it relative to the notice's date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tracker.deadlines import (
    DeadlineKind,
    end_of_half,
    end_of_month,
    end_of_quarter,
    end_of_year,
)
from tracker.textimport.normalise import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?P<y>(?:19|20|21)\d{2})(?!\d)"
_YEAR_TAIL = rf"(?:\s*(?:/|-|–|,?\s*nam)\s*{_YEAR})?"
_CUE = (
    r"(?P<cue>cham nhat(?:\s+la)?(?:\s+(?:truoc|trong|vao|den))?|truoc|den het|den cuoi|den|"
    r"trong|ngay trong|vao|han chot(?:\s+la)?|khong muon hon|xong trong|cuoi|tu)"
)
_DATE_NUM = re.compile(
    rf"{_CUE}\s+(?:ngay\s+)?(?P<d>\d{{1,2}})\s*[/.\-]\s*(?P<m>\d{{1,2}})"
    r"(?:\s*[/.\-]\s*(?P<y>\d{4}))?(?![\d/])"
)
_DATE_WORDS = re.compile(
    rf"{_CUE}\s+(?:ngay\s+)?(?P<d>\d{{1,2}})\s+thang\s+(?P<m>\d{{1,2}})(?:\s*,?\s*nam\s+{_YEAR})?"
)
_HALF = re.compile(
    rf"(?:{_CUE}\s+)?(?:(?:6|sau)\s+thang|nua)\s+(?P<h>dau|cuoi)\s+nam"
    r"(?:\s*(?:/|-|–)?\s*(?P<y>(?:19|20|21)\d{2})(?!\d))?"
)
_QUARTER = re.compile(rf"(?:{_CUE}\s+)?quy\s+(?P<q>iv|iii|ii|i|[1-4])(?![\w]){_YEAR_TAIL}")
_MONTH = re.compile(
    rf"(?:{_CUE}\s+)?thang\s+(?P<m>\d{{1,2}})(?![\d])(?:\s*(?:/|-|,?\s*nam)\s*{_YEAR})?"
)
_THIS_MONTH = re.compile(r"\btrong\s+thang(?:\s+nay)?(?!\s*\d)\b")
_YEAR_RE = re.compile(rf"(?:{_CUE}\s+)?(?:(?P<lead>dau|giua)\s+)?nam\s+{_YEAR}")
_THIS_YEAR = re.compile(
    r"\b(?P<cue>trong|cuoi|den het)\s+nam(?P<next>\s+(?:nay|sau|toi))?(?!\s*(?:\d|hoc|qua|truoc))\b"
)
_REGULAR_DAY = re.compile(r"(?:truoc\s+)?ngay\s+\d{1,2}\s+hang\s+(?:thang|quy|tuan)")
_PERIOD = r"(?:ngay|tuan|thang|quy|nam)"
_REGULAR = re.compile(
    rf"\b(?:dinh ky(?:\s+(?:(?:hang|moi)\s+{_PERIOD}|\d+\s+thang))?|thuong xuyen|hang\s+{_PERIOD}|"
    r"moi\s+(?:thang|quy))\b"
)
_DURATION = re.compile(
    r"\btrong(?:\s+(?:vong|thoi han|thoi gian))?\s+(?P<n>\d{1,3})\s+"
    r"(?P<u>ngay lam viec|ngay|tuan|thang)(?!\s+(?:dau|cuoi|\d))"
)
# First day of the lunar new year (Tết Nguyên đán) in Vietnam's calendar.
_TET = {
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29),
    2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
}  # fmt: skip
_CAN_CHI = (
    r"(?:giap|at|binh|dinh|mau|ky|canh|tan|nham|quy)\s+"
    r"(?:ty|suu|dan|mao|thin|ngo|mui|than|dau|tuat|hoi)"
)
_BEFORE_TET = re.compile(
    rf"(?P<cue>truoc|cham nhat(?:\s+la)?(?:\s+truoc)?|den)\s+(?:dip\s+)?tet(?:\s+nguyen dan)?"
    rf"(?:\s+{_CAN_CHI})?(?:\s*(?:nam\s+)?{_YEAR})?"
)
# A year after these is part of a name: "Chiến lược ... đến năm 2030", "Luật Đất đai năm 2024".
_NAMED_BEFORE = re.compile(
    r"(?:chien luoc|quy hoach|tam nhin|dinh huong|de an|chuong trinh|giai doan|thoi ky|muc tieu|"
    r"luat|bo luat|nghi dinh|nghi quyet|quyet dinh|chi thi|thong tu|hien phap|ket luan|ke hoach|"
    r"mua kho|mua mua|nien do|nam hoc)\b[^,;.]{0,60}$"
)
_COMPLETION_BEFORE = re.compile(
    r"\b(?:hoan thanh|xong|ket thuc|ban hanh|(?<!chuong )trinh)\b[^,;.]{0,40}$"
)
_BARE_DATE = re.compile(
    r"\bngay\s+(?P<d>\d{1,2})(?:\s*[/.\-]\s*|\s+thang\s+)(?P<m>\d{1,2})"
    r"(?:(?:\s*[/.\-]\s*|\s*,?\s*nam\s+)(?P<y>\d{4}))?(?![\d/])"
)
# A date after these dates a document or a meeting: "Nghị quyết số 68/NQ-CP ngày 12/5/2025".
_REFERENCE_BEFORE = re.compile(
    r"(?:\d+/[\w/\-]+|\bso\s+\S+|\b(?:tu|ke tu|hop|hoi nghi|lam viec|nghi quyet|quyet dinh|"
    r"thong bao|cong van|chi thi|ket luan|nghi dinh|thong tu|van ban|to trinh|bao cao|luat)"
    r"(?:\s+\S+){0,3})\s*$"
)


@dataclass(frozen=True)
class Deadline:
    """A deadline found in a clause: its kind, last on-time day and original words."""

    kind: DeadlineKind
    due_date: dt.date | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Found:
    kind: DeadlineKind
    due_date: dt.date | None
    start: int
    end: int


def find_deadline(text: str, issued_on: dt.date) -> Deadline | None:
    """Return the deadline a clause sets: the first dated one, else a regular duty, else None."""
    folded = fold(text)
    found = _candidates(folded, issued_on)
    dated = [f for f in found if f.kind is not DeadlineKind.REGULAR]
    chosen = min(dated or found, key=lambda f: f.start, default=None)
    if chosen is None:
        return None
    words = text[chosen.start : chosen.end].strip(" ,;:")
    return Deadline(chosen.kind, chosen.due_date, words, chosen.start, chosen.end)


def _candidates(folded: str, issued_on: dt.date) -> list[_Found]:
    """Return every deadline phrase of a folded clause, the earlier patterns taking precedence."""
    taken, occupied = [], bytearray(len(folded))
    for finder in _FINDERS:
        for found in finder(folded, issued_on):
            if not any(occupied[found.start : found.end]):
                taken.append(found)
                occupied[found.start : found.end] = b"\x01" * (found.end - found.start)
    return taken


def _roll(day_of: Callable[[int], dt.date], year: str | None, issued_on: dt.date) -> dt.date:
    """Return the period end in the given year, or the next one not before the notice if none."""
    if year:
        return day_of(int(year))
    due = day_of(issued_on.year)
    return due if due >= issued_on else day_of(issued_on.year + 1)


def _cue(match: re.Match) -> str:
    """Return the folded cue word of a match ("truoc", "trong", ...), or ""."""
    return re.sub(r"\s+", " ", match.group("cue") or "")


def _dates(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trước ngày 15/6/2022", "chậm nhất ngày 20 tháng 12"."""
    for pattern in (_DATE_NUM, _DATE_WORDS):
        for match in pattern.finditer(folded):
            if _cue(match) == "tu":
                continue  # "từ ngày ..." starts something, it is no deadline
            due = _day(int(match["d"]), int(match["m"]), match["y"], issued_on)
            if due:
                yield _Found(DeadlineKind.DATE, due, match.start(), match.end())


def _bare_dates(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "ngày 15 tháng 6 năm 2022" without a cue word, unless it dates a document or meeting."""
    for match in _BARE_DATE.finditer(folded):
        if _REFERENCE_BEFORE.search(folded[max(0, match.start() - 60) : match.start()]):
            continue
        due = _day(int(match["d"]), int(match["m"]), match["y"], issued_on)
        if due:
            yield _Found(DeadlineKind.DATE, due, match.start(), match.end())


def _day(day: int, month: int, year: str | None, issued_on: dt.date) -> dt.date | None:
    """Return the calendar day, the year defaulting to the first one not before the notice."""
    years = [int(year)] if year else [issued_on.year, issued_on.year + 1]
    for candidate in years:
        try:
            due = dt.date(candidate, month, day)
        except ValueError:
            continue
        if year or due >= issued_on:
            return due
    return None


def _day_before(year: int, month: int) -> dt.date:
    """Return the day before the first of a month ("trước tháng 8" ends on 31 July)."""
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def _halves(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "6 tháng đầu năm", "6 tháng cuối năm 2025"."""
    for match in _HALF.finditer(folded):
        half = 1 if match["h"] == "dau" else 2
        due = _roll(lambda y, h=half: end_of_half(y, h), match["y"], issued_on)
        yield _Found(DeadlineKind.HALF_YEAR, due, match.start(), match.end())


def _quarters(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trong quý II/2024", "quý III"; "trước quý III" ends with quarter II."""
    for match in _QUARTER.finditer(folded):
        quarter = _ROMAN[match["q"]]
        due = _roll(lambda y, q=quarter: end_of_quarter(y, q), match["y"], issued_on)
        if _cue(match) == "truoc":
            due = _day_before(due.year, quarter * 3 - 2)
        yield _Found(DeadlineKind.QUARTER, due, match.start(), match.end())


def _months(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trong tháng 8", "tháng 9/2022", "trong tháng"; "trước tháng 8" ends with July."""
    for match in _MONTH.finditer(folded):
        month = int(match["m"])
        if not 1 <= month <= 12 or re.search(
            r"\d\s*$", folded[max(0, match.start() - 8) : match.start()]
        ):
            continue
        due = _roll(lambda y, m=month: end_of_month(y, m), match["y"], issued_on)
        if _cue(match) == "truoc":
            due = _day_before(due.year, month)
        yield _Found(DeadlineKind.MONTH, due, match.start(), match.end())
    for match in _THIS_MONTH.finditer(folded):
        yield _Found(
            DeadlineKind.MONTH, end_of_month(issued_on.year, issued_on.month), *match.span()
        )


def _years(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trong năm 2026", "đến năm 2025", "năm 2023" closing a clause, "trong năm nay"."""
    for match in _YEAR_RE.finditer(folded):
        if not _is_year_deadline(folded, match):
            continue
        year = int(match["y"]) - (1 if _cue(match) == "truoc" else 0)
        yield _Found(DeadlineKind.YEAR, end_of_year(year), match.start(), match.end())
    for match in _THIS_YEAR.finditer(folded):
        later = 1 if match["next"] and match["next"].strip() in ("sau", "toi") else 0
        yield _Found(DeadlineKind.YEAR, end_of_year(issued_on.year + later), *match.span())


def _is_year_deadline(folded: str, match: re.Match) -> bool:
    """Tell a year that sets a deadline from one that is part of a name or a period."""
    if match["lead"]:
        return False  # "đầu năm 2023" is too loose to be a deadline
    before = folded[max(0, match.start() - 120) : match.start()]
    if _NAMED_BEFORE.search(before) and not _COMPLETION_BEFORE.search(before):
        return False
    if match["cue"]:
        return _cue(match) != "tu"
    return not folded[match.end() :].strip(" .;,:)/")


def _tet(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trước Tết Nguyên đán Ất Tỵ 2025": the day before the lunar new year."""
    for match in _BEFORE_TET.finditer(folded):
        years = [int(match["y"])] if match["y"] else [issued_on.year, issued_on.year + 1]
        days = [dt.date(y, *_TET[y]) for y in years if y in _TET]
        days = [d for d in days if match["y"] or d > issued_on]
        if days:
            yield _Found(DeadlineKind.DATE, days[0] - dt.timedelta(days=1), *match.span())


def _regulars(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "định kỳ hằng quý", "hằng tháng", "thường xuyên", "trước ngày 15 hằng tháng"."""
    for pattern in (_REGULAR_DAY, _REGULAR):
        for match in pattern.finditer(folded):
            yield _Found(DeadlineKind.REGULAR, None, match.start(), match.end())


def _durations(folded: str, issued_on: dt.date) -> Iterator[_Found]:
    """Find "trong 15 ngày", "trong vòng 3 tháng": counted from the notice's date."""
    for match in _DURATION.finditer(folded):
        count, unit = int(match["n"]), re.sub(r"\s+", " ", match["u"])
        due = _add(issued_on, count, unit)
        if due:
            yield _Found(DeadlineKind.DATE, due, match.start(), match.end())


def _add(day: dt.date, count: int, unit: str) -> dt.date:
    """Add days, working days (Monday to Friday), weeks or months to a day."""
    if unit == "ngay lam viec":
        while count > 0:
            day += dt.timedelta(days=1)
            count -= day.weekday() < 5
        return day
    if unit in ("ngay", "tuan"):
        return day + dt.timedelta(days=count * (7 if unit == "tuan" else 1))
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, end_of_month(year, month).day))


_FINDERS = (_regulars, _dates, _tet, _halves, _durations, _quarters, _months, _bare_dates, _years)
