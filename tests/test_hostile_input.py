"""Hostile input gets a clear JSON 4xx and writes nothing: size, nesting, bytes, NUL, Unicode forms.

Every test runs on SQLite and PostgreSQL (PostgreSQL refuses NUL in text, so a NUL that slipped
through would be a 500 there). The same checks against a real gunicorn (chunked bodies, request
lines and headers too long, slow senders) are in test_serving.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import openpyxl
import pytest

DIRECTIVES = "/api/v1/directives"
TASKS = "/api/v1/tasks"
JSON = {"Content-Type": "application/json"}
NFC_TITLE = "Xây dựng Cơ sở dữ liệu quốc gia về định danh điện tử"
NFD_TITLE = unicodedata.normalize("NFD", NFC_TITLE)


def directive_body(**overrides) -> dict:
    return {"number": "7/TB-VPCP", "title": "Thông báo", "issued_on": "2026-03-18"} | overrides


def assert_error(response, status: int, code: str | None = None) -> dict:
    """Check the one error shape, with the request id the user can quote."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.json
    assert body["status"] == status and body["message"]
    assert body["request_id"] == response.headers["X-Request-Id"]
    if code is not None:
        assert body["code"] == code
    return body


def directive_count(client, headers) -> int:
    return client.get(DIRECTIVES, headers=headers).json["total"]


def test_a_body_over_the_limit_is_413_json(client, office, app):
    limit = app.extensions["tracker.settings"].max_request_kb * 1024
    data = b'{"title": "' + b"x" * limit + b'"}'
    response = client.post(DIRECTIVES, data=data, headers=office | JSON)
    assert_error(response, 413, "payload_too_large")
    assert directive_count(client, office) == 0


def test_a_chunked_body_over_the_limit_is_413_json(client, office, app):
    """No Content-Length to check up front: the limit applies while the body is read."""
    limit = app.extensions["tracker.settings"].max_request_kb * 1024
    stream = io.BytesIO(b'{"title": "' + b"x" * (limit + 10) + b'"}')
    response = client.post(
        DIRECTIVES,
        input_stream=stream,
        headers=office | JSON | {"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_error(response, 413, "payload_too_large")
    assert directive_count(client, office) == 0


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["arrays", "objects", "in-a-field"],
)
def test_deeply_nested_json_is_400_not_a_recursion_error(client, office, data):
    body = assert_error(client.post(DIRECTIVES, data=data, headers=office | JSON), 400)
    assert body["code"] == "bad_request" and "nested" in body["message"]
    assert directive_count(client, office) == 0


def test_a_number_too_long_to_read_is_400(client, office):
    data = b'{"directive_id": ' + b"9" * 5000 + b', "title": "x", "deadline_kind": "none"}'
    body = assert_error(client.post(TASKS, data=data, headers=office | JSON), 400)
    assert "number" in body["message"]


@pytest.mark.parametrize(
    "data",
    [b'{"number": "\xff\xfe", "title": "t"}', '{"number": "1"}'.encode("utf-16")],
    ids=["invalid-bytes", "utf-16"],
)
def test_a_body_that_is_not_utf8_is_400(client, office, data):
    assert_error(client.post(DIRECTIVES, data=data, headers=office | JSON), 400, "bad_request")
    assert directive_count(client, office) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tasks?q=%FF%FE",
        "/api/v1/agencies?q=Vi%E1%BB",  # a UTF-8 sequence cut short
        "/api/v1/agencies/MOF/contacts?page=1&%C0=1",
    ],
)
def test_a_url_that_is_not_utf8_is_400(client, office, url):
    assert_error(client.get(url, headers=office), 400, "bad_request")


@pytest.mark.parametrize("url", ["/api/v1/agencies/MO%00F", "/api/v1/agencies/MOF/contacts/%00"])
def test_nul_in_the_path_is_404_and_never_reaches_the_database(client, office, url):
    assert_error(client.get(url, headers=office), 404, "not_found")


@pytest.mark.parametrize(
    "environ",
    [{"QUERY_STRING": "q=\xe9"}, {"PATH_INFO": "/api/v1/agencies/\xff"}],
    ids=["query", "path"],
)
def test_raw_non_utf8_bytes_in_the_url_are_400(client, office, environ):
    """As a server hands them over (the test client would turn them into U+FFFD itself)."""
    assert_error(client.get(TASKS, headers=office, environ_overrides=environ), 400, "bad_request")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tasks?q=a%00b",
        "/api/v1/directives?q=%00",
        "/api/v1/agencies?q=B%E1%BB%99%00",
        "/api/v1/stats/agencies?issuer=V%00",
        "/api/v1/agencies/MOF/calendar.ics?token=a%00b",
    ],
)
def test_nul_in_a_query_parameter_is_a_clear_422(client, office, url):
    body = assert_error(client.get(url, headers=office), 422, "validation_error")
    assert any("NUL" in str(messages) for messages in body["errors"].values())


@pytest.mark.parametrize(
    "changes",
    [{"title": "Thông\x00báo"}, {"number": "\x00"}, {"summary": "a\x00"}, {"source_text": "\x00"}],
)
def test_nul_in_a_text_field_is_a_422_naming_it(client, office, changes):
    response = client.post(DIRECTIVES, json=directive_body(**changes), headers=office)
    body = assert_error(response, 422, "validation_error")
    assert list(body["errors"]) == list(changes)
    assert "NUL" in body["errors"][next(iter(changes))][0]
    assert directive_count(client, office) == 0


def test_nul_in_a_field_name_is_an_unknown_field(client, office):
    response = client.post(DIRECTIVES, json=directive_body(**{"ti\x00tle": "x"}), headers=office)
    assert "ti\x00tle" in assert_error(response, 422)["errors"]


def test_nul_in_a_task_report_and_a_contact_is_refused(client, office, make):
    task = make.task()
    report = client.post(
        f"{TASKS}/{task.id}/reports",
        json={"kind": "progress", "summary": "Đã\x00làm"},
        headers=make.auth("agency", "MOF"),
    )
    assert "summary" in assert_error(report, 422)["errors"]
    contact = client.post(
        "/api/v1/agencies/MOF/contacts",
        json={"email": "a@mof.gov.vn", "name": "An\x00"},
        headers=office,
    )
    assert "name" in assert_error(contact, 422)["errors"]


@pytest.mark.parametrize("url", ["https://example.com/a\x00b", "https://example.com/a\x01b"])
def test_a_url_with_a_control_character_is_refused(client, office, make, url):
    """Marshmallow's URL check let a NUL through: a 500 on PostgreSQL (webhooks), junk stored."""
    hook = {"agency": "MOF", "url": url, "secret": "s" * 20}
    body = assert_error(client.post("/api/v1/webhooks", json=hook, headers=office), 422)
    assert "Control characters" in body["errors"]["url"][0]
    task = make.task()
    report = {"kind": "progress", "summary": "Đã làm", "evidence": [{"url": url}]}
    response = client.post(
        f"{TASKS}/{task.id}/reports", json=report, headers=make.auth("agency", "MOF")
    )
    assert "evidence" in assert_error(response, 422)["errors"]
    assert client.get("/api/v1/webhooks", headers=office).json["total"] == 0


def test_nfd_text_is_stored_and_returned_nfc(client, office):
    created = client.post(
        DIRECTIVES,
        json=directive_body(title=NFD_TITLE, summary=NFD_TITLE, issuer=NFD_TITLE),
        headers=office,
    )
    assert created.status_code == 201, created.json
    for field in ("title", "summary", "issuer"):
        assert created.json[field] == NFC_TITLE
    fetched = client.get(f"{DIRECTIVES}/{created.json['id']}", headers=office).json
    assert fetched["title"] == NFC_TITLE


def test_nfd_task_text_and_a_search_in_nfd_finds_nfc_rows(client, office, make):
    directive = make.directive()
    task = client.post(
        TASKS,
        json={
            "directive_id": directive.id,
            "title": NFD_TITLE,
            "description": NFD_TITLE,
            "lead_agency": "MPS",
            "deadline_kind": "none",
        },
        headers=office,
    )
    assert task.status_code == 201, task.json
    assert (task.json["title"], task.json["description"]) == (NFC_TITLE, NFC_TITLE)
    found = client.get(TASKS, query_string={"q": NFD_TITLE[:20]}, headers=office).json
    assert [item["id"] for item in found["items"]] == [task.json["id"]]


def test_nfd_filters_find_nfc_rows(client, office, make):
    make.task(make.directive(issuer="Văn phòng Chính phủ"))
    nfd = unicodedata.normalize("NFD", "Văn phòng Chính phủ")
    stats = client.get("/api/v1/stats/agencies", query_string={"issuer": nfd}, headers=office)
    assert stats.status_code == 200 and stats.json["totals"]["total"] == 1
    agencies = client.get(
        "/api/v1/agencies",
        query_string={"q": unicodedata.normalize("NFD", "Bộ Tài chính")},
        headers=office,
    )
    codes = [item["code"] for item in agencies.json["items"]]
    assert "MOF" in codes
    directives = client.get(
        DIRECTIVES, query_string={"q": unicodedata.normalize("NFD", "Thông báo")}, headers=office
    )
    assert directives.json["total"] == 1


def test_text_import_takes_nfd_and_refuses_nul(client, office):
    notice = unicodedata.normalize(
        "NFD", "2. Bộ Tài chính chủ trì hoàn thiện dự thảo Nghị định, trình Chính phủ tháng 9."
    )
    response = client.post(
        "/api/v1/directives/parse", json={"text": notice, "issued_on": "2026-03-18"}, headers=office
    )
    assert response.status_code == 200, response.json
    proposal = response.json["tasks"][0]
    assert proposal["lead_agency"] == "MOF"
    assert proposal["source"] == unicodedata.normalize("NFC", proposal["source"])
    assert "Bộ Tài chính" in proposal["source"]
    refused = client.post(
        "/api/v1/directives/parse",
        json={"text": "a\x00b", "issued_on": "2026-03-18"},
        headers=office,
    )
    assert "text" in assert_error(refused, 422)["errors"]


def test_exports_carry_nfc_text_and_no_control_characters(client, office, make):
    directive = make.directive()
    created = client.post(
        TASKS,
        json={
            "directive_id": directive.id,
            "title": NFD_TITLE + "\x0b\x1b",
            "lead_agency": "MPS",
            "deadline_kind": "date",
            "due_date": dt.date(2026, 6, 30).isoformat(),
        },
        headers=office,
    )
    assert created.status_code == 201, created.json
    csv_response = client.get(f"{TASKS}?format=csv", headers=office)
    assert csv_response.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert any(NFC_TITLE in cell for cell in rows[1])
    xlsx_response = client.get(f"{TASKS}?format=xlsx", headers=office)
    assert xlsx_response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.data)).worksheets[0]
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert NFC_TITLE in values


def test_every_error_carries_the_request_id_it_was_sent(client, office):
    response = client.get(f"{TASKS}/424242", headers=office | {"X-Request-Id": "support-42.a"})
    assert response.headers["X-Request-Id"] == "support-42.a"
    assert assert_error(response, 404)["request_id"] == "support-42.a"


@pytest.mark.parametrize("sent", ["", "x" * 129, "a b", "ünï", "-leading", "a\tb"])
def test_an_odd_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/api/v1/tasks", headers={"X-Request-Id": sent})
    assert response.status_code == 401
    new_id = response.headers["X-Request-Id"]
    assert new_id != sent and len(new_id) == 32
    assert response.json["request_id"] == new_id
