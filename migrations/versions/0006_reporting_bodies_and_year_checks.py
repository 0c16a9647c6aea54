"""reporting bodies (bodies, reports.body_id) and year-over-year checks (checks.other_report_id)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:45:00

Existing reports keep body_id null here: which body a report is by is decided by code and data
that change (crawler/registry/bodies.py, body_aliases.toml), which a migration must not freeze.
They are linked, and their year-over-year checks computed, by the store when the report is next
stored (any outcome) and by `python -m crawler bodies`, `export --panel` and `report`
(pipelines.db.link_reports), each batch in one transaction.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bodies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=600), nullable=False),
        sa.Column('division_code', sa.String(length=12), nullable=True),
        sa.Column('province', sa.String(length=40), nullable=True),
        sa.Column('prefecture', sa.String(length=80), nullable=True),
        sa.Column('county', sa.String(length=80), nullable=True),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('canonical_name', sa.Text(), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('first_seen', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bodies')),
        sa.UniqueConstraint('key', name=op.f('uq_bodies_key')),
    )
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bodies_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_bodies_province'), ['province'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reports_body_id_bodies'), 'bodies', ['body_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index('ix_reports_body_id_year', ['body_id', 'report_year'], unique=False)
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_checks_other_report_id_reports'), 'reports',
                                    ['other_report_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_checks_other_report_id'), ['other_report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checks_other_report_id'))
        batch_op.drop_constraint(batch_op.f('fk_checks_other_report_id_reports'), type_='foreignkey')
        batch_op.drop_column('other_report_id')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_body_id_year')
        batch_op.drop_constraint(batch_op.f('fk_reports_body_id_bodies'), type_='foreignkey')
        batch_op.drop_column('body_id')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bodies_province'))
        batch_op.drop_index(batch_op.f('ix_bodies_division_code'))
    op.drop_table('bodies')
