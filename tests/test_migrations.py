"""The migrations have one head and build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tracker.extensions import db


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
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_constraints_follow_the_naming_convention(app):
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"
