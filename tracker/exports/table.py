"""A table to export: Vietnamese column headings, how to read each cell, lazily produced rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any


class CellKind(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    RATE = "rate"


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its heading, how to get its value from a row, its kind and width."""

    heading: str
    value: Callable[[Any], Any]
    kind: CellKind = CellKind.TEXT
    width: int = 14


@dataclasses.dataclass(frozen=True)
class Table:
    """Rows (read once, lazily), an optional totals row of ready values, and side notes."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    totals: Sequence[Any] | None = None
    notes: Sequence[tuple[str, Any]] = ()

    def cells(self) -> Iterable[list[Any]]:
        """Yield each row's values, in column order."""
        for row in self.rows:
            yield [column.value(row) for column in self.columns]
