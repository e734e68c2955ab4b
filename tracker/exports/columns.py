"""What the exports hold: the task list's and the agency statistics' columns, in Vietnamese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from tracker.exports.table import CellKind, Column, Table
from tracker.stats.agencies import AgencyReport
from tracker.stats.labels import (
    BASIS_LABELS,
    BUCKET_LABELS,
    GROUP_LABELS,
    KIND_LABELS,
    MERGE_LABELS,
    PRIORITY_LABELS,
    RATE_LABEL,
    STATUS_LABELS,
    TOTAL_LABEL,
)
from tracker.tasks.models import Task

NUMBER, DATE, RATE = CellKind.NUMBER, CellKind.DATE, CellKind.RATE


def _lead(task: Task) -> str:
    """Return the lead agency's name, or the group a parent task stands for."""
    if task.lead_agency is not None:
        return task.lead_agency.name
    return GROUP_LABELS.get(task.group_kind or "", "")


def _label(labels: dict[str, str], value: str | None) -> str:
    """Return the Vietnamese label of a value ("" for none)."""
    return labels.get(value, value) if value else ""


TASK_COLUMNS = (
    Column("Mã nhiệm vụ", lambda r: r[0].id, NUMBER, 11),
    Column("Số văn bản", lambda r: r[1], width=16),
    Column("Mục", lambda r: r[0].clause, width=7),
    Column("Nội dung nhiệm vụ", lambda r: r[0].title, width=60),
    Column("Cơ quan chủ trì", lambda r: _lead(r[0]), width=30),
    Column("Mã cơ quan chủ trì", lambda r: r[0].lead_agency and r[0].lead_agency.code, width=12),
    Column(
        "Cơ quan phối hợp",
        lambda r: "; ".join(a.name for a in r[0].coordinating_agencies),
        width=40,
    ),
    Column("Thời hạn", lambda r: r[0].deadline_text, width=24),
    Column("Hạn xử lý", lambda r: r[0].due_date, DATE, 12),
    Column("Hạn ban đầu", lambda r: r[0].original_due_date, DATE, 12),
    Column("Trạng thái", lambda r: _label(STATUS_LABELS, r[0].status), width=18),
    Column("Tình hình thực hiện", lambda r: _label(BUCKET_LABELS, r[0].timeliness), width=24),
    Column("Ngày hoàn thành", lambda r: r[0].completed_on, DATE, 12),
    Column("Ngày giao", lambda r: r[0].created_on, DATE, 12),
    Column("Mức độ ưu tiên", lambda r: _label(PRIORITY_LABELS, r[0].priority), width=12),
    Column("Mật", lambda r: "Có" if r[0].confidential else "", width=6),
)


def task_table(rows: Iterable[tuple[Task, str]], as_of: dt.date, basis: str) -> Table:
    """Return the export of (task, directive number) rows; timeliness is as of `as_of`."""
    notes = [("Tình hình thực hiện tính đến ngày", as_of), ("Căn cứ hạn", BASIS_LABELS[basis])]
    return Table("Nhiệm vụ", TASK_COLUMNS, rows, notes=notes)


COUNT_COLUMNS = (
    Column(TOTAL_LABEL, lambda r: r.total, NUMBER, 10),
    *(
        Column(BUCKET_LABELS[name], lambda r, n=name: getattr(r, n), NUMBER, 14)
        for name in ("done_on_time", "done_late", "open_in_term", "open_overdue")
    ),
    Column(f"{RATE_LABEL} (%)", lambda r: r.on_time_rate, RATE, 12),
    Column(BUCKET_LABELS["regular"], lambda r: r.regular, NUMBER, 14),
    Column(BUCKET_LABELS["withdrawn"], lambda r: r.withdrawn, NUMBER, 10),
)
AGENCY_COLUMNS = (
    Column("STT", lambda r: r[0], NUMBER, 5),
    Column("Mã cơ quan", lambda r: r[1].agency.code, width=11),
    Column("Cơ quan", lambda r: r[1].agency.name, width=40),
    Column("Loại cơ quan", lambda r: _label(KIND_LABELS, r[1].agency.kind), width=22),
    *(Column(c.heading, lambda r, c=c: c.value(r[1]), c.kind, c.width) for c in COUNT_COLUMNS),
)


def agency_stats_table(report: AgencyReport) -> Table:
    """Return the agency statistics as a table numbered from 1, with a totals row."""
    totals = report.totals
    total_cells = [None, None, "Tổng cộng", f"{totals.agencies} cơ quan"]
    total_cells += [column.value(totals) for column in COUNT_COLUMNS]
    rows = enumerate(report.items, start=1)
    return Table("Thống kê", AGENCY_COLUMNS, rows, total_cells, stats_notes(report))


def stats_notes(report: AgencyReport) -> list[tuple[str, object]]:
    """Describe the filter behind a statistics table."""
    spec = report.spec
    notes = [("Số liệu tính đến hết ngày", spec.as_of), ("Căn cứ hạn", BASIS_LABELS[spec.basis])]
    if spec.due is not None:
        notes += [("Hạn xử lý từ ngày", spec.due.start), ("Hạn xử lý đến ngày", spec.due.end)]
    if spec.kind:
        notes.append(("Loại cơ quan", KIND_LABELS[spec.kind]))
    if spec.directive_id is not None:
        notes.append(("Văn bản (mã)", spec.directive_id))
    if spec.issuer:
        notes.append(("Cơ quan ban hành văn bản", spec.issuer))
    notes.append(("Cơ quan đã sáp nhập", MERGE_LABELS[spec.merge]))
    return notes
