"""Text import over the API and the command line: propose, correct, confirm."""

from __future__ import annotations

import datetime as dt
import json

import pytest

NOTICE = """THÔNG BÁO
Kết luận của Thủ tướng Chính phủ tại cuộc họp về chuyển đổi số
Chia sẻ | Bình luận | Lượt xem: 1.234
1. Bộ Tài chính chủ trì, phối hợp với Bộ Tư pháp hoàn thiện dự thảo Nghị định về hóa đơn điện tử, \
trình Chính phủ trong tháng 9.
2. Bộ Y tế chủ trì, phối hợp với Bộ KH&CN triển khai sổ sức khỏe điện tử, hoàn thành trong quý III.
3. Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương cung cấp đủ 25 dịch vụ công thiết yếu \
trước ngày 30/6/2026.
4. Bộ Công an thực hiện thường xuyên việc làm sạch dữ liệu dân cư.
Tin liên quan
"""


def parse(client, headers, text=NOTICE, issued_on="2026-03-18"):
    """Ask the service for proposals."""
    return client.post(
        "/api/v1/directives/parse", json={"text": text, "issued_on": issued_on}, headers=headers
    )


def test_parse_proposes_tasks(client, office):
    response = parse(client, office)
    assert response.status_code == 200, response.json
    tasks = response.json["tasks"]
    assert [(t["lead_agency"], t["group"]) for t in tasks] == [
        ("MOF", None),
        ("MOH", None),
        (None, "all_provinces"),
        ("MPS", None),
    ]
    assert tasks[0]["coordinating_agencies"] == ["MOJ"]
    assert (tasks[0]["deadline_kind"], tasks[0]["due_date"]) == ("month", "2026-09-30")
    assert (tasks[1]["deadline_kind"], tasks[1]["due_date"]) == ("quarter", "2026-09-30")
    assert tasks[1]["coordinating_agencies"] == ["MOST"]
    assert tasks[2]["due_date"] == "2026-06-30"
    assert tasks[3]["deadline_kind"] == "regular"
    assert all(0 <= t["confidence"] <= 1 and t["source"] for t in tasks)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "", "issued_on": "2026-03-18"}, 422),
        ({"text": "   \n ", "issued_on": "2026-03-18"}, 422),
        ({"text": "\x01\x02\x03" * 100, "issued_on": "2026-03-18"}, 422),
        ({"text": "Bộ Tài chính chủ trì", "issued_on": "2026-02-31"}, 422),
        ({"text": "x" * 200_001, "issued_on": "2026-03-18"}, 422),
        ({"text": "Bộ Tài chính chủ trì"}, 422),
    ],
)
def test_bad_text_is_4xx(client, office, body, status):
    response = client.post("/api/v1/directives/parse", json=body, headers=office)
    assert response.status_code == status, response.json


def test_megabytes_of_text_are_413(client, office):
    body = json.dumps({"text": "Bộ Tài chính " * 200_000, "issued_on": "2026-03-18"})
    response = client.post(
        "/api/v1/directives/parse", data=body, headers=office | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.json["code"] == "payload_too_large"


def test_only_office_parses(client, make):
    assert parse(client, make.auth("agency", "MOF")).status_code == 403


def test_confirmed_proposals_are_created_all_or_nothing(client, office, make):
    directive = make.directive(issued_on=dt.date(2026, 3, 18))
    proposals = parse(client, office).json["tasks"]
    proposals[3]["lead_agency"] = "NOPE"
    proposals[1]["due_date"] = "2025-01-01"
    url = f"/api/v1/directives/{directive.id}/tasks/bulk"
    failed = client.post(url, json={"tasks": proposals}, headers=office)
    assert failed.status_code == 422, failed.json
    assert set(failed.json["errors"]) == {"tasks.1.due_date", "tasks.3.lead_agency"}
    assert client.get("/api/v1/tasks", headers=office).json["total"] == 0
    proposals[3]["lead_agency"] = "MPS"
    proposals[1]["due_date"] = "2026-09-30"
    created = client.post(url, json={"tasks": proposals}, headers=office)
    assert created.status_code == 201, created.json
    items = created.json["items"]
    assert [t["lead_agency"] and t["lead_agency"]["code"] for t in items] == [
        "MOF",
        "MOH",
        None,
        "MPS",
    ]
    assert items[2]["children_count"] == 34
    assert "Bộ Tài chính chủ trì" in items[0]["description"]


def test_cli_parse_prints_unescaped_json(app, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["tracker", "parse", str(notice), "--issued-on", "2026-03-18"]
    )
    assert result.exit_code == 0, result.output
    assert "Bộ" in result.output or "hóa đơn" in result.output
    document = json.loads(result.output)
    assert [t["lead_agency"] for t in document["tasks"]][:2] == ["MOF", "MOH"]
    bad = app.test_cli_runner().invoke(
        args=["tracker", "parse", str(notice), "--issued-on", "2026-13-01"]
    )
    assert bad.exit_code != 0
