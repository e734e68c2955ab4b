"""CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl write-only) writers that stream bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.exports.table import CellKind, Column, Table

BOM = "\ufeff"
CSV_ROWS_PER_CHUNK = 500
FILE_CHUNK = 64 * 1024
DATE_FORMAT = "dd/mm/yyyy"
RATE_FORMAT = "0.00%"
# A cell starting like this is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOTES_TITLE = "Thông tin"


def csv_chunks(table: Table) -> Iterator[bytes]:
    """Yield the table as CSV: a BOM and the headings first, then rows in chunks, then totals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in table.columns])
    yield (BOM + _drain(buffer)).encode("utf-8")
    rows = table.cells()
    while chunk := list(itertools.islice(rows, CSV_ROWS_PER_CHUNK)):
        writer.writerows(_csv_row(table.columns, values) for values in chunk)
        yield _drain(buffer).encode("utf-8")
    if table.totals is not None:
        writer.writerow(_csv_row(table.columns, table.totals))
        yield _drain(buffer).encode("utf-8")


def _drain(buffer: io.StringIO) -> str:
    """Return what the buffer holds and empty it."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_row(columns: Sequence[Column], values: Sequence[Any]) -> list[Any]:
    """Return a row's CSV fields: ISO dates, rates in percent, text made inert."""
    return [_csv_value(column.kind, value) for column, value in zip(columns, values, strict=True)]


def _csv_value(kind: CellKind, value: Any) -> Any:
    """Return one CSV field."""
    if value is None:
        return ""
    if kind is CellKind.RATE and isinstance(value, float):
        return round(value * 100, 2)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_chunks(table: Table) -> Iterator[bytes]:
    """Yield the table as an XLSX workbook built in write-only mode (rows go to a temp file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, CellKind.TEXT, c.heading, bold) for c in table.columns])
    for values in table.cells():
        sheet.append(_xlsx_row(sheet, table.columns, values))
    if table.totals is not None:
        sheet.append(_xlsx_row(sheet, table.columns, table.totals, bold))
    if table.notes:
        _notes_sheet(workbook, table.notes, bold)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(FILE_CHUNK):
            yield chunk


def _xlsx_row(sheet, columns: Sequence[Column], values: Sequence[Any], font=None) -> list[Any]:
    """Return one sheet row: plain values where possible, styled cells where needed."""
    return [
        _xlsx_cell(sheet, column.kind, value, font)
        for column, value in zip(columns, values, strict=True)
    ]


def _xlsx_cell(sheet, kind: CellKind, value: Any, font=None) -> Any:
    """Return a value or a write-only cell: dates and rates formatted, text never a formula."""
    if value == "":
        return None  # an empty cell is not written at all
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    plain = font is None and not isinstance(value, dt.date) and kind is not CellKind.RATE
    if plain and not (isinstance(value, str) and value.startswith("=")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif kind is CellKind.RATE:
        cell.number_format = RATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _notes_sheet(workbook: Workbook, notes: Sequence[tuple[str, Any]], bold: Font) -> None:
    """Add a sheet of label/value pairs describing how the table was produced."""
    sheet = workbook.create_sheet(NOTES_TITLE)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 40
    for label, value in notes:
        label_cell = _xlsx_cell(sheet, CellKind.TEXT, label, bold)
        sheet.append([label_cell, _xlsx_cell(sheet, CellKind.TEXT, value)])
