"""Read-side queries for the commands (runs, failures, demo summary, reporting bodies)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
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


def stored_reports(database_url: str | None = None) -> list[db.ReportRow]:
    with _session(database_url) as session:
        return list(session.scalars(
            select(db.ReportRow).options(selectinload(db.ReportRow.stats), selectinload(db.ReportRow.urls),
                                      selectinload(db.ReportRow.checks), selectinload(db.ReportRow.attachments))
            .order_by(db.ReportRow.report_year.desc(), db.ReportRow.id)))


def verified_portals(database_url: str | None = None) -> dict[str, db.PortalRow]:
    """Registry portals a crawl has reached successfully (id → what the crawl learnt)."""
    with _session(database_url) as session:
        return {p.id: p for p in session.scalars(select(db.PortalRow).where(db.PortalRow.verified.is_(True)))}


@dataclass(frozen=True)
class BodyYears:
    """A reporting body, the report years it has reports for, the years missing from its first
    report year to the database's latest, and the year-over-year checks its reports break."""
    id: int
    name: str
    canonical_name: str
    kind: str
    level: str | None
    province: str | None
    prefecture: str | None
    county: str | None
    division_code: str | None
    found: tuple[int, ...]
    missing: tuple[int, ...]
    year_checks: int                  # checks rows with other_report_id on its reports
    year_check_pairs: tuple[tuple[int, int], ...]   # (earlier, later) report years of a broken check


def body_years(session, province: str | None = None) -> list[BodyYears]:
    """Every body (of `province`: its region's province starts with it), by province, region and name."""
    latest = session.scalar(select(func.max(db.ReportRow.report_year)))
    years: dict[int, set[int]] = defaultdict(set)
    for body_id, year in session.execute(select(db.ReportRow.body_id, db.ReportRow.report_year).distinct()
                                         .where(db.ReportRow.body_id.is_not(None),
                                                db.ReportRow.report_year.is_not(None))):
        years[body_id].add(year)
    earlier = db.ReportRow.__table__.alias("earlier")
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for body_id, earlier_year, later_year in session.execute(
            select(db.ReportRow.body_id, earlier.c.report_year, db.ReportRow.report_year)
            .join(db.CheckRow, db.CheckRow.report_id == db.ReportRow.id)
            .join(earlier, earlier.c.id == db.CheckRow.other_report_id)
            .where(db.ReportRow.body_id.is_not(None))):
        pairs[body_id].append((earlier_year, later_year))
    query = select(db.Body).order_by(db.Body.province, db.Body.division_code, db.Body.canonical_name, db.Body.id)
    if province:
        query = query.where(db.Body.province.startswith(province))
    out = []
    for body in session.scalars(query):
        found = sorted(years.get(body.id, ()))
        span = range(found[0], latest + 1) if found and latest is not None else ()
        out.append(BodyYears(body.id, body.name, body.canonical_name, body.kind, body.level, body.province,
                             body.prefecture, body.county, body.division_code, tuple(found),
                             tuple(y for y in span if y not in found), len(pairs.get(body.id, ())),
                             tuple(sorted(set(pairs.get(body.id, ()))))))
    return out


def bodies(province: str | None = None, database_url: str | None = None) -> list[BodyYears]:
    """`python -m crawler bodies`: reports stored without a body are linked first (db.link_reports)."""
    with _session(database_url) as session:
        db.link_reports(session)
        return body_years(session, province)


def report_columns(portal_ids: list[str] | None = None, database_url: str | None = None,
                   active_only: bool = False) -> list[db.ReportColumn]:
    """The remembered annual-report columns (of these portals), by portal, then as found."""
    with _session(database_url) as session:
        query = select(db.ReportColumn).order_by(db.ReportColumn.portal_id, db.ReportColumn.id)
        if portal_ids is not None:
            query = query.where(db.ReportColumn.portal_id.in_(portal_ids))
        if active_only:
            query = query.where(db.ReportColumn.active.is_(True))
        return list(session.scalars(query))


def portal_states(database_url: str | None = None) -> dict[str, db.PortalRow]:
    """What the crawler learnt of each portal it reached (id → row)."""
    with _session(database_url) as session:
        return {p.id: p for p in session.scalars(select(db.PortalRow))}
