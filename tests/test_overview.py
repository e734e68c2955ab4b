"""The overview page: logging in with a token, the figures, the filters and who sees what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.stats_history import build_history, stats, table
from tracker.users.models import ApiToken

CELL = re.compile(r'<tr[^>]*data-agency="(\w+)"[^>]*>(.*?)</tr>', re.S)
FIELD = re.compile(r'data-field="(\w+)">([^<]*)<')


def page_table(html: str) -> dict[str, dict[str, str]]:
    """Return the agency table of the page as {code: {field: text}}."""
    return {code: dict(FIELD.findall(row)) for code, row in CELL.findall(html)}


def login(client, token: str):
    """Log in through the form and return the response."""
    form = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return client.post("/login", data={"token": token, "csrf": csrf})


def test_anonymous_visitor_is_sent_to_the_login_form(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    form = client.get("/login")
    assert form.status_code == 200 and "Mã truy cập" in form.get_data(as_text=True)


def test_login_with_a_token_then_logout(client, make):
    _user, token = make.user("office")
    response = login(client, token)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    page = client.get("/")
    assert page.status_code == 200 and "Kết quả theo cơ quan chủ trì" in page.get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert client.post("/logout", data={"csrf": csrf}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_bad_token_is_refused_and_a_form_without_csrf_too(client, make):
    response = login(client, "dt_not-a-token")
    assert response.status_code == 401 and "Không đăng nhập được" in response.get_data(as_text=True)
    _user, token = make.user("office")
    assert client.post("/login", data={"token": token}).status_code == 400


def test_session_ends_when_its_token_is_revoked(client, make, db_session, clock):
    user, token = make.user("office")
    login(client, token)
    assert client.get("/").status_code == 200
    for api_token in db_session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
        api_token.revoked_at = clock.now()
    db_session.commit()
    assert client.get("/").status_code == 302


def test_bearer_header_works_too(client, office):
    assert client.get("/", headers=office).status_code == 200
    assert client.get("/", headers={"Authorization": "Bearer dt_wrong"}).status_code == 401


def test_page_numbers_are_the_apis(client, make, clock):
    history = build_history(client, make, clock)
    for query in (
        "period=2026-Q2",
        "period=2026-Q1&basis=original",
        "period=2026-Q2&kind=province",
    ):
        html = client.get(f"/?{query}", headers=history.office).get_data(as_text=True)
        shown = page_table(html)
        params = dict(part.split("=") for part in query.split("&"))
        api = table(stats(client, history.office, **params))
        assert set(shown) - {"TOTAL"} == set(api), query
        for code, counts in api.items():
            for name, count in zip(
                ("done_on_time", "done_late", "open_in_term"), counts, strict=False
            ):
                assert shown[code][name] == str(count), (query, code, name)
    html = client.get("/?period=2026-Q2", headers=history.office).get_data(as_text=True)
    assert "Trong 5 nhiệm vụ đến hạn trong quý II/2026, 2 nhiệm vụ quá hạn" in html
    assert page_table(html)["TOTAL"]["on_time_rate"] == "100,0%"


def test_most_overdue_respects_visibility(client, make, clock):
    clock.set_today(dt.date(2026, 1, 10))
    directive = make.directive()
    late = make.task(
        directive, title="Việc trễ của Bộ Y tế", lead_agency="MOH", due_date=dt.date(2026, 1, 31)
    )
    secret = make.task(
        directive,
        title="Việc mật trễ",
        lead_agency="MOF",
        confidential=True,
        due_date=dt.date(2026, 2, 28),
    )
    clock.set_today(dt.date(2026, 5, 4))
    office_page = client.get("/?period=", headers=make.auth("office")).get_data(as_text=True)
    assert f'data-task="{late.id}"' in office_page and f'data-task="{secret.id}"' in office_page
    assert office_page.index(f'data-task="{late.id}"') < office_page.index(
        f'data-task="{secret.id}"'
    )
    viewer_page = client.get("/?period=", headers=make.auth("viewer")).get_data(as_text=True)
    assert f'data-task="{secret.id}"' not in viewer_page
    moh_page = client.get("/?period=", headers=make.auth("agency", "MOH")).get_data(as_text=True)
    assert f'data-task="{late.id}"' in moh_page and f'data-task="{secret.id}"' not in moh_page


@pytest.mark.parametrize("query", ["period=2026-Q9", "kind=planet", "basis=x", "period=<script>"])
def test_unknown_filters_fall_back_to_defaults(client, office, query):
    response = client.get(f"/?{query}", headers=office)
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)
