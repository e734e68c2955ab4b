"""CSV and XLSX exports of the task list and the agency statistics."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import openpyxl
import pytest

from api.exports import XLSX

TITLE = "Xây dựng Đề án chuyển đổi số quốc gia"


@pytest.fixture
def tasks(make, clock):
    clock.set_today(dt.date(2026, 5, 4))
    directive = make.directive(number="95/TB-VPCP")
    make.task(directive, title=TITLE, lead_agency="MOF", coordinating_agencies=["MOH", "MOJ"])
    make.task(directive, title='=HYPERLINK("http://x")', lead_agency="MOH", clause="3.2")
    make.task(directive, title="Nhiệm vụ mật", lead_agency="MOH", confidential=True)
    make.task(
        directive, title="Thường xuyên", lead_agency="HANOI", deadline_kind="regular", due_date=None
    )
    return directive


def read_csv(response) -> list[list[str]]:
    """Check the CSV envelope and return its rows."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def read_xlsx(response):
    """Check the XLSX envelope and return the workbook."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_task_csv_has_bom_vietnamese_headings_and_the_json_rows(client, office, tasks):
    rows = read_csv(client.get("/api/v1/tasks?format=csv&sort=id", headers=office))
    heading, *body = rows
    assert heading[:4] == ["Mã nhiệm vụ", "Số văn bản", "Mục", "Nội dung nhiệm vụ"]
    listed = client.get("/api/v1/tasks?sort=id", headers=office).json
    assert [int(row[0]) for row in body] == [t["id"] for t in listed["items"]]
    first = dict(zip(heading, body[0], strict=True))
    assert first["Nội dung nhiệm vụ"] == TITLE and first["Cơ quan chủ trì"] == "Bộ Tài chính"
    assert first["Cơ quan phối hợp"] == "Bộ Y tế; Bộ Tư pháp"  # by code: MOH, MOJ
    assert first["Hạn xử lý"] == "2026-06-30" and first["Trạng thái"] == "Đã giao"
    assert first["Tình hình thực hiện"] == "Đang thực hiện trong hạn"
    assert body[1][3] == '\'=HYPERLINK("http://x")'  # not run as a formula


def test_task_xlsx_parses_back_with_real_dates(client, office, tasks):
    book = read_xlsx(client.get("/api/v1/tasks?format=xlsx&sort=id", headers=office))
    sheet = book["Nhiệm vụ"]
    rows = list(sheet.iter_rows(values_only=True))
    heading, first, formula = rows[0], rows[1], rows[2]
    assert heading[3] == "Nội dung nhiệm vụ" and first[3] == TITLE
    due = heading.index("Hạn xử lý")
    assert first[due] == dt.datetime(2026, 6, 30)
    assert sheet.cell(row=2, column=due + 1).number_format == "dd/mm/yyyy"
    assert sheet.cell(row=3, column=4).data_type == "s" and formula[3].startswith("=HYPERLINK")
    assert len(rows) == 1 + 4
    notes = dict(book["Thông tin"].iter_rows(values_only=True))
    assert notes["Tình hình thực hiện tính đến ngày"] == dt.datetime(2026, 5, 4)


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("text/csv", "text/csv"),
        (XLSX, XLSX),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
    ],
)
def test_accept_header_selects_the_format(client, office, tasks, accept, mimetype):
    response = client.get("/api/v1/tasks", headers=office | {"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype


def test_exports_apply_the_filters_and_the_users_visibility(client, make, office, tasks):
    for headers, query in (
        (office, "lead_agency=MOH"),
        (make.auth("viewer"), ""),
        (make.auth("agency", "MOH"), ""),
        (office, "q=chuyen%20doi"),
    ):
        listed = client.get(f"/api/v1/tasks?{query}", headers=headers).json
        exported = read_csv(client.get(f"/api/v1/tasks?{query}&format=csv", headers=headers))
        assert len(exported) - 1 == listed["total"], query
        assert {int(row[0]) for row in exported[1:]} == {t["id"] for t in listed["items"]}
    viewer_rows = read_csv(client.get("/api/v1/tasks?format=csv", headers=make.auth("viewer")))
    assert "Nhiệm vụ mật" not in {row[3] for row in viewer_rows}


def test_export_is_streamed_in_pieces(client, office, tasks):
    response = client.get("/api/v1/tasks?format=csv", headers=office, buffered=False)
    assert response.is_streamed
    pieces = list(response.response)
    assert len(pieces) >= 2 and pieces[0].startswith("\ufeff".encode())
    response.close()


def test_too_large_an_export_is_refused(app, client, office, tasks, monkeypatch):
    settings = app.extensions["tracker.settings"]
    monkeypatch.setitem(
        app.extensions, "tracker.settings", dataclasses.replace(settings, export_max_rows=3)
    )
    response = client.get("/api/v1/tasks?format=xlsx", headers=office)
    assert response.status_code == 422 and "narrow the filters" in response.json["message"]
    narrower = client.get("/api/v1/tasks?format=xlsx&lead_agency=MOH", headers=office)
    assert narrower.status_code == 200


@pytest.mark.parametrize("query", ["format=pdf", "format=", "format=CSV"])
def test_bad_format_is_422(client, office, query):
    response = client.get(f"/api/v1/tasks?{query}", headers=office)
    assert response.status_code == 422 and "format" in response.json["errors"]


def test_statistics_csv_has_a_totals_row(client, office, tasks):
    body = client.get("/api/v1/stats/agencies?period=2026-Q2", headers=office).json
    rows = read_csv(client.get("/api/v1/stats/agencies?period=2026-Q2&format=csv", headers=office))
    heading, *agencies, totals = rows
    assert heading[:5] == ["STT", "Mã cơ quan", "Cơ quan", "Loại cơ quan", "Tổng số"]
    assert [row[1] for row in agencies] == [item["agency"]["code"] for item in body["items"]]
    assert [row[0] for row in agencies] == ["1", "2", "3"]  # HANOI: a regular task only
    assert totals[2] == "Tổng cộng" and totals[3] == "3 cơ quan"
    assert int(totals[4]) == body["totals"]["total"] == 3
    named = dict(zip(heading, totals, strict=True))
    assert named["Thường xuyên, không thời hạn"] == "1" and named["Tỷ lệ đúng hạn (%)"] == ""


def test_statistics_xlsx_numbers_and_totals_row(client, office, tasks, make, clock):
    clock.set_today(dt.date(2026, 7, 1))
    body = client.get("/api/v1/stats/agencies?period=2026-Q2", headers=office).json
    response = client.get(
        "/api/v1/stats/agencies?period=2026-Q2", headers=office | {"Accept": XLSX}
    )
    book = read_xlsx(response)
    rows = list(book["Thống kê"].iter_rows(values_only=True))
    assert rows[-1][2] == "Tổng cộng" and rows[-1][4] == body["totals"]["total"]
    assert [row[4:8] for row in rows[1:-1]] == [
        (i["total"], i["done_on_time"], i["done_late"], i["open_in_term"]) for i in body["items"]
    ]
    notes = dict(book["Thông tin"].iter_rows(values_only=True))
    assert notes["Số liệu tính đến hết ngày"] == dt.datetime(2026, 7, 1)
    assert notes["Hạn xử lý từ ngày"] == dt.datetime(2026, 4, 1)
