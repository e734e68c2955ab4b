"""OpenAPI links: where the ids in a response lead (POST /tasks -> GET /tasks/{task_id}, ...).

Clients read them to follow a resource; schemathesis follows them in its stateful phase (create,
read, change, review, delete, then read again). All links are declared here, in one table, and
an apispec plugin adds them to the document as each path is registered.
"""

from __future__ import annotations

import dataclasses

from apispec import BasePlugin

API = "/api/v1"
ID = "$response.body#/id"
FIRST_ID = "$response.body#/items/0/id"
ETAG = "$response.header.ETag"


@dataclasses.dataclass(frozen=True)
class Link:
    """One link from a response of an operation to another operation."""

    source: str  # "METHOD /path" under /api/v1
    status: int
    name: str
    target: str
    parameters: dict[str, str]
    body: dict | None = None

    def definition(self) -> dict:
        """Return the OpenAPI Link Object."""
        method, path = self.target.split(" ")
        pointer = (API + path).replace("~", "~0").replace("/", "~1")
        document = {"operationRef": f"#/paths/{pointer}/{method.lower()}"}
        document["parameters"] = self.parameters
        if self.body is not None:
            document["requestBody"] = self.body
        return document


def _links() -> list[Link]:
    """Every link of the API."""
    directive = {"directive_id": ID}
    same_directive = {"directive_id": "$request.path.directive_id"}
    task, same_task = {"task_id": ID}, {"task_id": "$request.path.task_id"}
    if_match = {"header.If-Match": ETAG}
    token = {"token_id": ID}
    d, t = "/directives/{directive_id}", "/tasks/{task_id}"
    return [
        Link("POST /directives", 201, "GetDirective", f"GET {d}", directive),
        Link("POST /directives", 201, "UpdateDirective", f"PATCH {d}", directive),
        Link("POST /directives", 201, "DeleteDirective", f"DELETE {d}", directive),
        Link("POST /directives", 201, "DirectiveStats", "GET /stats/directives/{directive_id}",
             directive),
        Link("POST /directives", 201, "ImportTasks", f"POST {d}/tasks/bulk", directive),
        Link("POST /directives", 201, "CreateTask", "POST /tasks", {},
             {"directive_id": ID}),
        Link("POST /directives", 201, "ListTasks", "GET /tasks", {"query.directive_id": ID}),
        Link("GET /directives", 200, "GetDirective", f"GET {d}", {"directive_id": FIRST_ID}),
        Link(f"PATCH {d}", 200, "GetDirective", f"GET {d}", same_directive),
        Link(f"DELETE {d}", 204, "GetDirective", f"GET {d}", same_directive),
        Link(f"POST {d}/tasks/bulk", 201, "GetTask", f"GET {t}", {"task_id": FIRST_ID}),
        Link("POST /tasks", 201, "GetTask", f"GET {t}", task),
        Link("POST /tasks", 201, "UpdateTask", f"PATCH {t}", task | if_match),
        Link("POST /tasks", 201, "CancelTask", f"POST {t}/cancel", task | if_match),
        Link("POST /tasks", 201, "TaskHistory", f"GET {t}/history", task),
        Link("POST /tasks", 201, "ListReports", f"GET {t}/reports", task),
        Link("POST /tasks", 201, "CreateReport", f"POST {t}/reports", task),
        Link("POST /tasks", 201, "ListExtensions", f"GET {t}/extensions", task),
        Link("POST /tasks", 201, "RequestExtension", f"POST {t}/extensions", task),
        Link("GET /tasks", 200, "GetTask", f"GET {t}", {"task_id": FIRST_ID}),
        Link(f"GET {t}", 200, "UpdateTask", f"PATCH {t}", same_task | if_match),
        Link(f"GET {t}", 200, "CancelTask", f"POST {t}/cancel", same_task | if_match),
        Link(f"PATCH {t}", 200, "GetTask", f"GET {t}", same_task),
        Link(f"PATCH {t}", 200, "TaskHistory", f"GET {t}/history", same_task),
        Link(f"POST {t}/cancel", 200, "GetTask", f"GET {t}", same_task),
        Link(f"POST {t}/reports", 201, "ReviewReport", f"POST {t}/reports/{{report_id}}/review",
             same_task | {"report_id": ID}),
        Link(f"POST {t}/reports", 201, "ListReports", f"GET {t}/reports", same_task),
        Link(f"POST {t}/reports/{{report_id}}/review", 200, "GetTask", f"GET {t}", same_task),
        Link(f"POST {t}/extensions", 201, "DecideExtension",
             f"POST {t}/extensions/{{extension_id}}/decision", same_task | {"extension_id": ID}),
        Link(f"POST {t}/extensions", 201, "ListExtensions", f"GET {t}/extensions", same_task),
        Link(f"POST {t}/extensions/{{extension_id}}/decision", 200, "GetTask", f"GET {t}",
             same_task),
        *_crud_links("/webhooks", "webhook_id", "Webhook", {}),
        *_crud_links("/agencies/{code}/contacts", "contact_id", "Contact",
                     {"code": "$request.path.code"}),
        Link("GET /agencies", 200, "GetAgency", "GET /agencies/{code}",
             {"code": "$response.body#/items/0/code"}),
        Link("GET /agencies", 200, "ListContacts", "GET /agencies/{code}/contacts",
             {"code": "$response.body#/items/0/code"}),
        Link("GET /agencies/{code}", 200, "CalendarAddress", "GET /agencies/{code}/calendar",
             {"code": "$response.body#/code"}),
        Link("GET /notifications", 200, "GetNotification", "GET /notifications/{notification_id}",
             {"notification_id": FIRST_ID}),
        Link("POST /tokens", 201, "GetToken", "GET /tokens/{token_id}", token),
        Link("POST /tokens", 201, "RevokeToken", "POST /tokens/{token_id}/revoke", token),
        Link("GET /tokens", 200, "GetToken", "GET /tokens/{token_id}", {"token_id": FIRST_ID}),
        Link("POST /tokens/{token_id}/revoke", 200, "GetToken", "GET /tokens/{token_id}",
             {"token_id": "$request.path.token_id"}),
    ]  # fmt: skip


def _crud_links(collection: str, id_name: str, noun: str, scope: dict) -> list[Link]:
    """Links of a collection with create, list, read, change and delete."""
    item, made, first = f"{collection}/{{{id_name}}}", {id_name: ID}, {id_name: FIRST_ID}
    same = {id_name: f"$request.path.{id_name}"}
    return [
        Link(f"POST {collection}", 201, f"Get{noun}", f"GET {item}", scope | made),
        Link(f"POST {collection}", 201, f"Update{noun}", f"PATCH {item}", scope | made),
        Link(f"POST {collection}", 201, f"Delete{noun}", f"DELETE {item}", scope | made),
        Link(f"GET {collection}", 200, f"Get{noun}", f"GET {item}", scope | first),
        Link(f"PATCH {item}", 200, f"Get{noun}", f"GET {item}", scope | same),
        Link(f"DELETE {item}", 204, f"Get{noun}", f"GET {item}", scope | same),
    ]


def links_by_operation() -> dict[tuple[str, str], dict[int, dict[str, dict]]]:
    """Return {(path, method): {status: {name: link}}} for the whole API."""
    table: dict[tuple[str, str], dict[int, dict[str, dict]]] = {}
    for link in _links():
        method, path = link.source.split(" ")
        by_status = table.setdefault((API + path, method.lower()), {})
        by_status.setdefault(link.status, {})[link.name] = link.definition()
    return table


class LinksPlugin(BasePlugin):
    """Add the links of each operation's responses to the OpenAPI document."""

    def __init__(self) -> None:
        self.table = links_by_operation()

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            for status, links in self.table.get((path, method), {}).items():
                response = _response(operation, status)
                if response is None:
                    raise ValueError(f"{method.upper()} {path} documents no {status} response")
                response["links"] = links


def _response(operation: dict, status: int) -> dict | None:
    """Return an operation's documented response for a status (keys may be int or str)."""
    responses = operation.get("responses", {})
    return responses.get(status) or responses.get(str(status))
