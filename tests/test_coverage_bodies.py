"""The coverage page's reporting-body sections: years found and missing per body, and the bodies
whose reports break year-over-year checks, against the database's own counts."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import func, select

from crawler.coverage_page import write_report
from crawler.registry import Portal
from pipelines import db
from tests.test_panel import _store_all

pytestmark = pytest.mark.db
PORTALS = [Portal(id="fj-pingtan", name="平潭综合实验区", province="福建省", start_url="http://pingtan.invalid/")]


def test_the_body_sections_show_the_databases_years_and_year_checks(session, database_url, tmp_path):
    _store_all(session)
    with session.begin():               # one report as a database from before migration 0006 holds it
        seed = session.scalars(select(db.ReportRow).where(db.ReportRow.portal_id == "seeds")
                               .order_by(db.ReportRow.id)).first()
        seed.body_id = None
    page = tmp_path / "coverage.html"
    write_report(page, database_url, portals=PORTALS)
    dom = lxml.html.fromstring(page.read_text(encoding="utf-8"))

    assert session.scalar(select(func.count()).select_from(db.ReportRow).where(db.ReportRow.body_id.is_(None))) == 0
    latest = session.scalar(select(func.max(db.ReportRow.report_year)))
    rows = dom.xpath("//table[@id='table-bodies']//tr[@data-body]")
    assert len(rows) == session.scalar(select(func.count()).select_from(db.Body))
    for row in rows:
        found = sorted(session.scalars(select(db.ReportRow.report_year).distinct().where(
            db.ReportRow.body_id == int(row.get("data-body")), db.ReportRow.report_year.is_not(None))))
        assert row.get("data-found").split() == [str(y) for y in found]
        missing = [y for y in range(found[0], latest + 1) if y not in found] if found else []
        assert row.get("data-missing").split() == [str(y) for y in missing]

    per_body = dict(session.execute(
        select(db.ReportRow.body_id, func.count()).join(db.CheckRow, db.CheckRow.report_id == db.ReportRow.id)
        .where(db.CheckRow.other_report_id.is_not(None)).group_by(db.ReportRow.body_id)).all())
    shown = {int(td.get("data-body")): int(td.get("data-count"))
             for td in dom.xpath("//td[@data-name='body-year-checks']")}
    assert shown == per_body and per_body            # the Pingtan 2023→2024 stock
    pingtan = dom.xpath("//table[@id='table-year-checks']//tr[@data-body]")[0]
    assert "2023→2024" in pingtan.text_content()


def test_an_empty_database_says_so(session, database_url, tmp_path):
    page = tmp_path / "coverage.html"
    write_report(page, database_url, portals=PORTALS)
    text = page.read_text(encoding="utf-8")
    assert 'id="bodies-empty"' in text and 'id="year-checks-none"' in text
