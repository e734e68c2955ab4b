"""Task endpoints: creation rules, filters, visibility, concurrency control, hostile input."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.deadlines import DeadlineKind


def new_task(directive_id: int, /, **overrides) -> dict:
    """A valid creation body."""
    return {
        "directive_id": overrides.pop("directive_id", directive_id),
        "clause": "2.a",
        "title": "Hoàn thiện dự thảo Nghị định về định danh điện tử",
        "lead_agency": "MPS",
        "coordinating_agencies": ["MOJ", "MOST"],
        "deadline_kind": "quarter",
        "due_date": "2026-08-10",
    } | overrides


def test_create_normalises_quarter_and_returns_etag(client, office, make):
    directive = make.directive()
    response = client.post("/api/v1/tasks", json=new_task(directive.id), headers=office)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["due_date"] == "2026-09-30"
    assert body["original_due_date"] == "2026-09-30"
    assert body["deadline_text"] == "Trong quý III/2026"
    assert body["lead_agency"]["code"] == "MPS"
    assert [a["code"] for a in body["coordinating_agencies"]] == ["MOJ", "MOST"]
    assert body["status"] == "assigned" and body["timeliness"] == "open_in_term"
    assert response.headers["ETag"] == '"1"'


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"deadline_kind": "regular", "due_date": "2026-08-10"}, "due_date"),
        ({"deadline_kind": "date", "due_date": None}, "due_date"),
        ({"lead_agency": "NOPE"}, "lead_agency"),
        ({"coordinating_agencies": ["MOJ", "XYZ"]}, "coordinating_agencies"),
        ({"coordinating_agencies": ["MPS"]}, "coordinating_agencies"),
        ({"lead_agency": "MIC"}, "lead_agency"),
        ({"due_date": "2026-02-30"}, "due_date"),
        ({"due_date": "2025-01-01"}, "due_date"),
        ({"title": "a\x00b"}, "title"),
        ({"title": "a\ud800b"}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "   "}, "title"),
        ({"directive_id": 10**30}, "directive_id"),
        ({"directive_id": 999999}, "directive_id"),
        ({"priority": "extreme"}, "priority"),
        ({"deadline_kind": "fortnight"}, "deadline_kind"),
        ({"owner": "me"}, "owner"),
        ({"confidential": "maybe"}, "confidential"),
        ({"confidential": 0}, "confidential"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, office, make, changes, field):
    directive = make.directive()
    body = json.dumps(new_task(directive.id, **changes))  # ASCII-escaped, so lone surrogates travel
    response = client.post(
        "/api/v1/tasks", data=body, headers=office | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.json
    assert response.json["code"] in {"validation_error", "invalid_input"}
    assert field in response.json["errors"]
    assert client.get("/api/v1/tasks", headers=office).json["total"] == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00garbage"],
    ids=["syntax", "list", "str", "binary"],
)
def test_malformed_bodies_are_4xx_json(client, office, body):
    response = client.post(
        "/api/v1/tasks", data=body, headers=office | {"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.json["status"] == response.status_code


def test_text_is_stored_nfc(client, office, make):
    directive = make.directive()
    decomposed = "Hoa\u0300n thie\u0323\u0302n"
    response = client.post(
        "/api/v1/tasks", json=new_task(directive.id, title=decomposed), headers=office
    )
    assert response.json["title"] == "Hoàn thiện"


def test_only_office_and_admin_create(client, make):
    directive = make.directive()
    for headers in (make.auth("agency", "MPS"), make.auth("viewer")):
        response = client.post("/api/v1/tasks", json=new_task(directive.id), headers=headers)
        assert response.status_code == 403
        assert response.json["code"] == "forbidden"
    assert (
        client.post(
            "/api/v1/tasks", json=new_task(directive.id), headers=make.auth("admin")
        ).status_code
        == 201
    )


def test_filters(client, office, make):
    directive = make.directive()
    make.task(directive, lead_agency="MOF", title="Trình Nghị định về hóa đơn điện tử")
    make.task(
        directive, lead_agency="MOH", coordinating_agencies=["MOF"], title="Sổ sức khỏe điện tử"
    )
    make.task(directive, lead_agency="MOH", deadline_kind=DeadlineKind.REGULAR, due_date=None)
    other = make.directive()
    make.task(other, lead_agency="MOST", due_date=dt.date(2026, 12, 31))

    def total(query: str) -> int:
        response = client.get(f"/api/v1/tasks?{query}", headers=office)
        assert response.status_code == 200, response.json
        return response.json["total"]

    assert total("") == 4
    assert total("lead_agency=MOF") == 1
    assert total("agency=MOF") == 2
    assert total(f"directive_id={other.id}") == 1
    assert total("q=hoa%20don%20DIEN%20TU") == 1
    assert total("q=suc%20khoe") == 1
    assert total("due_from=2026-07-01&due_to=2026-12-31") == 1
    assert total("timeliness=regular") == 1
    assert total("timeliness=open_in_term") == 3
    assert total("timeliness=open_overdue&as_of=2026-07-01") == 2
    assert total("status=assigned,in_progress") == 4
    assert total("status=completed") == 0


def test_merged_agency_tasks_are_found_under_the_successor(client, office, make):
    old = make.directive(issued_on=dt.date(2022, 5, 1))
    make.task(
        old, lead_agency="MIC", due_date=dt.date(2022, 12, 31), created_on=dt.date(2022, 5, 2)
    )
    make.task(make.directive(), lead_agency="MOST")
    listing = client.get("/api/v1/tasks?lead_agency=MOST", headers=office).json
    assert listing["total"] == 2
    assert {t["lead_agency"]["code"] for t in listing["items"]} == {"MIC", "MOST"}
    assert client.get("/api/v1/tasks?lead_agency=MIC", headers=office).json["total"] == 1


def test_pagination_and_sorting(client, office, make):
    directive = make.directive()
    for day in (5, 1, 3):
        make.task(directive, due_date=dt.date(2026, 7, day))
    page = client.get("/api/v1/tasks?page=2&page_size=2&sort=due_date", headers=office).json
    assert page["total"] == 3 and page["page"] == 2 and page["page_size"] == 2
    assert [t["due_date"] for t in page["items"]] == ["2026-07-05"]
    desc = client.get("/api/v1/tasks?sort=-due_date", headers=office).json
    assert [t["due_date"] for t in desc["items"]] == ["2026-07-05", "2026-07-03", "2026-07-01"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=100001",
        "page_size=201",
        "page=99999999999999999999",
        "sort=title",
        "as_of=2026-13-01",
    ],
)
def test_bad_list_parameters_are_422(client, office, query):
    response = client.get(f"/api/v1/tasks?{query}", headers=office)
    assert response.status_code == 422


def test_agency_user_sees_only_its_tasks(client, make):
    directive = make.directive()
    own = make.task(directive, lead_agency="MOF")
    helping = make.task(directive, lead_agency="MOH", coordinating_agencies=["MOF"])
    foreign = make.task(directive, lead_agency="MOH")
    headers = make.auth("agency", "MOF")
    listing = client.get("/api/v1/tasks", headers=headers).json
    assert {t["id"] for t in listing["items"]} == {own.id, helping.id}
    assert client.get(f"/api/v1/tasks/{helping.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/tasks/{foreign.id}", headers=headers).status_code == 404


def test_patch_with_if_match(client, office, make):
    task = make.task()
    url = f"/api/v1/tasks/{task.id}"
    etag = client.get(url, headers=office).headers["ETag"]
    changed = client.patch(url, json={"title": "Tên mới"}, headers=office | {"If-Match": etag})
    assert changed.status_code == 200 and changed.json["title"] == "Tên mới"
    assert changed.headers["ETag"] != etag
    stale = client.patch(url, json={"title": "Khác"}, headers=office | {"If-Match": etag})
    assert stale.status_code == 412 and stale.json["code"] == "precondition_failed"
    assert client.get(url, headers=office).json["title"] == "Tên mới"


def test_patch_deadline_to_regular_and_bad_patch_changes_nothing(client, office, make):
    task = make.task()
    url = f"/api/v1/tasks/{task.id}"
    regular = client.patch(url, json={"deadline_kind": "regular"}, headers=office)
    assert regular.status_code == 200, regular.json
    assert regular.json["due_date"] is None and regular.json["timeliness"] == "regular"
    bad = client.patch(url, json={"title": "X", "lead_agency": "NOPE"}, headers=office)
    assert bad.status_code == 422
    assert client.get(url, headers=office).json["title"] != "X"


def test_unknown_task_is_404(client, office):
    response = client.get("/api/v1/tasks/424242", headers=office)
    assert response.status_code == 404 and response.json["code"] == "not_found"


def test_a_json_body_is_required(client, office, make):
    task = make.task()
    url = f"/api/v1/tasks/{task.id}"
    missing = client.patch(url, headers=office)
    assert missing.status_code == 400 and "required" in missing.json["message"]
    wrong_type = client.patch(url, data="title=x", headers=office | {"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    huge_id = client.get("/api/v1/tasks/99999999999999", headers=office)
    assert huge_id.status_code == 404


@pytest.mark.parametrize("if_match", ['""', 'W/"1"', "garbage", '"99999999999999999"'])
def test_malformed_or_stale_if_match_is_412(client, office, make, if_match):
    task = make.task()
    response = client.patch(
        f"/api/v1/tasks/{task.id}", json={"title": "X"}, headers=office | {"If-Match": if_match}
    )
    assert response.status_code == 412, response.json
    assert client.get(f"/api/v1/tasks/{task.id}", headers=office).json["title"] != "X"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dinh danh", 1),
        ("ĐỊNH", 1),
        ("dinh dan", 1),
        ("inh", 0),
        ("VNeID 06", 1),
        ("06", 2),
        ("!!!", 0),
        ("dịch vụ công", 1),
    ],
)
def test_q_matches_words_by_prefix_without_accents(client, office, make, query, found):
    directive = make.directive()
    make.task(directive, title="Định danh điện tử qua VNeID theo Đề án 06")
    make.task(directive, title="Dịch vụ công trực tuyến", description="Báo cáo tháng 06")
    make.task(directive, title="Sổ sức khỏe điện tử")
    response = client.get("/api/v1/tasks", query_string={"q": query}, headers=office)
    assert response.status_code == 200
    assert response.json["total"] == found


def test_search_follows_edits(client, office, make):
    task = make.task(title="Hóa đơn điện tử")
    client.patch(f"/api/v1/tasks/{task.id}", json={"title": "Chữ ký số"}, headers=office)
    assert client.get("/api/v1/tasks?q=chu ky so", headers=office).json["total"] == 1
    assert client.get("/api/v1/tasks?q=hoa don", headers=office).json["total"] == 0
