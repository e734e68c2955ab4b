"""task counts

The task list's `total` was a count(*) over the matching rows: at 1,000,000 tasks 35-64 ms on
PostgreSQL for the whole table (a parallel index-only scan), 20 ms for one status. These tables keep
the number of tasks per (lead agency, status, confidential), so the list's common filters (none,
lead agencies, statuses) count a few hundred rows instead.

Triggers on `tasks` append each change to `task_count_changes` (a row per change, never an update,
so concurrent writers never wait for one another); every 1000th change folds them into
`task_counts`. On PostgreSQL one transaction at a time folds (an advisory lock; the others leave it
to the next fold), so only folds lock counter rows. A count reads both tables.
Note for later migrations: a batch operation that rebuilds `tasks` on SQLite drops its triggers;
recreate them with `create_sqlite_triggers()` below (and the search ones of cbb488e63f93).

Revision ID: 9d41c7e2b6a3
Revises: 5c0f3a8e21d4
Create Date: 2026-11-30 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d41c7e2b6a3'
down_revision = '5c0f3a8e21d4'
branch_labels = None
depends_on = None

KEY = "lead_key, status, confidential"
CHANGE = "INSERT INTO task_count_changes (lead_key, status, confidential, delta) VALUES"
CHANGED = (
    "old.lead_agency_id IS DISTINCT FROM new.lead_agency_id OR old.status IS DISTINCT FROM"
    " new.status OR old.confidential IS DISTINCT FROM new.confidential"
)
FOLD_EVERY = 1000
FILL = (
    f"INSERT INTO task_counts ({KEY}, n) SELECT coalesce(lead_agency_id, 0), status, confidential,"
    f" count(*) FROM tasks GROUP BY coalesce(lead_agency_id, 0), status, confidential"
)
SQLITE_UP = (
    f"CREATE TRIGGER task_counts_inserted AFTER INSERT ON tasks BEGIN {CHANGE}"
    " (coalesce(new.lead_agency_id, 0), new.status, new.confidential, 1); END",
    f"CREATE TRIGGER task_counts_deleted AFTER DELETE ON tasks BEGIN {CHANGE}"
    " (coalesce(old.lead_agency_id, 0), old.status, old.confidential, -1); END",
    "CREATE TRIGGER task_counts_updated AFTER UPDATE OF lead_agency_id, status, confidential"
    f" ON tasks WHEN {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {CHANGE}"
    " (coalesce(old.lead_agency_id, 0), old.status, old.confidential, -1),"
    " (coalesce(new.lead_agency_id, 0), new.status, new.confidential, 1); END",
    f"CREATE TRIGGER task_counts_fold AFTER INSERT ON task_count_changes"
    f" WHEN new.id % {FOLD_EVERY} = 0 BEGIN"
    f" INSERT INTO task_counts ({KEY}, n) SELECT {KEY}, sum(delta) FROM task_count_changes"
    f" WHERE true GROUP BY {KEY} ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    " DELETE FROM task_count_changes; END",
)
SQLITE_DOWN = tuple(
    f"DROP TRIGGER IF EXISTS task_counts_{name}"
    for name in ("fold", "updated", "deleted", "inserted")
)
PG_UP = (
    "CREATE FUNCTION task_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" INSERT INTO task_count_changes ({KEY}, delta) SELECT coalesce(lead_agency_id, 0), status,"
    " confidential, count(*) FROM new_rows GROUP BY 1, 2, 3; RETURN NULL; END $$",
    "CREATE FUNCTION task_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" INSERT INTO task_count_changes ({KEY}, delta) SELECT coalesce(lead_agency_id, 0), status,"
    " confidential, -count(*) FROM old_rows GROUP BY 1, 2, 3; RETURN NULL; END $$",
    "CREATE FUNCTION task_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    f" {CHANGE} (coalesce(OLD.lead_agency_id, 0), OLD.status, OLD.confidential, -1),"
    " (coalesce(NEW.lead_agency_id, 0), NEW.status, NEW.confidential, 1); RETURN NULL; END $$",
    "CREATE FUNCTION task_counts_fold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF pg_try_advisory_xact_lock(hashtext('tracker.task_counts')) THEN"
    f" WITH moved AS (DELETE FROM task_count_changes RETURNING {KEY}, delta)"
    f" INSERT INTO task_counts ({KEY}, n) SELECT {KEY}, sum(delta) FROM moved GROUP BY {KEY}"
    f" ON CONFLICT ({KEY}) DO UPDATE SET n = task_counts.n + excluded.n;"
    " END IF; RETURN NULL; END $$",
    "CREATE TRIGGER task_counts_inserted AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION task_counts_inserted()",
    "CREATE TRIGGER task_counts_deleted AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION task_counts_deleted()",
    "CREATE TRIGGER task_counts_updated AFTER UPDATE OF lead_agency_id, status, confidential"
    f" ON tasks FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION task_counts_updated()",
    "CREATE TRIGGER task_counts_fold AFTER INSERT ON task_count_changes FOR EACH ROW"
    f" WHEN (NEW.id % {FOLD_EVERY} = 0) EXECUTE FUNCTION task_counts_fold()",
)
PG_DOWN = tuple(
    f"DROP FUNCTION IF EXISTS task_counts_{name}() CASCADE"
    for name in ("fold", "updated", "deleted", "inserted")
)


def create_sqlite_triggers():
    """Create (or recreate) the SQLite counting triggers."""
    for statement in SQLITE_DOWN + SQLITE_UP:
        op.execute(statement)


def upgrade():
    op.create_table('task_counts',
    sa.Column('lead_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('lead_key', 'status', 'confidential', name=op.f('pk_task_counts'))
    )
    op.create_table('task_count_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lead_key', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_count_changes'))
    )
    op.execute(FILL)
    if op.get_bind().dialect.name == "sqlite":
        create_sqlite_triggers()
    else:
        for statement in PG_UP:
            op.execute(statement)


def downgrade():
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else PG_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_table('task_count_changes')
    op.drop_table('task_counts')
