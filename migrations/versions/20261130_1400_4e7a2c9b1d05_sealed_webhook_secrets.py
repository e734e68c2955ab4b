"""sealed webhook secrets: encrypted at rest under a key derived from TRACKER_SECRET_KEY

A webhook secret is needed in clear at every delivery (it signs the body), so it cannot be hashed
like a token. It is sealed instead (tracker/sealing.py). Upgrading seals the stored secrets with the
configured secret key; downgrading opens them again with it.

Upgrade order for this release: stop the schedulers first (their ledger rows wait, nothing is
lost), then migrate, roll the web hosts, start the new schedulers, and finally run
`flask tracker reseal-secrets` once. An earlier scheduler would sign with the sealed text. An earlier
web host may still store a secret in clear during the roll; the new release uses such a value as it
is, and `reseal-secrets` seals it. The column keeps its name so that earlier web hosts keep working.
On PostgreSQL varchar(200) to text rewrites nothing.

Revision ID: 4e7a2c9b1d05
Revises: 9d41c7e2b6a3
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.sealing import PREFIX, current_box


# revision identifiers, used by Alembic.
revision = '4e7a2c9b1d05'
down_revision = '9d41c7e2b6a3'
branch_labels = None
depends_on = None

WEBHOOKS = sa.table("webhooks", sa.column("id", sa.Integer), sa.column("secret", sa.Text))


def upgrade():
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", existing_type=sa.String(200), type_=sa.Text())
    _rewrite(_sealed)


def downgrade():
    _rewrite(_opened)
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", existing_type=sa.Text(), type_=sa.String(200))


def _sealed(stored):
    return stored if stored.startswith(PREFIX) else current_box().seal(stored)


def _opened(stored):
    secret = current_box().open(stored)
    if secret is None:
        raise RuntimeError("a webhook secret cannot be opened with the configured secret keys")
    return secret


def _rewrite(change):
    connection = op.get_bind()
    rows = connection.execute(sa.select(WEBHOOKS.c.id, WEBHOOKS.c.secret)).all()
    for webhook_id, value in rows:
        statement = WEBHOOKS.update().where(WEBHOOKS.c.id == webhook_id)
        connection.execute(statement.values(secret=change(value)))
