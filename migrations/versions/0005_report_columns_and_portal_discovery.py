"""report columns and portal discovery

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_columns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('portal_id', sa.String(length=100), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('family', sa.String(length=40), nullable=True),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('department', sa.Text(), nullable=True),
        sa.Column('found_via', sa.String(length=2048), nullable=True),
        sa.Column('found_at', sa.DateTime(), nullable=False),
        sa.Column('last_success_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', sa.DateTime(), nullable=True),
        sa.Column('reports_seen', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_columns')),
        sa.UniqueConstraint('portal_id', 'url', name=op.f('uq_report_columns_portal_id')),
    )
    with op.batch_alter_table('report_columns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_columns_portal_id'), ['portal_id'], unique=False)
    with op.batch_alter_table('portals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_url', sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column('discovered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('needs_discovery', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('last_crawl_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_outcome', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('portals', schema=None) as batch_op:
        batch_op.drop_column('last_outcome')
        batch_op.drop_column('last_crawl_at')
        batch_op.drop_column('needs_discovery')
        batch_op.drop_column('discovered_at')
        batch_op.drop_column('home_url')
    with op.batch_alter_table('report_columns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_columns_portal_id'))
    op.drop_table('report_columns')
