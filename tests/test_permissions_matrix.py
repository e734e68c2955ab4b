"""Every endpoint walked with every role: the status each must get."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from tests.workflow_helpers import EVIDENCE, extend, report
from tracker.agencies.service import get_agency
from tracker.clock import current_clock
from tracker.reminders.models import Notification
from tracker.reminders.subscriptions import WebhookInput, create_webhook
from tracker.users.models import ApiToken

ROLES = ("anonymous", "admin", "office", "lead", "coordinator", "outsider", "viewer")


@dataclasses.dataclass
class World:
    """A directive with tasks in the states the endpoints need, and a user per role."""

    headers: dict
    directive: int
    empty_directive: int
    task: int
    submitted: tuple[int, int]
    pending: tuple[int, int]
    contact: int
    webhook: int
    notification: int
    token: int
    token_owner: str


@pytest.fixture
def world(client, make, db_session) -> World:
    hook = create_webhook(
        get_agency("MOF"),
        WebhookInput(url="https://hooks.example.org/mof", secret="s" * 20),
        None,
        current_clock().now(),
        allow_private=False,
    )
    db_session.commit()
    contact = make.contact("MOF", "dau.moi@mof.gov.vn")
    directive = make.directive()
    empty = make.directive()
    task = make.task(directive, lead_agency="MOF", coordinating_agencies=["MOH"])
    submitted = make.task(directive, lead_agency="MOF", coordinating_agencies=["MOH"])
    extended = make.task(directive, lead_agency="MOF", coordinating_agencies=["MOH"])
    lead = make.auth("agency", "MOF")
    completion = report(client, lead, submitted.id, "completion").json
    extension = extend(client, lead, extended.id, "2026-12-31").json
    headers = {
        "anonymous": {},
        "admin": make.auth("admin"),
        "office": make.auth("office"),
        "lead": lead,
        "coordinator": make.auth("agency", "MOH"),
        "outsider": make.auth("agency", "MOIT"),
        "viewer": make.auth("viewer"),
    }
    notification = db_session.scalar(select(Notification.id).limit(1))
    owner, _raw = make.user("agency", "MOJ")
    token = db_session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    return World(
        headers,
        directive.id,
        empty.id,
        task.id,
        (submitted.id, completion["id"]),
        (extended.id, extension["id"]),
        contact.id,
        hook.id,
        notification,
        token,
        owner.email,
    )


def directive_body():
    return {"number": "900/TB-VPCP", "title": "Thông báo", "issued_on": "2026-02-01"}


def task_body(w: World):
    return {
        "directive_id": w.directive,
        "title": "Việc mới",
        "lead_agency": "MOJ",
        "deadline_kind": "year",
        "due_date": "2026-01-31",
    }


READERS = {
    "admin": 200,
    "office": 200,
    "lead": 200,
    "coordinator": 200,
    "outsider": 200,
    "viewer": 200,
}
TASK_READERS = READERS | {"outsider": 404}
AGENCY_ITSELF = {
    "admin": 200,
    "office": 200,
    "lead": 200,
    "coordinator": 403,
    "outsider": 403,
    "viewer": 403,
}
STAFF_ONLY = {
    "admin": 200,
    "office": 200,
    "lead": 403,
    "coordinator": 403,
    "outsider": 403,
    "viewer": 403,
}


def created(expect: dict) -> dict:
    """The same expectations with 201 for success."""
    return {role: 201 if code == 200 else code for role, code in expect.items()}


ENDPOINTS = {
    "list agencies": (lambda w: ("GET", "/api/v1/agencies", None), READERS),
    "get agency": (lambda w: ("GET", "/api/v1/agencies/MOF", None), READERS),
    "list directives": (lambda w: ("GET", "/api/v1/directives", None), READERS),
    "create directive": (
        lambda w: ("POST", "/api/v1/directives", directive_body()),
        created(STAFF_ONLY),
    ),
    "get directive": (lambda w: ("GET", f"/api/v1/directives/{w.directive}", None), READERS),
    "edit directive": (
        lambda w: ("PATCH", f"/api/v1/directives/{w.directive}", {"title": "Mới"}),
        STAFF_ONLY,
    ),
    "delete directive": (
        lambda w: ("DELETE", f"/api/v1/directives/{w.empty_directive}", None),
        STAFF_ONLY | {"admin": 204, "office": 204},
    ),
    "list tasks": (lambda w: ("GET", "/api/v1/tasks", None), READERS),
    "create task": (lambda w: ("POST", "/api/v1/tasks", task_body(w)), created(STAFF_ONLY)),
    "get task": (lambda w: ("GET", f"/api/v1/tasks/{w.task}", None), TASK_READERS),
    "edit task": (lambda w: ("PATCH", f"/api/v1/tasks/{w.task}", {"priority": "high"}), STAFF_ONLY),
    "task history": (lambda w: ("GET", f"/api/v1/tasks/{w.task}/history", None), TASK_READERS),
    "list reports": (lambda w: ("GET", f"/api/v1/tasks/{w.task}/reports", None), TASK_READERS),
    "report progress": (
        lambda w: ("POST", f"/api/v1/tasks/{w.task}/reports", {"kind": "progress", "summary": "x"}),
        {
            "admin": 403,
            "office": 403,
            "lead": 201,
            "coordinator": 403,
            "outsider": 404,
            "viewer": 403,
        },
    ),
    "report completion": (
        lambda w: (
            "POST",
            f"/api/v1/tasks/{w.task}/reports",
            {
                "kind": "completion",
                "summary": "x",
                "completed_on": "2026-05-01",
                "evidence": EVIDENCE,
            },
        ),
        {
            "admin": 403,
            "office": 403,
            "lead": 201,
            "coordinator": 403,
            "outsider": 404,
            "viewer": 403,
        },
    ),
    "report contribution": (
        lambda w: (
            "POST",
            f"/api/v1/tasks/{w.task}/reports",
            {"kind": "contribution", "summary": "x"},
        ),
        {
            "admin": 403,
            "office": 403,
            "lead": 403,
            "coordinator": 201,
            "outsider": 404,
            "viewer": 403,
        },
    ),
    "review report": (
        lambda w: (
            "POST",
            f"/api/v1/tasks/{w.submitted[0]}/reports/{w.submitted[1]}/review",
            {"decision": "accept"},
        ),
        STAFF_ONLY,
    ),
    "list extensions": (
        lambda w: ("GET", f"/api/v1/tasks/{w.task}/extensions", None),
        TASK_READERS,
    ),
    "request extension": (
        lambda w: (
            "POST",
            f"/api/v1/tasks/{w.task}/extensions",
            {"requested_due_date": "2026-12-31", "reason": "x"},
        ),
        {
            "admin": 403,
            "office": 403,
            "lead": 201,
            "coordinator": 403,
            "outsider": 404,
            "viewer": 403,
        },
    ),
    "decide extension": (
        lambda w: (
            "POST",
            f"/api/v1/tasks/{w.pending[0]}/extensions/{w.pending[1]}/decision",
            {"decision": "approve"},
        ),
        STAFF_ONLY,
    ),
    "parse notice": (
        lambda w: (
            "POST",
            "/api/v1/directives/parse",
            {"text": "Bộ Tài chính chủ trì rà soát, trong tháng 9.", "issued_on": "2026-03-18"},
        ),
        STAFF_ONLY,
    ),
    "bulk create tasks": (
        lambda w: (
            "POST",
            f"/api/v1/directives/{w.directive}/tasks/bulk",
            {"tasks": [{"title": "T", "lead_agency": "MOJ", "deadline_kind": "regular"}]},
        ),
        created(STAFF_ONLY),
    ),
    "list contacts": (lambda w: ("GET", "/api/v1/agencies/MOF/contacts", None), AGENCY_ITSELF),
    "add contact": (
        lambda w: ("POST", "/api/v1/agencies/MOF/contacts", {"email": "moi@mof.gov.vn"}),
        created(AGENCY_ITSELF),
    ),
    "get contact": (
        lambda w: ("GET", f"/api/v1/agencies/MOF/contacts/{w.contact}", None),
        AGENCY_ITSELF,
    ),
    "edit contact": (
        lambda w: ("PATCH", f"/api/v1/agencies/MOF/contacts/{w.contact}", {"paused": True}),
        AGENCY_ITSELF,
    ),
    "delete contact": (
        lambda w: ("DELETE", f"/api/v1/agencies/MOF/contacts/{w.contact}", None),
        AGENCY_ITSELF | {"admin": 204, "office": 204, "lead": 204},
    ),
    "list webhooks": (lambda w: ("GET", "/api/v1/webhooks", None), READERS | {"viewer": 403}),
    "register webhook": (
        lambda w: (
            "POST",
            "/api/v1/webhooks",
            {"agency": "MOF", "url": "https://hooks.example.org/x", "secret": "t" * 20},
        ),
        created(AGENCY_ITSELF),
    ),
    "get webhook": (lambda w: ("GET", f"/api/v1/webhooks/{w.webhook}", None), AGENCY_ITSELF),
    "edit webhook": (
        lambda w: ("PATCH", f"/api/v1/webhooks/{w.webhook}", {"active": False}),
        AGENCY_ITSELF,
    ),
    "delete webhook": (
        lambda w: ("DELETE", f"/api/v1/webhooks/{w.webhook}", None),
        AGENCY_ITSELF | {"admin": 204, "office": 204, "lead": 204},
    ),
    "list notifications": (lambda w: ("GET", "/api/v1/notifications", None), STAFF_ONLY),
    "get notification": (
        lambda w: ("GET", f"/api/v1/notifications/{w.notification}", None),
        STAFF_ONLY,
    ),
    "withdraw task": (
        lambda w: ("POST", f"/api/v1/tasks/{w.task}/cancel", {"reason": "Không còn cần"}),
        STAFF_ONLY,
    ),
}
FEED_ADDRESS = {
    "admin": 200,
    "office": 200,
    "lead": 200,
    "coordinator": 403,
    "outsider": 403,
    "viewer": 403,
}
ENDPOINTS |= {
    "agency statistics": (
        lambda w: ("GET", "/api/v1/stats/agencies?period=2026-Q2", None),
        READERS,
    ),
    "agency statistics csv": (
        lambda w: ("GET", "/api/v1/stats/agencies?format=csv", None),
        READERS,
    ),
    "directive progress": (
        lambda w: ("GET", f"/api/v1/stats/directives/{w.directive}", None),
        READERS,
    ),
    "monthly trend": (lambda w: ("GET", "/api/v1/stats/trend", None), READERS),
    "export tasks xlsx": (lambda w: ("GET", "/api/v1/tasks?format=xlsx", None), READERS),
    "calendar feed address": (
        lambda w: ("GET", "/api/v1/agencies/MOF/calendar", None),
        FEED_ADDRESS,
    ),
}
ADMIN_ONLY = dict.fromkeys(READERS, 403) | {"admin": 200}
ENDPOINTS |= {
    "list tokens": (lambda w: ("GET", "/api/v1/tokens", None), READERS),  # others: their own
    "issue token": (
        lambda w: ("POST", "/api/v1/tokens", {"user": w.token_owner, "name": "x"}),
        created(ADMIN_ONLY),
    ),
    "get token": (lambda w: ("GET", f"/api/v1/tokens/{w.token}", None), ADMIN_ONLY),
    "revoke token": (lambda w: ("POST", f"/api/v1/tokens/{w.token}/revoke", None), ADMIN_ONLY),
}
CASES = [(name, role) for name in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize(("endpoint", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_role_gets_the_status_it_must(client, world, endpoint, role):
    build, expected = ENDPOINTS[endpoint]
    method, url, body = build(world)
    response = client.open(url, method=method, json=body, headers=world.headers[role])
    response.get_data()  # run a streamed export to its end inside its request
    want = 401 if role == "anonymous" else expected[role]
    assert response.status_code == want, (response.status_code, response.get_json())
    if want >= 400:
        assert response.json["status"] == want and response.json["code"]


def test_the_calendar_feed_takes_its_token_not_a_bearer_token(client, world):
    url = "/api/v1/agencies/MOF/calendar"
    token = client.get(url, headers=world.headers["office"]).json["token"]
    assert client.get(f"{url}.ics?token={token}").status_code == 200
    bearer_only = client.get(f"{url}.ics", headers=world.headers["office"])
    assert bearer_only.status_code == 422


@pytest.mark.parametrize("url", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_documentation_is_public(client, url):
    assert client.get(url).status_code == 200
