"""`python -m crawler report --out PATH.html`: what the database holds, and where the holes are.

`coverage_figures(session, portals)` reads the database into a `Coverage` (plain values,
nothing rendered); `crawler.coverage_page.render_page(coverage)` turns that into one
self-contained HTML page; `write_report(out)` does both. The figures:

- reports per province × report year (the province of a report is the one read from the report
  itself, else its registry portal's; reports with neither count under `UNREGISTERED`; reports
  without a report year are counted apart);
- per portal the report years found, and the years missing within the span of years the
  database holds (its earliest to its latest report year); whether a crawl ever reached it;
- per province and prefecture of the registry (3,208 portals): portals, never crawled, crawled,
  with reports, crawled with years missing, reports (`AreaCoverage`);
- parse outcomes, one per report (`OUTCOMES`);
- check failures per rule (rows, and reports flagged);
- the latest runs with their failures, by reason;
- the distribution of `reports.similarity_prev_year` (None when no report has one yet);
- per reporting body the report years found, and the years missing from its first report year
  to the database's latest (`pipelines.queries.body_years`);
- the bodies whose reports break year-over-year checks (`year.*`), with the pairs of years.
`crawler.coverage_page.write_report` first links reports stored without a body
(`pipelines.db.link_reports`).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from pipelines import db

UNREGISTERED = "（未登记门户）"
SENTENCE_GROUP = "正文"
OUTCOME_TABLES = "tables"
OUTCOME_SENTENCES = "sentences only"
OUTCOME_ATTACHMENTS = "attachment only"
OUTCOME_UNPARSED = "unparsed"
OUTCOMES = {
    OUTCOME_TABLES: "figures read from statistics tables",
    OUTCOME_SENTENCES: "figures read from sentences only (no table)",
    OUTCOME_ATTACHMENTS: "no figures; the report is in attached documents",
    OUTCOME_UNPARSED: "no figures and no attachment",
}
LATEST_RUNS = 10


@dataclass(frozen=True)
class PortalYears:
    portal_id: str
    name: str
    province: str
    reports: int
    found: tuple[int, ...]
    missing: tuple[int, ...]
    crawled: bool = False                  # a crawl reached it (or reports of it are stored)
    prefecture: str | None = None


@dataclass(frozen=True)
class AreaCoverage:
    """A province (prefecture None) or one of its prefectures: how far the crawls have got."""
    province: str
    prefecture: str | None
    portals: int
    never_crawled: int
    crawled: int
    with_reports: int
    with_years_missing: int               # crawled portals missing a year of the database's span
    reports: int


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: datetime
    finished_at: datetime | None
    mode: str
    finish_reason: str | None
    pages_fetched: int
    new_reports: int
    changed_reports: int
    duplicates: int
    failures: int                          # failure rows recorded for the run
    failure_reasons: tuple[tuple[str, int], ...]   # (reason, count), most frequent first


@dataclass
class Coverage:
    generated_at: datetime
    total_reports: int
    reports_without_year: int
    years: list[int]                                     # the span: earliest … latest report year
    provinces: list[str]
    by_province_year: dict[tuple[str, int], int]
    portals: list[PortalYears]
    outcomes: dict[str, int]
    checks_by_rule: dict[str, tuple[int, int]]           # rule -> (check rows, reports flagged)
    reports_flagged: int                                 # reports with at least one check
    runs: list[RunSummary]
    similarities: list[float] | None = None              # None: not computed yet
    bodies: list = field(default_factory=list)           # pipelines.queries.BodyYears, one per body
    areas: list[AreaCoverage] = field(default_factory=list)   # per province, then its prefectures


# ---------------------------------------------------------------- figures

def _year_span(years) -> list[int]:
    years = [y for y in years if y is not None]
    return list(range(min(years), max(years) + 1)) if years else []


def parse_outcome(table_cells: int, sentence_cells: int, attachments: int) -> str:
    """One report's parse outcome, from how many table cells, sentence figures and attachments it has."""
    if table_cells:
        return OUTCOME_TABLES
    if sentence_cells:
        return OUTCOME_SENTENCES
    if attachments:
        return OUTCOME_ATTACHMENTS
    return OUTCOME_UNPARSED


def _report_rows(session) -> list[tuple[int, str | None, int | None, str | None]]:
    return list(session.execute(select(db.ReportRow.id, db.ReportRow.portal_id, db.ReportRow.report_year,
                                       db.ReportRow.province).order_by(db.ReportRow.id)))


def _outcomes(session, report_ids: list[int]) -> dict[str, int]:
    is_sentence = func.coalesce(db.Stat.group, "") == SENTENCE_GROUP
    table_cells = dict(session.execute(select(db.Stat.report_id, func.count()).where(~is_sentence)
                                       .group_by(db.Stat.report_id)).all())
    sentence_cells = dict(session.execute(select(db.Stat.report_id, func.count()).where(is_sentence)
                                          .group_by(db.Stat.report_id)).all())
    attachments = dict(session.execute(select(db.AttachmentRow.report_id, func.count())
                                       .group_by(db.AttachmentRow.report_id)).all())
    counts = Counter(parse_outcome(table_cells.get(i, 0), sentence_cells.get(i, 0), attachments.get(i, 0))
                     for i in report_ids)
    return {outcome: counts.get(outcome, 0) for outcome in OUTCOMES}


def _checks_by_rule(session) -> tuple[dict[str, tuple[int, int]], int]:
    rows = session.execute(select(db.CheckRow.rule, func.count(), func.count(db.CheckRow.report_id.distinct()))
                           .group_by(db.CheckRow.rule).order_by(func.count().desc(), db.CheckRow.rule)).all()
    flagged = session.scalar(select(func.count(db.CheckRow.report_id.distinct()))) or 0
    return {rule: (n, reports) for rule, n, reports in rows}, flagged


def _portal_years(reports, portals, span: list[int], crawled: set[str]) -> list[PortalYears]:
    registry = {p.id: p for p in portals}
    years_of: dict[str, list[int]] = defaultdict(list)
    for _id, portal_id, year, _province in reports:
        if portal_id:
            years_of[portal_id].append(year)
    out = []
    for portal_id in [*registry, *sorted(set(years_of) - set(registry))]:
        found = sorted({y for y in years_of.get(portal_id, []) if y is not None})
        entry = registry.get(portal_id)
        reports_of = len(years_of.get(portal_id, []))
        out.append(PortalYears(portal_id, entry.name if entry else portal_id,
                               entry.province if entry else UNREGISTERED, reports_of,
                               tuple(found), tuple(y for y in span if y not in found),
                               portal_id in crawled or reports_of > 0, entry.prefecture if entry else None))
    return out


def _areas(portals: list[PortalYears]) -> list[AreaCoverage]:
    """Per province (in registry order), then each of its prefectures."""
    groups: dict[tuple[str, str | None], list[PortalYears]] = defaultdict(list)
    for portal in portals:
        groups[(portal.province, None)].append(portal)
        if portal.prefecture:
            groups[(portal.province, portal.prefecture)].append(portal)
    return [AreaCoverage(province, prefecture, len(group), sum(not p.crawled for p in group),
                         sum(p.crawled for p in group), sum(p.reports > 0 for p in group),
                         sum(p.crawled and bool(p.missing) for p in group), sum(p.reports for p in group))
            for (province, prefecture), group in groups.items()]


def _crawled_portals(session) -> set[str]:
    return set(session.scalars(select(db.PortalRow.id).where(
        (db.PortalRow.last_crawl_at.is_not(None)) | (db.PortalRow.last_success_at.is_not(None)))))


def _runs(session, limit: int) -> list[RunSummary]:
    runs = list(session.scalars(select(db.Run).order_by(db.Run.id.desc()).limit(limit)))
    reasons: dict[int, Counter] = defaultdict(Counter)
    if runs:
        for run_id, reason, n in session.execute(
                select(db.Failure.run_id, db.Failure.reason, func.count())
                .where(db.Failure.run_id.in_([r.id for r in runs]))
                .group_by(db.Failure.run_id, db.Failure.reason)):
            reasons[run_id][reason] += n
    return [RunSummary(r.id, r.started_at, r.finished_at, r.mode, r.finish_reason, r.pages_fetched,
                       r.new_reports, r.changed_reports, r.duplicates, sum(reasons[r.id].values()),
                       tuple(sorted(reasons[r.id].items(), key=lambda kv: (-kv[1], kv[0]))))
            for r in runs]


def _similarities(session) -> list[float] | None:
    column = getattr(db.ReportRow, "similarity_prev_year", None)
    if column is None:
        return None
    values = list(session.scalars(select(column).where(column.is_not(None)).order_by(column)))
    return values or None


def coverage_figures(session, portals, runs: int = LATEST_RUNS, now: datetime | None = None) -> Coverage:
    """Everything the coverage report shows, read from the database (`portals`: the registry)."""
    reports = _report_rows(session)
    province_of = {p.id: p.province for p in portals}
    span = _year_span(year for _i, _p, year, _pr in reports)
    by_province_year: Counter = Counter()
    for _id, portal_id, year, province in reports:
        if year is not None:
            by_province_year[(province or province_of.get(portal_id or "", UNREGISTERED), year)] += 1
    provinces = sorted({p for p, _y in by_province_year}, key=lambda p: (p == UNREGISTERED, p))
    checks, flagged = _checks_by_rule(session)
    portal_years = _portal_years(reports, portals, span, _crawled_portals(session))
    return Coverage(
        generated_at=now or db.utcnow(), total_reports=len(reports),
        reports_without_year=sum(1 for r in reports if r[2] is None), years=span, provinces=provinces,
        by_province_year=dict(by_province_year), portals=portal_years, areas=_areas(portal_years),
        outcomes=_outcomes(session, [r[0] for r in reports]), checks_by_rule=checks,
        reports_flagged=flagged, runs=_runs(session, runs), similarities=_similarities(session),
        bodies=_bodies(session))


def _bodies(session) -> list:
    from pipelines.queries import body_years
    return body_years(session)
