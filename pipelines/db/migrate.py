"""The schema: `alembic upgrade head`, under a PostgreSQL advisory lock so that processes
starting together migrate once."""
from __future__ import annotations

from sqlalchemy import text

from pipelines.db.engine import database_url, make_engine
from pipelines.db.models import MIGRATION_LOCK_KEY


def upgrade_schema(url: str | None = None) -> None:
    """Bring the database to the newest migration (`alembic upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    from pipelines.migrations_dir import migrations_dir

    cfg = Config()                              # no alembic.ini needed (it is not in a Scrapyd egg)
    cfg.attributes["skip_logging"] = True       # the caller (Scrapy, the CLI) owns logging
    cfg.set_main_option("script_location", str(migrations_dir()))
    url = database_url(url)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if not url.startswith("postgresql"):
        command.upgrade(cfg, "head")
        return
    # several crawler processes may start at once: one migrates, the others wait for it
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                command.upgrade(cfg, "head")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()
