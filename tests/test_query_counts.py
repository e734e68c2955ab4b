"""The list and detail endpoints run a fixed number of SQL statements, whatever the page size."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from tracker.extensions import db


@contextlib.contextmanager
def count_statements():
    """Count the SQL statements the engine runs inside the block."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement != "BEGIN" and not statement.startswith("BEGIN "):  # SQLite's explicit BEGIN
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def many_tasks(make):
    """60 tasks with co-ordinating agencies, some in a group."""
    directive = make.directive()
    for index in range(60):
        others = ["MOJ", "MOH"] if index % 2 else ["MOST"]
        make.task(directive, lead_agency="MOF", coordinating_agencies=others)
    return directive


def statements_for(client, headers, url: str) -> list[str]:
    """Run a GET and return the statements it ran."""
    client.get(url, headers=headers)  # warm: the token's last use is recorded once
    with count_statements() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.json
    return statements


@pytest.mark.parametrize("role", ["office", "agency"])
def test_task_list_statements_do_not_grow_with_page_size(client, make, many_tasks, role):
    headers = make.auth("office") if role == "office" else make.auth("agency", "MOF")
    small = statements_for(client, headers, "/api/v1/tasks?page_size=5&lead_agency=MOF")
    large = statements_for(client, headers, "/api/v1/tasks?page_size=60&lead_agency=MOF")
    assert len(small) == len(large)
    # token, agency filter, merged-agency map, count, page, co-ordinators
    assert len(large) <= 6, large


def test_task_detail_statements_are_fixed(client, office, many_tasks, make):
    task = make.task(many_tasks, lead_agency="MOH", coordinating_agencies=["MOF", "MOJ", "MOST"])
    statements = statements_for(client, office, f"/api/v1/tasks/{task.id}")
    assert len(statements) <= 3, statements  # token, task with its lead, co-ordinators


def test_group_children_counts_are_one_statement(client, office, make):
    directive = make.directive()
    for _ in range(3):
        response = client.post(
            "/api/v1/tasks",
            json={
                "directive_id": directive.id,
                "title": "Nhiệm vụ chung",
                "group": ["MOF", "MOH"],
                "deadline_kind": "regular",
            },
            headers=office,
        )
        assert response.status_code == 201
    few = statements_for(client, office, "/api/v1/tasks?page_size=1&sort=id")
    many = statements_for(client, office, "/api/v1/tasks?page_size=9&sort=id")
    assert len(few) == len(many)
