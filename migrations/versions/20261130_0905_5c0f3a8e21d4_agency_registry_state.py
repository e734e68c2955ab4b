"""agency registry state

Each process keeps the agency registry in memory (tracker.agencies.registry) instead of looking
agencies up once or twice per request. This one-row table holds a token that every registry load
changes; a process compares it once per unit of work and reloads its copy when it differs.

Revision ID: 5c0f3a8e21d4
Revises: b3cb65e7848a
Create Date: 2026-11-30 09:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0f3a8e21d4'
down_revision = 'b3cb65e7848a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_registry_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_registry_state'))
    )


def downgrade():
    op.drop_table('agency_registry_state')
