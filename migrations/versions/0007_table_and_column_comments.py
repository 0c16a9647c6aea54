"""table and column comments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:05:00

The descriptions of tables and columns live on the models (`comment=`); on PostgreSQL they are
written into the schema too (`COMMENT ON`), so `\\d+ reports` in psql says what a column holds.
Comments are documentation, not structure: this migration writes the models' descriptions as they
are when it runs. SQLite has no comments: nothing to do there.
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _comments(clear: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from pipelines.db.models import Base
    for table in Base.metadata.tables.values():
        op.create_table_comment(table.name, None if clear else table.comment)
        for column in table.columns:
            op.alter_column(table.name, column.name, comment=None if clear else column.comment,
                            existing_type=column.type, existing_nullable=column.nullable)


def upgrade() -> None:
    _comments(clear=False)


def downgrade() -> None:
    _comments(clear=True)
