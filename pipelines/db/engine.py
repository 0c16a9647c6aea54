"""The engine and sessions, built from `DATABASE_URL` when a crawl or a command opens them,
never at import."""
from __future__ import annotations

import os
import zlib

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipelines.db.models import DEFAULT_SQLITE_PATH

# --- engine ------------------------------------------------------------------------------------

def database_url(url: str | None = None) -> str:
    """The URL to use: explicit, else DATABASE_URL, else the SQLite file under data/."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def empty_sibling_database(server_url: str, suffix: str) -> str:
    """A new, empty PostgreSQL database `<name>_<suffix>` on the server of `server_url`
    (dropped first if it exists); its URL. For runs that must not share a database."""
    from sqlalchemy.engine import make_url
    url = make_url(database_url(server_url))
    name = f"{url.database}_{suffix}"
    engine = make_engine(url.render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def compress(raw: bytes | None) -> bytes | None:
    """A raw page as stored (zlib level 3: half the CPU of the default 6 for 5-10 % more bytes)."""
    return zlib.compress(raw, 3) if raw is not None else None
