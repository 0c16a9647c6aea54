"""Reporting bodies and the year-over-year checks between a body's consecutive reports.

Core statements on the session's connection (no ORM objects): `store_report` calls these once
per stored report, and `link_reports` for reports stored before bodies existed."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from pipelines.db.models import Body, CheckRow, ReportRow, Stat, utcnow
from pipelines.db.rows import insert_rows, number_or_none

BODY_FIELDS = ("url", "title", "publisher", "signed_by", "report_year", "portal_id", "province", "prefecture",
               "county", "division_code")
_BODIES, _REPORTS, _CHECKS = Body.__table__, ReportRow.__table__, CheckRow.__table__


def body_id_of(conn: Connection, fields: dict, known: dict[str, int] | None = None) -> int | None:
    """The id of the body (crawler/registry/bodies.py) a report with these `BODY_FIELDS` is by,
    its row created on first sight by a race-safe insert of its key; None when the report names
    no body. `known`: body key -> id of bodies already looked up (the caller forgets it when its
    transaction rolls back)."""
    from crawler.registry.bodies import report_body
    identity = report_body(fields)
    if identity is None:
        return None
    if known is not None and identity.key in known:
        return known[identity.key]
    lookup, insert = _body_statements(conn.dialect.name)
    body_id = conn.scalar(lookup, {"key": identity.key})
    if body_id is None:
        values = {"key": identity.key, "division_code": identity.division_code, "province": identity.province,
                  "prefecture": identity.prefecture, "county": identity.county, "name": identity.name,
                  "canonical_name": identity.canonical_name, "level": identity.level, "kind": identity.kind,
                  "first_seen": utcnow()}
        body_id = conn.scalar(insert, values)
        if body_id is None:      # another process inserted it meanwhile
            body_id = conn.scalar(lookup, {"key": identity.key})
    if known is not None:
        known[identity.key] = body_id
    return body_id


@lru_cache(maxsize=4)
def _body_statements(dialect: str):
    """A body's id by its key; the insert of a new body returning its id (nothing when another
    process inserted the same key first: no error, one row)."""
    from sqlalchemy.dialects import postgresql, sqlite
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        new = _BODIES.insert()
    else:
        new = insert(_BODIES).on_conflict_do_nothing(index_elements=["key"])
    return select(_BODIES.c.id).where(_BODIES.c.key == bindparam("key")), new.returning(_BODIES.c.id)


def neighbours_query(report_id, body_id, year):
    """The body's reports of the year before and the year after (id, report_year, title)."""
    return select(_REPORTS.c.id, _REPORTS.c.report_year, _REPORTS.c.title).where(
        _REPORTS.c.body_id == body_id, _REPORTS.c.report_year.in_((year - 1, year + 1)), _REPORTS.c.id != report_id)


def recheck_years(conn: Connection, report_id: int, body_id: int | None, year: int | None, title: str | None,
                  known: bool = True, neighbours: list | None = None) -> None:
    """The year-over-year checks (crawler/extract/years.py) of the pairs the report is part of,
    computed again: on it, naming the body's report of the year before, and on the body's report
    of the year after, naming it. Crawl order does not matter: whichever of a pair is stored
    second (or revised) makes the check. `known`: the report may already be named by checks.
    `neighbours`: the body's reports of the years around (`neighbours_query`), when the caller
    has read them already."""
    from crawler.extract.stats import SECTION_ACTIVE, SECTION_REQUESTS
    from crawler.extract.years import check_years
    if known:
        conn.execute(delete(_CHECKS).where(_CHECKS.c.other_report_id == report_id))
        conn.execute(delete(_CHECKS).where(_CHECKS.c.report_id == report_id, _CHECKS.c.other_report_id.is_not(None)))
    if body_id is None or year is None:
        return
    if neighbours is None:
        neighbours = conn.execute(neighbours_query(report_id, body_id, year)).all()
    if not neighbours:
        return
    ids = [report_id, *(n[0] for n in neighbours)]
    cells: dict[int, list[dict]] = {i: [] for i in ids}
    carried = and_(Stat.section == SECTION_REQUESTS, or_(Stat.item.like("二、%"), Stat.item.like("四、%")))
    for cell_report, section, item, column, value in conn.execute(
            select(Stat.report_id, Stat.section, Stat.item, Stat.column, Stat.value)
            .where(Stat.report_id.in_(ids), or_(Stat.section == SECTION_ACTIVE, carried)).order_by(Stat.id)):
        cells[cell_report].append({"section": section, "item": item, "column": column, "value": value})
    me = (report_id, year, title)
    rows = []
    for neighbour in neighbours:
        neighbour = tuple(neighbour)
        earlier, later = (neighbour, me) if neighbour[1] < year else (me, neighbour)
        label = f"the {earlier[1]} report (#{earlier[0]} {earlier[2] or ''})".replace(" )", ")")
        rows += [{"report_id": later[0], "other_report_id": earlier[0], "rule": c["rule"],
                  "expected": number_or_none(c["expected"]), "found": number_or_none(c["found"]),
                  "message": c["message"]}
                 for c in check_years(cells[earlier[0]], cells[later[0]], label)]
    if rows:
        insert_rows(conn, _CHECKS, rows)


def link_reports(session: Session, batch: int = 500) -> int:
    """Link every report stored without a body (before migration 0006) to its body and compute
    its year-over-year checks; each batch one transaction. Returns how many were linked."""
    from crawler.registry.bodies import load_aliases
    load_aliases()            # a broken $REPORTS_BODY_ALIASES file is said before anything is read
    linked, after = 0, 0
    columns = [_REPORTS.c.id, *(_REPORTS.c[name] for name in BODY_FIELDS)]
    while True:
        with session.begin():
            conn = session.connection()
            reports = conn.execute(select(*columns).where(_REPORTS.c.body_id.is_(None), _REPORTS.c.id > after)
                                   .order_by(_REPORTS.c.id).limit(batch)).mappings().all()
            for report in reports:
                after = report["id"]
                body_id = body_id_of(conn, dict(report))
                if body_id is not None:
                    conn.execute(update(_REPORTS).where(_REPORTS.c.id == report["id"]).values(body_id=body_id))
                    recheck_years(conn, report["id"], body_id, report["report_year"], report["title"], known=True)
                    linked += 1
        if len(reports) < batch:
            return linked
