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
                            for r in session.scalars(select(db.ReportRow))}
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


# --- Hanweb variants seen on real portals (issue 13), crawled from their registry entries -----------

HANWEB_VARIANTS = {  # registry id → demo column attribute
    "demo-hanweb-zero": "hanweb_zero",             # family "auto": detection must see the jslib proxy
    "demo-hanweb-two-lists": "hanweb_two_lists",
}


class CrawledRows(Crawled):
    """A finished crawl with every stored field the listing and the report page decide."""

    def __init__(self, result, database_url: str):
        super().__init__(result, database_url)
        engine = db.make_engine(database_url)
        with db.session_factory(engine)() as session:
            self.rows = {r.title: (r.portal_id, r.url, r.index_no, r.publisher, r.published_on, r.topic,
                                   r.report_year, sorted(u.url for u in r.urls))
                         for r in session.scalars(select(db.ReportRow))}
        engine.dispose()


@pytest.fixture(scope="module")
def hanweb_variants(tmp_path_factory):
    portal = DemoPortal()      # a server of their own: the proxy hits below are theirs alone
    with DemoServer(portal.site) as server:
        portal.base_url = server.base_url

        def run(portal_id):
            folder = tmp_path_factory.mktemp(portal_id)
            url = f"sqlite:///{folder / 'reports.sqlite'}"
            return portal_id, CrawledRows(crawl(url, server.base_url, {"portal": portal_id}, tmp_path=folder), url)

        with ThreadPoolExecutor(max_workers=len(HANWEB_VARIANTS)) as pool:
            results = dict(pool.map(run, HANWEB_VARIANTS))
        yield portal, results


@pytest.mark.parametrize("portal_id", sorted(HANWEB_VARIANTS))
def test_every_report_of_a_hanweb_variant_is_stored_with_its_fields(hanweb_variants, portal_id):
    portal, results = hanweb_variants
    crawled, column = results[portal_id], getattr(portal, HANWEB_VARIANTS[portal_id])
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert crawled.failures == []                     # no "its listing yielded no report link"
    expected = {}
    for entry in column.reports:
        report = entry.item
        url = portal.base_url + column.detail_path(entry)
        expected[report.title] = (portal_id, url, report.index_no, report.publisher, report.published_on,
                                  report.topic, int(report.slug.rsplit("-", 1)[1]), [url])
    assert crawled.rows == expected
    assert len(expected) == portal.report_count        # every seed report, none twice


def test_a_page_claiming_zero_rows_is_detected_and_filled_from_its_jslib_proxy(hanweb_variants):
    portal, results = hanweb_variants
    crawled = results["demo-hanweb-zero"]
    assert crawled.result.stats["reports/family/demo-hanweb-zero"] == "hanweb"
    assert "family hanweb chosen" in crawled.result.log
    assert "jpage listing filled from /module/jslib/jquery/jpage/dataproxy.jsp" in crawled.result.log
    # one group (records 1-3) asked past the empty recordset, its <totalrecord> 6 gave records 4-6
    assert portal.site.hits.get("/module/jslib/jquery/jpage/dataproxy.jsp") == 2
    assert crawled.result.stats["reports/listing_pages"] == 3


def test_both_jpage_lists_of_one_page_are_asked(hanweb_variants):
    portal, results = hanweb_variants
    stats = results["demo-hanweb-two-lists"].result.stats
    first, second = portal.hanweb_two_lists.lists
    # the first list: the record past its embedded group; the second (stale totalRecord 1, nothing
    # embedded): record 1, then the rest its <totalrecord> counts
    assert portal.site.hits.get("/module/web/jpage/dataproxy.jsp") == 3
    assert stats["reports/listing_pages"] == 4
    assert {e.title for e in first.reports} and {e.title for e in second.reports}
    assert sorted(results["demo-hanweb-two-lists"].reports) == sorted(
        e.title for e in first.reports + second.reports)
