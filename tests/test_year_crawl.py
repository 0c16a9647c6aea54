"""Two years of one body crawled from the demo portal (crawler/demo/columns/years.py) in either
order: the same year-over-year checks, on the later report, naming the earlier one."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.demo.columns.years import CARRIED, years_reports
from pipelines import db
from tests.conftest import crawl, fresh_database_url

pytestmark = pytest.mark.db


def _crawl_in_order(demo, tmp_path, first_slug: str) -> list[tuple]:
    """Crawl the column holding only `first_slug`'s report, then again holding both; the stored
    year checks as (later title, earlier title, rule, expected, found, message)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    url = fresh_database_url(tmp_path)
    both = years_reports()
    demo.years.entries = [r for r in both if r.slug == first_slug]
    demo.years.mount()
    for _ in range(2):
        result = crawl(url, demo.base_url, {"portal": "demo-years"}, tmp_path=tmp_path)
        assert result.returncode == 0, result.log[-2000:]
        demo.years.entries = both
        demo.years.mount()
    engine = db.make_engine(url)
    later, earlier = db.ReportRow.__table__.alias(), db.ReportRow.__table__.alias()
    with engine.connect() as conn:
        rows = conn.execute(select(later.c.title, earlier.c.title, db.CheckRow.rule, db.CheckRow.expected,
                                   db.CheckRow.found, db.CheckRow.message)
                            .join(later, later.c.id == db.CheckRow.report_id)
                            .join(earlier, earlier.c.id == db.CheckRow.other_report_id)).all()
        bodies = conn.execute(select(db.ReportRow.body_id).distinct()).scalars().all()
    engine.dispose()
    assert len(bodies) == 1
    return sorted((*r[:5], r[5].split(":")[0]) for r in rows)


def test_two_years_crawled_out_of_order_give_the_same_checks(demo, tmp_path):
    later, earlier = years_reports()
    in_order = _crawl_in_order(demo, tmp_path / "in-order", earlier.slug)
    out_of_order = _crawl_in_order(demo, tmp_path / "out-of-order", later.slug)
    assert in_order == out_of_order
    # the 2021 report says CARRIED requests came over; the 2020 report left none: 自然人 and 总计
    assert in_order == sorted((later.title, earlier.title, "year.carry_over", 0, CARRIED, column)
                              for column in ("自然人", "总计"))
