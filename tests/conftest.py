"""Shared test fixtures: the demo portal on loopback, a fresh database, and real crawls.

Crawls run as a separate process (`python -m crawler crawl …`) through Scrapy's real engine,
against the demo portal served from this test process. The database is a fresh SQLite file per
test, or, when TEST_DATABASE_URL is set (.ci/run sets it), that PostgreSQL database emptied first.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = FIXTURES / "seeds"
REAL = FIXTURES / "real"

# Settings for crawling the loopback demo portal quickly.
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "DOWNLOAD_TIMEOUT": "10",
    "LOG_LEVEL": "INFO",
}


def file_response(path: Path | str, url: str, encoding: str = "utf-8"):
    """A Scrapy response over a saved page, as city-scrapers' tests do."""
    from scrapy.http import HtmlResponse, Request
    body = Path(path).read_bytes()
    return HtmlResponse(url=url, body=body, encoding=encoding, request=Request(url))


_PG_URL: str | None = None


def _private_pg_url(base: str) -> str:
    """A database of this test process's own on the TEST_DATABASE_URL server (created once), so
    that test runs sharing one server never empty each other's tables."""
    global _PG_URL
    if _PG_URL is None:
        from pipelines import db
        _PG_URL = db.empty_sibling_database(base, str(os.getpid()))
    return _PG_URL


def fresh_database_url(directory: Path) -> str:
    """An empty database: a new SQLite file, or (TEST_DATABASE_URL set) a PostgreSQL database of
    this process's own, emptied."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{directory / 'reports.sqlite'}"
    from pipelines import db
    url = _private_pg_url(url) if url.startswith("postgres") else url
    engine = db.make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            db.Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return url


def pytest_sessionfinish(session, exitstatus):
    """Drop this process's private PostgreSQL database."""
    if _PG_URL is None:
        return
    from sqlalchemy.engine import make_url

    from pipelines import db
    url = make_url(_PG_URL)
    engine = db.make_engine(url.set(database=os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[1]
                                    .split("?")[0]).render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path):
    return fresh_database_url(tmp_path)


@pytest.fixture
def session(database_url):
    from pipelines import db
    db.upgrade_schema(database_url)
    engine = db.make_engine(database_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def demo():
    """The demo portal, served on a free loopback port for the duration of one test."""
    from crawler.demo.portal import DemoPortal
    from crawler.demo.server import DemoServer
    portal = DemoPortal()
    with DemoServer(portal.site) as server:
        portal.base_url = server.base_url
        yield portal


@dataclass
class CrawlResult:
    returncode: int
    stats: dict
    log: str


def crawl(database_url: str, demo_url: str, args: dict, settings: dict | None = None,
          tmp_path: Path | None = None, timeout: float = 120) -> CrawlResult:
    """Run `python -m crawler crawl` in a child process and return its exit code, stats and log."""
    stats_file = Path(tmp_path or "/tmp") / f"stats-{os.getpid()}-{id(args)}.json"
    cmd = [sys.executable, "-m", "crawler", "crawl"]
    for name, value in args.items():
        cmd += ["-a", f"{name}={value}"]
    for name, value in {**FAST_SETTINGS, **(settings or {}), "REPORTS_STATS_FILE": str(stats_file)}.items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "DATABASE_URL": database_url, "REPORTS_DEMO_URL": demo_url}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(proc.returncode, stats, proc.stderr)


@pytest.fixture
def run_crawl(database_url, demo, tmp_path):
    def _run(args: dict | None = None, settings: dict | None = None) -> CrawlResult:
        return crawl(database_url, demo.base_url, args or {"portal": "demo-nanshan"}, settings, tmp_path)
    return _run


def store(session, fields: dict, *args, **kwargs) -> str:
    """`db.store_report` in a unit of work of its own, as the store pipeline calls it."""
    from pipelines import db
    with session.begin():
        return db.store_report(session, fields, *args, **kwargs)
