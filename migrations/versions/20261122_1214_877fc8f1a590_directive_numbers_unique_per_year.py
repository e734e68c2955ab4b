"""directive numbers unique per year

Revision ID: 877fc8f1a590
Revises: af5c8fbd43bc
Create Date: 2026-11-22 12:14:04.652689

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '877fc8f1a590'
down_revision = 'af5c8fbd43bc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_year', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        year = "CAST(strftime('%Y', issued_on) AS INTEGER)"
    else:
        year = 'CAST(EXTRACT(YEAR FROM issued_on) AS INTEGER)'
    op.execute(f'UPDATE directives SET issued_year = {year}')
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.alter_column('issued_year', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_directives_number'), type_='unique')
        batch_op.create_index(batch_op.f('ix_directives_number'), ['number'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_directives_number_issued_year'), ['number', 'issued_year'])



def downgrade():
    with op.batch_alter_table('directives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_directives_number_issued_year'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_directives_number'))
        batch_op.create_unique_constraint(batch_op.f('uq_directives_number'), ['number'])
        batch_op.drop_column('issued_year')
