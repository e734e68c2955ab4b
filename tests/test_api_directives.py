"""Directive endpoints: who may write, input checks, duplicates, search, paging, deletion rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from tracker.db import has_write_intent
from tracker.tasks.models import TaskStatus

URL = "/api/v1/directives"


def new_directive(**overrides) -> dict:
    """A valid creation body."""
    return {
        "number": "143/TB-VPCP",
        "title": "Thông báo kết luận của Thủ tướng Chính phủ tại cuộc họp về định danh điện tử",
        "kind": "conclusion_notice",
        "issued_on": "2026-04-10",
        "issuer": "Văn phòng Chính phủ",
        "meeting": "Cuộc họp ngày 5/4/2026",
        "summary": "Đẩy mạnh ứng dụng định danh và xác thực điện tử.",
        "source_text": "Số: 143/TB-VPCP\nHà Nội, ngày 10 tháng 4 năm 2026",
    } | overrides


def total(client, headers, query: str = "") -> int:
    response = client.get(f"{URL}?{query}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["total"]


@pytest.mark.parametrize("role", ["office", "admin"])
def test_staff_create(client, make, role, clock):
    headers = make.auth(role)
    response = client.post(URL, json=new_directive(), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert isinstance(body["id"], int)
    assert body["number"] == "143/TB-VPCP"
    assert body["issued_on"] == "2026-04-10"
    assert body["kind"] == "conclusion_notice"
    assert body["meeting"] == "Cuộc họp ngày 5/4/2026"
    assert body["source_text"].startswith("Số: 143/TB-VPCP")
    assert dt.datetime.fromisoformat(body["created_at"]) == clock.now()
    fetched = client.get(f"{URL}/{body['id']}", headers=headers)
    assert fetched.status_code == 200 and fetched.json == body


def test_defaults_for_optional_fields(client, office):
    body = {"number": "1/CT-TTg", "title": "Chỉ thị", "issued_on": "2026-01-05"}
    response = client.post(URL, json=body, headers=office)
    assert response.status_code == 201, response.json
    created = response.json
    assert created["kind"] == "conclusion_notice"
    assert created["issuer"] == "Văn phòng Chính phủ"
    assert (
        created["meeting"] is None and created["summary"] is None and created["source_text"] is None
    )


@pytest.mark.parametrize("role", ["agency", "viewer"])
def test_others_may_not_create(client, make, role):
    headers = make.auth(role, "MOF" if role == "agency" else None)
    response = client.post(URL, json=new_directive(), headers=headers)
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
    assert total(client, headers) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": None}, "number"),
        ({"title": None}, "title"),
        ({"issued_on": None}, "issued_on"),
        ({"number": ""}, "number"),
        ({"number": "   "}, "number"),
        ({"title": ""}, "title"),
        ({"number": "1" * 65}, "number"),
        ({"title": "t" * 501}, "title"),
        ({"issuer": "i" * 201}, "issuer"),
        ({"number": "12\x00/TB"}, "number"),
        ({"summary": "a\x00b"}, "summary"),
        ({"issued_on": "2026-02-30"}, "issued_on"),
        ({"issued_on": "2026-13-01"}, "issued_on"),
        ({"issued_on": "10/04/2026"}, "issued_on"),
        ({"issued_on": "1800-01-01"}, "issued_on"),
        ({"issued_on": 20260410}, "issued_on"),
        ({"kind": "memo"}, "kind"),
        ({"kind": 3}, "kind"),
        ({"title": ["a"]}, "title"),
        ({"author": "me"}, "author"),
        ({"id": 5}, "id"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, office, changes, field):
    body = {k: v for k, v in new_directive(**changes).items() if v is not None}
    response = client.post(URL, json=body, headers=office)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"
    assert field in response.json["errors"]
    assert total(client, office) == 0


def test_text_limits_are_on_characters_not_bytes(client, office):
    number = "Đ" * 64
    response = client.post(URL, json=new_directive(number=number), headers=office)
    assert response.status_code == 201, response.json
    assert response.json["number"] == number


def test_duplicate_number_is_409(client, office):
    assert client.post(URL, json=new_directive(), headers=office).status_code == 201
    again = client.post(URL, json=new_directive(title="Khác"), headers=office)
    assert again.status_code == 409
    assert again.json["code"] == "conflict"
    assert "number" in again.json["errors"]
    assert total(client, office) == 1


def test_duplicate_number_after_normalisation_is_409(client, office):
    assert (
        client.post(URL, json=new_directive(number="95/TB-VPCP"), headers=office).status_code == 201
    )
    assert (
        client.post(URL, json=new_directive(number=" 95/TB-VPCP "), headers=office).status_code
        == 409
    )


def test_get_unknown_is_404(client, viewer):
    for directive_id in (424242, 2**31 - 1, 2**31, 10**30):
        response = client.get(f"{URL}/{directive_id}", headers=viewer)
        assert response.status_code == 404, directive_id
        assert response.json["code"] == "not_found"


def test_everyone_reads(client, make):
    directive = make.directive()
    for headers in (make.auth("viewer"), make.auth("agency", "MPS"), make.auth("office")):
        assert client.get(f"{URL}/{directive.id}", headers=headers).status_code == 200
        assert total(client, headers) == 1


def test_list_is_newest_first_and_searchable_without_accents(client, office, make):
    make.directive(
        number="10/TB-VPCP", title="Kết luận về định danh điện tử", issued_on=dt.date(2026, 2, 1)
    )
    make.directive(
        number="11/CT-TTg", title="Chỉ thị về hóa đơn điện tử", issued_on=dt.date(2026, 3, 1)
    )
    make.directive(
        number="12/TB-VPCP",
        title="Kết luận phiên họp",
        summary="Sổ sức khỏe điện tử",
        issued_on=dt.date(2026, 1, 1),
    )
    listing = client.get(URL, headers=office).json
    assert [d["number"] for d in listing["items"]] == ["11/CT-TTg", "10/TB-VPCP", "12/TB-VPCP"]
    assert "source_text" not in listing["items"][0]

    def numbers(query):
        response = client.get(f"{URL}?{query}", headers=office)
        assert response.status_code == 200, response.json
        return [d["number"] for d in response.json["items"]]

    assert numbers("q=dinh danh") == ["10/TB-VPCP"]
    assert numbers("q=ĐỊNH DANH") == ["10/TB-VPCP"]
    assert numbers("q=dien tu") == ["11/CT-TTg", "10/TB-VPCP", "12/TB-VPCP"]
    assert numbers("q=suc khoe") == ["12/TB-VPCP"]
    assert numbers("q=CT-TTg") == ["11/CT-TTg"]
    assert numbers("q=tb-vpcp") == ["10/TB-VPCP", "12/TB-VPCP"]
    assert numbers("q=%25") == []
    assert numbers("issued_from=2026-02-01") == ["11/CT-TTg", "10/TB-VPCP"]
    assert numbers("issued_to=2026-02-01") == ["10/TB-VPCP", "12/TB-VPCP"]
    assert numbers("issued_from=2026-02-02&issued_to=2026-03-01") == ["11/CT-TTg"]


def test_pagination(client, office, make):
    for day in range(1, 6):
        make.directive(issued_on=dt.date(2026, 1, day))
    first = client.get(f"{URL}?page_size=2", headers=office).json
    assert first["total"] == 5 and first["page"] == 1 and first["page_size"] == 2
    pages = [first] + [
        client.get(f"{URL}?page_size=2&page={p}", headers=office).json for p in (2, 3)
    ]
    issued = [d["issued_on"] for page in pages for d in page["items"]]
    assert issued == [f"2026-01-0{day}" for day in range(5, 0, -1)]
    beyond = client.get(f"{URL}?page_size=2&page=4", headers=office).json
    assert beyond["items"] == [] and beyond["total"] == 5


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=100001",
        "page=99999999999999999999",
        "page_size=0",
        "page_size=201",
        "page=one",
        "issued_from=2026-02-30",
        "q=" + "x" * 201,
        "q=a%00b",
        "sort=number",
    ],
)
def test_bad_list_parameters_are_422(client, office, query):
    response = client.get(f"{URL}?{query}", headers=office)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"


def test_patch(client, office, make, clock):
    directive = make.directive(number="20/TB-VPCP")
    clock.at += dt.timedelta(hours=3)
    response = client.patch(
        f"{URL}/{directive.id}",
        json={"title": "Tiêu đề mới", "summary": None, "kind": "directive"},
        headers=office,
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert (
        body["title"] == "Tiêu đề mới" and body["kind"] == "directive" and body["summary"] is None
    )
    assert body["number"] == "20/TB-VPCP"
    assert dt.datetime.fromisoformat(body["updated_at"]) == clock.now()
    assert dt.datetime.fromisoformat(body["created_at"]) < clock.now()
    assert client.get(f"{URL}?q=tieu de moi", headers=office).json["total"] == 1
    assert client.get(f"{URL}/{directive.id}", headers=office).json == body


def test_patch_to_the_same_number_is_allowed(client, office, make):
    directive = make.directive(number="21/TB-VPCP")
    response = client.patch(f"{URL}/{directive.id}", json={"number": "21/TB-VPCP"}, headers=office)
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"number": "22/TB-VPCP"}, 409, "number"),
        ({"title": ""}, 422, "title"),
        ({"issued_on": "2026-02-29"}, 422, "issued_on"),
        ({"kind": "memo"}, 422, "kind"),
        ({"created_at": "2026-01-01T00:00:00Z"}, 422, "created_at"),
        ({"title": "Hợp lệ", "number": "x" * 65}, 422, "number"),
    ],
)
def test_bad_patch_changes_nothing(client, office, make, changes, status, field):
    make.directive(number="22/TB-VPCP")
    directive = make.directive(number="23/TB-VPCP", title="Tiêu đề cũ")
    before = client.get(f"{URL}/{directive.id}", headers=office).json
    response = client.patch(f"{URL}/{directive.id}", json=changes, headers=office)
    assert response.status_code == status, response.json
    assert field in response.json.get("errors", {})
    assert client.get(f"{URL}/{directive.id}", headers=office).json == before


def test_issued_on_cannot_move_after_a_completion(client, office, make, db_session):
    directive = make.directive(issued_on=dt.date(2026, 1, 15))
    task = make.task(directive)
    task.status = TaskStatus.COMPLETED
    task.completed_on = task.accepted_on = dt.date(2026, 3, 1)
    db_session.commit()
    later = client.patch(f"{URL}/{directive.id}", json={"issued_on": "2026-03-02"}, headers=office)
    assert later.status_code == 422 and "issued_on" in later.json["errors"]
    earlier = client.patch(
        f"{URL}/{directive.id}", json={"issued_on": "2026-01-10"}, headers=office
    )
    assert earlier.status_code == 200, earlier.json


def test_patch_needs_staff(client, make):
    directive = make.directive()
    for headers in (make.auth("viewer"), make.auth("agency", "MOF")):
        response = client.patch(f"{URL}/{directive.id}", json={"title": "X"}, headers=headers)
        assert response.status_code == 403
    assert client.get(f"{URL}/{directive.id}", headers=make.auth("viewer")).json["title"] != "X"


def test_delete_without_tasks(client, office, make):
    directive = make.directive()
    response = client.delete(f"{URL}/{directive.id}", headers=office)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get(f"{URL}/{directive.id}", headers=office).status_code == 404
    assert client.delete(f"{URL}/{directive.id}", headers=office).status_code == 404


def test_delete_with_tasks_is_409(client, office, make):
    task = make.task()
    response = client.delete(f"{URL}/{task.directive_id}", headers=office)
    assert response.status_code == 409
    assert response.json["code"] == "conflict"
    assert client.get(f"{URL}/{task.directive_id}", headers=office).status_code == 200
    assert client.get(f"/api/v1/tasks/{task.id}", headers=office).status_code == 200


def test_delete_needs_staff(client, make):
    directive = make.directive()
    for headers in (make.auth("viewer"), make.auth("agency", "MOF")):
        assert client.delete(f"{URL}/{directive.id}", headers=headers).status_code == 403
    assert client.get(f"{URL}/{directive.id}", headers=make.auth("viewer")).status_code == 200


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_unknown_directive_is_404(client, office, method):
    for directive_id in (424242, 10**30):
        response = getattr(client, method)(
            f"{URL}/{directive_id}", json={"title": "X"}, headers=office
        )
        assert response.status_code == 404, response.json
        assert response.json["code"] == "not_found"


def test_malformed_body_is_4xx_and_writes_nothing(client, office):
    for data in (b"{", b"[]", b"null", b'"x"'):
        response = client.post(
            URL, data=data, headers=office | {"Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, data
        assert response.json["status"] == response.status_code
    assert total(client, office) == 0


def test_a_write_request_leaves_no_write_intent_behind(client, office):
    """SQLite's BEGIN IMMEDIATE is for the request's own unit of work only."""
    assert client.post(URL, json=new_directive(), headers=office).status_code == 201
    assert not has_write_intent()
    assert client.delete(f"{URL}/424242", headers=office).status_code == 404
    assert not has_write_intent()


def test_committed_rows_stay_loaded(make):
    """Objects outlive their commit without a reload (no surprise transaction afterwards)."""
    directive = make.directive()
    assert inspect(directive).expired_attributes == set()


def test_numbering_restarts_every_year(client, office):
    assert client.post(URL, json=new_directive(), headers=office).status_code == 201
    last_year = client.post(URL, json=new_directive(issued_on="2025-04-10"), headers=office)
    assert last_year.status_code == 201, last_year.json
    moved = client.patch(
        f"{URL}/{last_year.json['id']}", json={"issued_on": "2026-01-05"}, headers=office
    )
    assert moved.status_code == 409 and "number" in moved.json["errors"]
    assert total(client, office) == 2
