"""The models and the migrations agree: a database built by `alembic upgrade head` is what the
models describe (tables, columns, types, nullability, defaults, indexes, keys, comments)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pipelines import db

pytestmark = pytest.mark.db


def test_the_migrated_schema_is_the_models(database_url):
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_server_default": True})
            assert compare_metadata(context, db.Base.metadata) == []
    finally:
        engine.dispose()
