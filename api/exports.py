"""Exports: pick JSON, CSV or XLSX from `format=` or Accept, and stream the file."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, request, stream_with_context

from api.blueprint import current_user
from tracker.errors import InvalidInput
from tracker.exports.columns import task_table
from tracker.exports.table import Table
from tracker.exports.writers import csv_chunks, xlsx_chunks
from tracker.tasks import queries

JSON = "application/json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"json": JSON, "csv": CSV, "xlsx": XLSX}
WRITERS = {"csv": csv_chunks, "xlsx": xlsx_chunks}


def requested_format(explicit: str | None) -> str:
    """Return `format=` if given, else what Accept prefers (JSON unless CSV or XLSX is asked)."""
    if explicit:
        return explicit
    best = request.accept_mimetypes.best_match([JSON, CSV, XLSX], default=JSON)
    return next(name for name, media in MEDIA_TYPES.items() if media == best)


def export_response(table: Table, fmt: str, stem: str) -> Response:
    """Stream a table as a CSV or XLSX attachment named `stem`.csv/.xlsx."""
    chunks = WRITERS[fmt](table)
    mimetype = CSV + "; charset=utf-8" if fmt == "csv" else XLSX
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def export_tasks(spec: queries.TaskFilter, fmt: str, today: dt.date) -> Response:
    """Stream the tasks the current user may see that match the filter (within the size limit)."""
    user, limit = current_user(), current_app.extensions["tracker.settings"].export_max_rows
    total = queries.count_tasks(user, spec, today)
    if total > limit:
        raise InvalidInput(
            f"The export would hold {total} tasks, more than {limit}; narrow the filters.",
            field="format",
        )
    as_of = spec.as_of or today
    rows = queries.stream_tasks(user, spec, as_of, today)
    return export_response(task_table(rows, as_of, spec.basis), fmt, f"nhiem-vu-{as_of}")


def export_doc(description: str) -> dict:
    """OpenAPI: the 200 response also comes as CSV or XLSX."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {
                "description": description,
                "content": {CSV: {"schema": {"type": "string"}}, XLSX: binary},
            }
        }
    }
