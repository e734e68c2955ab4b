"""word search index

Searching tasks by `q` scanned every row's folded text with LIKE '%...%' (418 ms at 1,000,000
tasks on SQLite). A word-prefix index answers from the index instead: an FTS5 table over
`tasks.search_key` kept by triggers on SQLite, a GIN index on its `simple` tsvector on PostgreSQL.
Note for later migrations: a batch operation that rebuilds `tasks` on SQLite drops these triggers;
recreate them with `create_sqlite_search()` below.

Revision ID: cbb488e63f93
Revises: 877fc8f1a590
Create Date: 2026-11-22 12:34:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "cbb488e63f93"
down_revision = "877fc8f1a590"
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE tasks_fts USING fts5(search_key, content='tasks', content_rowid='id',"
    " tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN"
    " INSERT INTO tasks_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN"
    " INSERT INTO tasks_fts(tasks_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);"
    " END",
    "CREATE TRIGGER tasks_fts_update AFTER UPDATE OF search_key ON tasks BEGIN"
    " INSERT INTO tasks_fts(tasks_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);"
    " INSERT INTO tasks_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS tasks_fts_update",
    "DROP TRIGGER IF EXISTS tasks_fts_delete",
    "DROP TRIGGER IF EXISTS tasks_fts_insert",
    "DROP TABLE IF EXISTS tasks_fts",
)
PG_UP = (
    "CREATE INDEX ix_tasks_search_fts ON tasks"
    " USING gin (to_tsvector('simple'::regconfig, search_key))",
)
PG_DOWN = ("DROP INDEX IF EXISTS ix_tasks_search_fts",)


def create_sqlite_search():
    """Create (or recreate) the SQLite search table and its triggers, and fill it."""
    for statement in SQLITE_DOWN + SQLITE_UP:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        create_sqlite_search()
    else:
        for statement in PG_UP:
            op.execute(statement)


def downgrade():
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else PG_DOWN
    for statement in statements:
        op.execute(statement)
