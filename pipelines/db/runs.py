"""Crawl runs, their failures, and what a crawl learnt of a portal."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.db.models import Failure, PortalRow, Run, utcnow


def last_walk_incomplete(session: Session, portal_ids: list[str]) -> bool:
    """Whether the last run over any of these portals was killed or had failures: then older
    listing pages may hold reports it never stored, and the next nightly run must walk them all."""
    runs = select(Run).order_by(Run.id.desc()).limit(50)
    for run in session.scalars(runs):
        if set((run.portals or "").split(",")) & set(portal_ids):
            return run.finish_reason != "finished" or run.failures > 0
    return False


def start_run(session: Session, mode: str, portals: list[str]) -> int:
    run = Run(mode=mode, portals=",".join(portals), started_at=utcnow())
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, run_id: int, counts: dict, finish_reason: str | None,
               crawl_stats: dict | None = None) -> None:
    run = session.get(Run, run_id)
    run.finished_at = utcnow()
    run.finish_reason = finish_reason
    for name, value in counts.items():
        setattr(run, name, value)
    run.stats_json = crawl_stats


def record_failure(session: Session, run_id: int | None, url: str, reason: str, portal_id: str | None = None,
                   status: int | None = None, exception: str | None = None, retries: int = 0) -> None:
    session.add(Failure(run_id=run_id, url=url, reason=reason, portal_id=portal_id, status=status,
                        exception=exception, retries=retries))


def mark_portal_verified(session: Session, portal_id: str, family: str | None) -> None:
    portal = session.get(PortalRow, portal_id) or PortalRow(id=portal_id)
    portal.verified = True
    portal.last_success_at = utcnow()
    portal.family = family or portal.family
    session.merge(portal)
