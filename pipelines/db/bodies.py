"""Reporting bodies and the year-over-year checks between a body's consecutive reports."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipelines.db.models import Body, CheckRow, ReportRow, Stat, utcnow
from pipelines.db.rows import insert_rows, number_or_none

# --- reporting bodies and year-over-year checks ------------------------------------------------

def link_body(session: Session, report: ReportRow) -> bool:
    """Link the report to its body (crawler/registry/bodies.py), created on first sight by a
    race-safe insert of its key; one indexed lookup. False when the report names no body."""
    from crawler.registry.bodies import report_body
    identity = report_body({name: getattr(report, name) for name in (
        "url", "title", "publisher", "signed_by", "report_year", "portal_id", "province", "prefecture",
        "county", "division_code")})
    if identity is None:
        report.body_id = None
        return False
    with session.no_autoflush:           # a new report is inserted once, with its body_id
        body_id = session.scalar(select(Body.id).where(Body.key == identity.key))
    if body_id is None:
        values = {"key": identity.key, "division_code": identity.division_code, "province": identity.province,
                  "prefecture": identity.prefecture, "county": identity.county, "name": identity.name,
                  "canonical_name": identity.canonical_name, "level": identity.level, "kind": identity.kind,
                  "first_seen": utcnow()}
        from sqlalchemy.dialects import postgresql, sqlite
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(session.connection().dialect.name)
        if insert is not None:     # two processes meeting the same new body: one row, no error
            session.execute(insert(Body).values(**values).on_conflict_do_nothing(index_elements=["key"]))
        else:
            session.add(Body(**values))
            session.flush()
        with session.no_autoflush:
            body_id = session.scalar(select(Body.id).where(Body.key == identity.key))
    report.body_id = body_id
    return True


def recheck_years(session: Session, report: ReportRow, known: bool = True) -> None:
    """The year-over-year checks (crawler/extract/years.py) of the pairs the report is part of,
    computed again: on it, naming the body's report of the year before, and on the body's report
    of the year after, naming it. Crawl order does not matter: whichever of a pair is stored
    second (or revised) makes the check. `known`: the report may already be named by checks."""
    from sqlalchemy import and_, or_

    from crawler.extract.stats import SECTION_ACTIVE, SECTION_REQUESTS
    from crawler.extract.years import check_years
    if known:
        session.execute(delete(CheckRow).where(CheckRow.other_report_id == report.id),
                        execution_options={"synchronize_session": False})
        session.execute(delete(CheckRow).where(CheckRow.report_id == report.id,
                                               CheckRow.other_report_id.is_not(None)),
                        execution_options={"synchronize_session": False})
        session.expire(report, ["checks"])
    year = report.report_year
    if report.body_id is None or year is None:
        return
    neighbours = session.execute(select(ReportRow.id, ReportRow.report_year, ReportRow.title).where(
        ReportRow.body_id == report.body_id, ReportRow.report_year.in_((year - 1, year + 1)),
        ReportRow.id != report.id)).all()
    if not neighbours:
        return
    ids = [report.id, *(n.id for n in neighbours)]
    cells: dict[int, list[dict]] = {i: [] for i in ids}
    carried = and_(Stat.section == SECTION_REQUESTS, or_(Stat.item.like("二、%"), Stat.item.like("四、%")))
    for report_id, section, item, column, value in session.execute(
            select(Stat.report_id, Stat.section, Stat.item, Stat.column, Stat.value)
            .where(Stat.report_id.in_(ids), or_(Stat.section == SECTION_ACTIVE, carried)).order_by(Stat.id)):
        cells[report_id].append({"section": section, "item": item, "column": column, "value": value})
    me = (report.id, year, report.title)
    rows = []
    for neighbour in neighbours:
        earlier, later = (neighbour, me) if neighbour[1] < year else (me, neighbour)
        label = f"the {earlier[1]} report (#{earlier[0]} {earlier[2] or ''})".replace(" )", ")")
        rows += [{"report_id": later[0], "other_report_id": earlier[0], "rule": c["rule"],
                  "expected": number_or_none(c["expected"]), "found": number_or_none(c["found"]),
                  "message": c["message"]}
                 for c in check_years(cells[earlier[0]], cells[later[0]], label)]
    if rows:
        insert_rows(session, CheckRow.__table__, rows)
    for report_id in {report.id, *(n.id for n in neighbours)}:   # loaded ones read their checks again
        loaded = session.identity_map.get(session.identity_key(ReportRow, report_id))
        if loaded is not None:
            session.expire(loaded, ["checks"])


def link_reports(session: Session, batch: int = 500) -> int:
    """Link every report stored without a body (before migration 0006) to its body and compute
    its year-over-year checks; each batch one transaction. Returns how many were linked."""
    from crawler.registry.bodies import load_aliases
    load_aliases()            # a broken $REPORTS_BODY_ALIASES file is said before anything is read
    linked, after = 0, 0
    while True:
        with session.begin():
            reports = list(session.scalars(select(ReportRow).where(ReportRow.body_id.is_(None), ReportRow.id > after)
                                           .order_by(ReportRow.id).limit(batch)))
            for report in reports:
                after = report.id
                if link_body(session, report):
                    recheck_years(session, report, known=True)
                    linked += 1
        if len(reports) < batch:
            return linked
