"""Read-side queries for the commands (runs, failures, demo summary)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pipelines import db


def _session(database_url: str | None = None):
    db.upgrade_schema(database_url)
    return db.session_factory(db.make_engine(database_url))()


def last_runs(limit: int = 20, database_url: str | None = None) -> list[db.Run]:
    with _session(database_url) as session:
        return list(session.scalars(select(db.Run).order_by(db.Run.id.desc()).limit(limit)))


def run_failures(run_id: int, database_url: str | None = None) -> list[db.Failure]:
    with _session(database_url) as session:
        if session.get(db.Run, run_id) is None:
            raise ValueError(f"no run {run_id} (see `python -m crawler runs`)")
        return list(session.scalars(select(db.Failure).where(db.Failure.run_id == run_id).order_by(db.Failure.id)))


def stored_reports(database_url: str | None = None) -> list[db.Report]:
    with _session(database_url) as session:
        return list(session.scalars(
            select(db.Report).options(selectinload(db.Report.stats), selectinload(db.Report.urls),
                                      selectinload(db.Report.checks), selectinload(db.Report.attachments))
            .order_by(db.Report.report_year.desc(), db.Report.id)))


def verified_portals(database_url: str | None = None) -> dict[str, db.Portal]:
    """Registry portals a crawl has reached successfully (id → what the crawl learnt)."""
    with _session(database_url) as session:
        return {p.id: p for p in session.scalars(select(db.Portal).where(db.Portal.verified.is_(True)))}
