"""What the overview page shows besides the figures: filter choices, bars, Vietnamese numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tracker.stats.agencies import AgencyReport
from tracker.stats.counts import BUCKETS, Counts
from tracker.stats.labels import BASIS_LABELS, BUCKET_LABELS, KIND_LABELS

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COLOURS = {
    "done_on_time": "#2e7d32",
    "done_late": "#ef9a00",
    "open_in_term": "#1565c0",
    "open_overdue": "#c62828",
}
KIND_CHOICES = [("", "Tất cả cơ quan"), *KIND_LABELS.items()]
BASIS_CHOICES = list(BASIS_LABELS.items())


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """Return the periods offered: this year's and last year's quarters, halves and years."""
    choices = [("", "Tất cả thời hạn")]
    for year in (today.year, today.year - 1):
        choices += [(f"{year}-Q{q}", f"Quý {ROMAN[q]}/{year}") for q in range(1, 5)]
        choices += [(f"{year}-H1", f"6 tháng đầu năm {year}")]
        choices += [(f"{year}-H2", f"6 tháng cuối năm {year}"), (str(year), f"Năm {year}")]
    return choices


def current_quarter(today: dt.date) -> str:
    """Return the period value of today's quarter."""
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def number(value: int | None) -> str:
    """Format a whole number the Vietnamese way (2.057)."""
    return "" if value is None else f"{value:,}".replace(",", ".")


def percent(rate: float | None) -> str:
    """Format a rate as a Vietnamese percentage (87,5%)."""
    return "–" if rate is None else f"{rate * 100:.1f}%".replace(".", ",")


@dataclasses.dataclass(frozen=True)
class Segment:
    """One coloured part of a stacked bar, in percent of the widest bar."""

    name: str
    label: str
    count: int
    x: float
    width: float
    colour: str


def bar(counts: Counts, widest: int) -> list[Segment]:
    """Return the four buckets of a row as segments of a stacked bar."""
    segments, x = [], 0.0
    for bucket in BUCKETS:
        count = getattr(counts, bucket.value)
        width = 100.0 * count / widest if widest else 0.0
        segments.append(
            Segment(bucket.value, BUCKET_LABELS[bucket], count, x, width, COLOURS[bucket])
        )
        x += width
    return segments


def headline(report: AgencyReport, period_label: str) -> str:
    """Return the Government Office's sentence: of N tasks due, M overdue, across agencies."""
    totals = report.totals
    ministries = sum(1 for row in report.items if row.agency.kind != "province")
    provinces = len(report.items) - ministries
    scope = (
        f"đến hạn trong {period_label[:1].lower()}{period_label[1:]}" if period_label else "đã giao"
    )
    return (
        f"Trong {number(totals.total)} nhiệm vụ {scope}, {number(totals.open_overdue)} nhiệm vụ "
        f"quá hạn chưa hoàn thành; {number(ministries)} bộ, cơ quan và "
        f"{number(provinces)} tỉnh, thành phố có nhiệm vụ."
    )
