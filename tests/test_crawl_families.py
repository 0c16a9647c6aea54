"""End-to-end: `crawl -a url=…` against one demo column of each CMS family, with no registry entry.

The spider must detect the family from the first page (and log which and why), walk every listing
page (static pages, POST APIs, JSON and XML answers), and store every report of the column, the
notice about compiling reports excluded. A column of markup no family knows falls back to generic;
a listing without any report link is a recorded failure, not a silent empty crawl (a page without
any link at all is not recognised by any family: tests/test_detect.py).

The crawls are independent child processes, so they run side by side (one database each) to keep
this file fast.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from crawler.demo.portal import DemoPortal
from crawler.demo.server import DemoServer
from crawler.demo.site import html_response
from pipelines import db
from tests.conftest import crawl

pytestmark = pytest.mark.db

NO_REPORT_PAGE = "/xxgk/tzgg/index.html"     # a column of notices only


def _column(portal: DemoPortal, name: str):
    return getattr(portal, name)


COLUMNS = {  # demo column attribute → family detection must choose
    "trs_api": "trs",
    "hanweb": "hanweb",
    "gkmlpt": "gkmlpt",
    "plain_list": "generic",
    "unknown_markup": "generic",
}


class Crawled:
    """One finished crawl: its result and the rows it stored."""

    def __init__(self, result, database_url: str):
        self.result = result
        engine = db.make_engine(database_url)
        with db.session_factory(engine)() as session:
            self.reports = {r.title: (r.url, r.index_no, r.publisher, r.published_on, r.report_year)
                            for r in session.scalars(select(db.Report))}
            self.failures = [(f.url, f.reason) for f in session.scalars(select(db.Failure))]
        engine.dispose()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    portal = DemoPortal()
    portal.site.add(NO_REPORT_PAGE, html_response(
        '<html><body><ul><li><a href="./202101/t20210105_1.html">关于做好2021年政府信息公开工作年度报告编制工作的通知'
        '</a><span>2021-01-05</span></li><li><a href="./202012/t20201201_2.html">南山区2021年政府工作报告</a>'
        '<span>2020-12-01</span></li></ul></body></html>'))
    with DemoServer(portal.site) as server:
        portal.base_url = server.base_url
        starts = {name: _column(portal, name).listing_path for name in COLUMNS}
        starts["no_reports"] = NO_REPORT_PAGE

        def run(item):
            name, path = item
            folder = tmp_path_factory.mktemp(name)
            url = f"sqlite:///{folder / 'reports.sqlite'}"
            return name, Crawled(crawl(url, server.base_url, {"url": server.base_url + path}, tmp_path=folder), url)

        with ThreadPoolExecutor(max_workers=len(starts)) as pool:
            results = dict(pool.map(run, starts.items()))
        yield portal, results


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_every_report_of_the_column_is_found_and_the_family_is_logged(crawls, name):
    portal, results = crawls
    crawled, column = results[name], _column(portal, name)
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert f"family {COLUMNS[name]} chosen (" in crawled.result.log
    assert crawled.result.stats["reports/family/url:127.0.0.1"] == COLUMNS[name]
    assert sorted(crawled.reports) == sorted(e.title for e in column.reports)
    assert crawled.failures == []


def test_unknown_markup_falls_back_to_generic_and_says_why(crawls):
    _, results = crawls
    log = results["unknown_markup"].result.log
    assert "family generic chosen (no CMS family marker; generic list of" in log
    assert "page-number links" in log


def test_the_post_api_pages_of_the_static_plus_api_column_were_walked(crawls):
    portal, results = crawls
    column = portal.trs_api
    pages = column.page_count()
    # page 1 static, every other page from POST /fjdzapp/search
    assert results["trs_api"].result.stats["reports/listing_pages"] == pages
    assert portal.site.hits.get("/fjdzapp/search") == pages - 1


def test_gkmlpt_metadata_comes_from_the_json(crawls):
    portal, results = crawls
    stored = results["gkmlpt"].reports
    for entry in portal.gkmlpt.reports:     # the detail pages have no metadata header
        url, index_no, publisher, published_on, _ = stored[entry.title]
        assert url.endswith(portal.gkmlpt.detail_path(entry))
        assert (index_no, publisher, published_on) == (entry.item.index_no, entry.item.publisher,
                                                       entry.item.published_on)


def test_hanweb_rows_after_the_embedded_group_come_from_dataproxy(crawls):
    portal, results = crawls
    stats = results["hanweb"].result.stats
    assert stats["reports/listing_pages"] == 2      # the column page and one dataproxy.jsp answer
    assert portal.site.hits.get("/module/web/jpage/dataproxy.jsp") == 1


def test_a_listing_without_report_links_is_a_recorded_failure(crawls):
    _, results = crawls
    crawled = results["no_reports"]
    assert "family generic chosen" in crawled.result.log
    assert crawled.reports == {}
    assert [why for _, why in crawled.failures] == ["portal url:127.0.0.1: its listing yielded no report link"]
