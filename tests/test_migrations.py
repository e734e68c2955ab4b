"""The migrations have one head and build exactly the schema the models describe."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from api.app import create_app
from tracker.extensions import db
from tracker.search import is_search_object


def test_migrations_have_a_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migration_files_are_date_prefixed(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        for script in ScriptDirectory.from_config(config).walk_revisions():
            name = script.path.rsplit("/", 1)[-1]
            assert name[:8].isdigit() and name[8] == "_", name


def test_upgraded_schema_matches_the_models(app, db_session):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": lambda _o, name, *_a: not is_search_object(name),
            },
        )
        assert compare_metadata(context, db.metadata) == []


def test_constraints_follow_the_naming_convention(app):
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"


def test_upgrading_a_populated_sqlite_database_keeps_every_row(tmp_path):
    """Batch migrations rebuild tables; cascades must not eat rows on the way."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key-0123456789"})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        first = ScriptDirectory.from_config(config).get_base()
        flask_migrate.upgrade(revision=first)
        with db.engine.begin() as conn:
            for statement in OLD_ROWS:
                conn.exec_driver_sql(statement)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in TABLES}
        db.engine.dispose()
    assert counts == dict.fromkeys(TABLES, 1)


TABLES = ("agencies", "directives", "tasks", "task_coordinators")
OLD_ROWS = (
    "INSERT INTO agencies (id, code, name, short_name, name_en, kind, abbreviations, search_key)"
    " VALUES (1, 'MOF', 'Bộ Tài chính', 'BTC', 'Ministry of Finance', 'ministry', '[]', '')",
    "INSERT INTO directives (id, number, title, kind, issued_on, issuer, search_key, created_at,"
    " updated_at) VALUES (1, '143/TB-VPCP', 'T', 'conclusion_notice', '2024-05-02', 'VPCP', '',"
    " '2024-05-02 00:00:00', '2024-05-02 00:00:00')",
    "INSERT INTO tasks (id, directive_id, title, description, lead_agency_id, deadline_kind,"
    " deadline_text, status, priority, confidential, created_on, created_at, updated_at, version,"
    " search_key) VALUES (1, 1, 'T', '', 1, 'regular', '', 'assigned', 'normal', 0, '2024-05-02',"
    " '2024-05-02 00:00:00', '2024-05-02 00:00:00', 1, '')",
    "INSERT INTO task_coordinators (task_id, agency_id) VALUES (1, 1)",
)
