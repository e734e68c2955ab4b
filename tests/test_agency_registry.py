"""Each process keeps the agency registry; a change anywhere is seen from the next unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.test_query_counts import count_statements
from tracker.agencies.data import load_agency_records
from tracker.agencies.registry import current_registry
from tracker.agencies.service import lineage_ids, lineage_of_code, load_registry
from tracker.extensions import db


@pytest.fixture
def restored_registry(app, db_session):
    """Put the packaged registry back after a test that changes it behind the app's back."""
    yield
    db_session.rollback()
    load_registry(load_agency_records())
    db_session.commit()


def another_process(*statements: str) -> None:
    """Change the database the way another process would: its own connection, committed."""
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_a_load_in_another_process_is_seen_from_the_next_unit_of_work(app, restored_registry):
    with app.app_context():
        before = current_registry()
        assert before.by_code["MOF"].name == "Bộ Tài chính"
        # What load_registry does elsewhere: new rows or names, and a new token.
        another_process(
            "UPDATE agencies SET name = 'Bộ Tài chính (mới)' WHERE code = 'MOF'",
            "UPDATE agencies SET successor_id = NULL WHERE code = 'MPI'",
            "UPDATE agency_registry_state SET token = token + 1",
        )
        assert current_registry() is before  # one registry for the whole unit of work
    with app.app_context():
        after = current_registry()
        assert after.by_code["MOF"].name == "Bộ Tài chính (mới)"
        assert after.by_code["MPI"].id not in lineage_of_code("MOF")


def test_without_a_new_token_the_registry_is_not_read_again(app, db_session):
    with app.app_context():
        current_registry()
    with app.app_context(), count_statements() as statements:
        mof = lineage_of_code("MOF")
        assert lineage_ids(current_registry().by_code["MPI"].id) < mof
        lineage_of_code("MOH")
    assert len(statements) == 1 and "agency_registry_state" in statements[0]


def test_loading_the_registry_here_is_seen_at_once(app, db_session, restored_registry):
    current_registry()
    records = [dict(r) for r in load_agency_records()]
    for record in records:
        if record["code"] == "CMSC":
            record["successor"] = None
    load_registry(records)
    assert current_registry().by_code["CMSC"].id not in lineage_of_code("MOF")
    db_session.rollback()
    with app.app_context():
        assert current_registry().by_code["CMSC"].id in lineage_of_code("MOF")


def test_lineage_follows_merges_of_merges(app, db_session):
    registry = current_registry()
    mof = registry.by_code["MOF"].id
    assert {registry.by_code[c].id for c in ("MOF", "MPI", "CMSC")} <= registry.lineage(mof)
    assert lineage_ids(None) == set()
