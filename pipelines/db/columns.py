"""Annual-report columns and the portal's discovery state."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.db.models import PortalRow, ReportColumn, utcnow

# --- annual-report columns and discovery ----------------------------------------------------------

def remembered_columns(session: Session, portal_ids: list[str]) -> dict[str, list[ReportColumn]]:
    """The active columns earlier runs found or read, per portal."""
    out: dict[str, list[ReportColumn]] = {}
    query = select(ReportColumn).where(ReportColumn.active.is_(True)).order_by(ReportColumn.id)
    if portal_ids:
        query = query.where(ReportColumn.portal_id.in_(portal_ids))
    for column in session.scalars(query):
        out.setdefault(column.portal_id, []).append(column)
    return out


def portals_needing_discovery(session: Session, portal_ids: list[str]) -> set[str]:
    query = select(PortalRow.id).where(PortalRow.needs_discovery.is_(True))
    if portal_ids:
        query = query.where(PortalRow.id.in_(portal_ids))
    return set(session.scalars(query))


def _column(session: Session, portal_id: str, url: str) -> ReportColumn:
    column = session.scalar(select(ReportColumn).where(ReportColumn.portal_id == portal_id,
                                                       ReportColumn.url == url))
    if column is None:
        column = ReportColumn(portal_id=portal_id, url=url, found_at=utcnow(), reports_seen=0, active=True)
        session.add(column)
    return column


def _portal(session: Session, portal_id: str) -> PortalRow:
    portal = session.get(PortalRow, portal_id)
    if portal is None:
        portal = PortalRow(id=portal_id, verified=False, needs_discovery=False)
        session.add(portal)
    return portal


def remember_column(session: Session, portal_id: str, url: str, family: str | None, title: str | None,
                    department: str | None, found_via: str | None) -> None:
    """A column discovery found: remembered (again) as active."""
    column = _column(session, portal_id, url)
    column.family = family or column.family
    column.title = title or column.title
    column.department = department or column.department
    column.found_via = found_via or column.found_via
    column.active = True


def portal_discovered(session: Session, portal_id: str, home_url: str, columns: int) -> None:
    """A discovery walk ended: where it landed; a portal with columns needs none until one fails."""
    portal = _portal(session, portal_id)
    portal.home_url = home_url
    portal.discovered_at = utcnow()
    portal.needs_discovery = columns == 0


def record_column_outcome(session: Session, portal_id: str, url: str, family: str | None,
                          reports_seen: int, error: str | None) -> None:
    """What a crawl of a column gave. A failed column is set aside and its portal rediscovered."""
    column = _column(session, portal_id, url)
    column.family = family or column.family
    if error is None:
        column.last_success_at = utcnow()
        column.reports_seen = reports_seen
        column.active = True
    else:
        column.last_error = error
        column.last_error_at = utcnow()
        column.active = False
        _portal(session, portal_id).needs_discovery = True


def record_portal_outcome(session: Session, portal_id: str, outcome: str) -> None:
    portal = _portal(session, portal_id)
    portal.last_crawl_at = utcnow()
    portal.last_outcome = outcome
