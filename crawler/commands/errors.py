"""What a failed command tells its user: one line naming the cause, and a non-zero exit.

Shared by `python -m crawler …` (crawler/cli.py) and `scrapy crawl` (crawler/commands/crawl.py).
An error the user can fix (a bad argument, an unknown portal, a missing file, a database that
cannot be reached or a URL that is none) becomes `error: …`; any other exception is a bug and
keeps its traceback. A crawl that reached nothing (no report stored or confirmed unchanged, or in
discovery only no column found) while failures were recorded gets a one-line summary instead.
"""
from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

URL_FORMS = "sqlite:///PATH or postgresql://user@host:5432/db"
# A DBAPI error: the server is unreachable, refuses us, the database or its directory is missing…
CONNECTION_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError)
# Raised by SQLAlchemy while it reads the URL: no URL, an unknown scheme, a driver not installed.
URL_ERRORS = (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError, ValueError)
# Stats of a report the crawl reached: stored (new, revised, a repost) or confirmed unchanged.
REACHED_STATS = ("reports/stored/new", "reports/stored/changed", "reports/stored/duplicate",
                 "reports/stored/unchanged", "reports/not_modified", "reports/unchanged_bytes")


def one_line(text: str) -> str:
    """A message's lines joined, its runs of blanks made one."""
    return "; ".join(" ".join(line.split()) for line in str(text).splitlines() if line.strip())


def shown_url(url: str | None) -> str:
    """The database URL a command used (explicit, else DATABASE_URL, else the default SQLite file),
    with its password hidden."""
    if not url:
        from pipelines.db import DEFAULT_SQLITE_PATH
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):          # no URL: hide what looks like a password
        return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def _raised_by_sqlalchemy(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and f"{os.sep}sqlalchemy{os.sep}" in frames[-1].filename


def _missing_directory(url: str) -> Path | None:
    """The directory of a SQLite file URL, when it does not exist."""
    try:
        parsed = make_url(url)
    except (sa_exc.ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    directory = Path(parsed.database).parent
    return None if directory.is_dir() else directory


def _database_cause(exc: BaseException, url: str) -> str:
    if isinstance(exc, sa_exc.NoSuchModuleError):
        return f"unknown database scheme {url.split('://', 1)[0]!r} (the URL takes the form {URL_FORMS})"
    if isinstance(exc, ImportError):
        return f"its driver {exc.name or exc} is not installed"
    if isinstance(exc, CONNECTION_ERRORS):
        cause = one_line(exc.orig if exc.orig is not None else exc)
        directory = _missing_directory(url)
        return f"{cause} (directory {directory} does not exist)" if directory else cause
    cause = one_line(str(exc).split("\n(Background on this error", 1)[0])
    return f"{cause} (the URL takes the form {URL_FORMS})" if isinstance(exc, ValueError) or "URL" in cause else cause


def error_line(exc: BaseException, database_url: str | None = None) -> str | None:
    """`error: …` naming the cause of an error the user can fix; None for a bug (the caller
    re-raises it). `database_url`: the URL the command was given (None: DATABASE_URL or the default)."""
    if isinstance(exc, CONNECTION_ERRORS) or (isinstance(exc, URL_ERRORS) and _raised_by_sqlalchemy(exc)):
        url = shown_url(database_url)
        return f"error: database {url}: {_database_cause(exc, url)}"
    if isinstance(exc, (ValueError, FileNotFoundError)):   # a bad argument, an unknown portal id, no such file
        return f"error: {one_line(exc)}"
    return None


def crawl_failure(stats: dict, run_id: int | None, discover_only: bool = False) -> str | None:
    """The summary line of a crawl that reached nothing while failures were recorded: no report
    stored or confirmed unchanged (discovery only: no column found). None when it did its work, or
    found nothing new without a failure (a quiet night)."""
    failures = stats.get("reports/failures", 0)
    see = f"python -m crawler failures --run {run_id}" if run_id else "python -m crawler runs"
    if not failures:
        return None
    if discover_only:
        if stats.get("reports/discovery/columns", 0):
            return None
        return f"discovery failed: 0 columns found, {failures} failure(s) (see {see})"
    if any(stats.get(key, 0) for key in REACHED_STATS):
        return None
    return f"crawl failed: 0 reports stored, {failures} failure(s) (see {see})"


def failed_crawl_line(crawler) -> str | None:
    """crawl_failure of a finished crawler."""
    from crawler.plan import CrawlPlan
    plan = crawler.get_extension(CrawlPlan)
    return crawl_failure(crawler.stats.get_stats(), _run_id(crawler),
                         discover_only=plan is not None and plan.discover_only)


def _run_id(crawler) -> int | None:
    """The run row of a finished crawl, None when it never opened one."""
    return crawler.stats.get_value("reports/run_id")


def reach_database(url: str | None) -> None:
    """Connect once before a crawl starts. A wrong DATABASE_URL fails here, where the caller turns
    it into one error line, not inside the crawl, where Scrapy would log it and go on."""
    from pipelines import db
    engine = db.make_engine(url)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def keep_error(result) -> list[BaseException]:
    """The exception a crawl ends with (Scrapy's Deferred or asyncio Task), kept for the caller
    to report after the reactor stops, instead of a traceback logged when it is collected."""
    errors: list[BaseException] = []

    def task_done(task) -> None:
        if not task.cancelled() and task.exception() is not None:   # retrieved: asyncio logs nothing
            errors.append(task.exception())

    if hasattr(result, "addErrback"):                     # CrawlerProcess: a Deferred
        result.addErrback(lambda failure: errors.append(failure.value))
    else:                                                  # AsyncCrawlerProcess: an asyncio Task
        result.add_done_callback(task_done)
    return errors
