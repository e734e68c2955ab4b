"""The OpenAPI links (api/links.py) are all in the document and all lead somewhere real."""

from __future__ import annotations

import pytest

from api.links import links_by_operation

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/api/v1/openapi.json").json


def resolve(document: dict, pointer: str) -> dict:
    """Follow a local JSON pointer (#/a/b~1c)."""
    node = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def deref(document: dict, node: dict) -> dict:
    return resolve(document, node["$ref"]) if "$ref" in node else node


def documented_links(document: dict):
    """Yield (path, method, status, name, link, source pointer) for every link."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            pointer = "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
            for status, response in operation["responses"].items():
                for name, link in deref(document, response).get("links", {}).items():
                    yield path, method, status, name, link, pointer


def parameter_names(document: dict, pointer: str) -> set[tuple[str, str]]:
    """Return (in, name) of an operation's parameters, its path item's included."""
    item = resolve(document, pointer.rpartition("/")[0])
    operation = resolve(document, pointer)
    everything = [*item.get("parameters", []), *operation.get("parameters", [])]
    return {(p["in"], p["name"]) for p in everything}


def test_every_declared_link_is_in_the_document(document):
    declared = {
        (path, method, str(status), name)
        for (path, method), by_status in links_by_operation().items()
        for status, links in by_status.items()
        for name in links
    }
    found = {
        (path, method, status, name)
        for path, method, status, name, *_ in documented_links(document)
    }
    assert declared == found
    assert len(found) >= 40


def test_every_link_targets_an_operation_with_those_parameters(document):
    for path, method, status, name, link, source in documented_links(document):
        target = resolve(document, link["operationRef"])
        names = parameter_names(document, link["operationRef"])
        for parameter, expression in link["parameters"].items():
            location, _, bare = parameter.rpartition(".")
            wanted = {(location or kind, bare) for kind in ("path", "query", "header")}
            assert names & wanted, f"{method} {path} {status} {name}: {parameter} not in target"
            if expression.startswith("$request.path."):
                source_names = parameter_names(document, source)
                assert ("path", expression.rpartition(".")[2]) in source_names
        if "requestBody" in link:
            assert "requestBody" in target


def test_response_expressions_point_at_documented_fields(document):
    for path, method, status, name, link, source in documented_links(document):
        response = deref(document, resolve(document, source)["responses"][status])
        for expression in [*link["parameters"].values(), *link.get("requestBody", {}).values()]:
            if expression.startswith("$response.header."):
                assert expression.rpartition(".")[2] in response.get("headers", {})
            elif expression.startswith("$response.body#/"):
                schema = deref(document, response["content"]["application/json"]["schema"])
                field = expression.removeprefix("$response.body#/").split("/")[0]
                assert field in schema["properties"], f"{method} {path} {name}: no {field}"
