"""Faults, bad input and limits (issue 7): one crawl of the demo portal's fault-injecting columns,
then one test per fault asserting what was stored and which failure row was written."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.demo.portal import DemoPortal
from crawler.demo.server import DemoServer
from pipelines import db
from tests.conftest import crawl, fresh_database_url

pytestmark = pytest.mark.db

FAULT_SETTINGS = {"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "2", "REPORTS_MAX_LISTING_PAGES": "20"}


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    url = fresh_database_url(tmp)
    portal = DemoPortal(faults=True)
    with DemoServer(portal.site) as server:
        # the same server under another host name: another domain for the crawler
        portal.faults.add_offsite_link(server.base_url.replace("127.0.0.1", "localhost"))
        result = crawl(url, server.base_url, {"portal": "demo-faults,demo-trap,demo-calendar", "mode": "full"},
                       FAULT_SETTINGS, tmp, timeout=240)
    engine = db.make_engine(url)
    with db.session_factory(engine)() as session:
        reports = {r.title: r for r in session.scalars(select(db.ReportRow))}
        for r in reports.values():
            _ = r.stats, r.urls  # load before the session closes
        failures = session.scalars(select(db.Failure)).all()
        runs = session.scalars(select(db.Run)).all()
    engine.dispose()
    return {"result": result, "portal": portal, "reports": reports, "failures": failures, "runs": runs}


def _failures_for(fault_crawl, slug):
    path = fault_crawl["portal"].faults.detail_path(slug)
    return [f for f in fault_crawl["failures"] if f.url.endswith(path)]


def _stored(fault_crawl, slug):
    return fault_crawl["reports"].get(fault_crawl["portal"].faults.titles[slug])


def test_the_crawl_finishes_despite_every_fault(fault_crawl):
    result = fault_crawl["result"]
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    (run,) = fault_crawl["runs"]
    assert run.failures == len(fault_crawl["failures"])


def test_healthy_report_next_to_the_faults_is_stored(fault_crawl):
    assert _stored(fault_crawl, "ok") is not None
    assert not _failures_for(fault_crawl, "ok")


@pytest.mark.parametrize("slug", ["retry-after", "flaky-502"])
def test_transient_errors_are_retried_and_the_report_stored(fault_crawl, slug):
    report = _stored(fault_crawl, slug)
    assert report is not None and report.stats
    assert not _failures_for(fault_crawl, slug)
    assert fault_crawl["portal"].faults.attempts[slug] >= 2


def test_retry_after_is_honoured(fault_crawl):
    assert fault_crawl["result"].stats["retry/retry_after_waits"] >= 1


@pytest.mark.parametrize("slug,status", [("always-500", 500), ("always-503", 503)])
def test_permanent_server_errors_become_failure_rows_after_retries(fault_crawl, slug, status):
    assert _stored(fault_crawl, slug) is None
    (failure,) = _failures_for(fault_crawl, slug)
    assert failure.status == status and failure.retries == 2
    assert failure.exception == "HttpError"
    assert failure.portal_id == "demo-faults"


@pytest.mark.parametrize("slug", ["reset", "hang", "truncated"])
def test_connection_faults_become_failure_rows_after_retries(fault_crawl, slug):
    assert _stored(fault_crawl, slug) is None
    (failure,) = _failures_for(fault_crawl, slug)
    assert failure.retries == 2 and failure.status is None
    assert failure.exception and failure.reason


def test_hang_failure_names_the_timeout(fault_crawl):
    (failure,) = _failures_for(fault_crawl, "hang")
    assert "Timeout" in failure.exception or "timeout" in failure.reason.lower()


def test_gbk_bytes_served_as_utf8_are_decoded(fault_crawl):
    report = _stored(fault_crawl, "gbk-as-utf8")
    assert report is not None
    assert "松岭区政务公开领导小组办公室" in report.body_text
    assert "\ufffd" not in report.body_text
    assert {s.item for s in report.stats} >= {"政府网站", "网审平台"}


def test_redirect_loop_is_a_failure_row(fault_crawl):
    failures = [f for f in fault_crawl["failures"] if "redirect" in f.reason.lower()]
    assert failures and _stored(fault_crawl, "redirect-loop") is None


def test_oversize_page_is_cut_off_and_recorded(fault_crawl):
    assert _stored(fault_crawl, "huge") is None
    (failure,) = _failures_for(fault_crawl, "huge")
    assert failure.exception and failure.reason


def test_malformed_metadata_table_still_stores_the_report(fault_crawl):
    report = _stored(fault_crawl, "bad-metadata")
    assert report is not None
    assert report.published_on == "2019-03-18"   # the page's 发布时间 line; the impossible 十三月 is not read
    assert report.index_no is None               # its label cell has no value
    assert report.report_year == 2012
    assert "南山区" in report.body_text


def test_ragged_table_rows_keep_their_cells(fault_crawl):
    report = _stored(fault_crawl, "ragged-table")
    assert report is not None
    cells = {s.item: s.value for s in report.stats}
    assert cells.get("（一）主动公开政府信息数") == 120
    assert cells.get("2.政府网站公开政府信息数") == 100
    assert cells.get("1.政府公报公开政府信息数") is None


def test_off_domain_link_is_never_followed(fault_crawl):
    portal = fault_crawl["portal"]
    assert portal.faults.offsite_title not in fault_crawl["reports"]
    assert fault_crawl["result"].stats.get("offsite/filtered", 0) >= 1
    assert not [f for f in fault_crawl["failures"] if "localhost" in f.url]


@pytest.mark.parametrize("portal_id", ["demo-trap", "demo-calendar"])
def test_pagination_traps_stop_at_the_page_cap(fault_crawl, portal_id):
    cap_failures = [f for f in fault_crawl["failures"] if f.portal_id == portal_id and "page cap" in f.reason]
    assert len(cap_failures) == 1
    stats = fault_crawl["result"].stats
    assert stats["reports/listing_page_cap_reached"] == 2
    title = {"demo-trap": "陷阱县2018年政府信息公开工作年度报告",
             "demo-calendar": "日历县2017年政府信息公开工作年度报告"}[portal_id]
    report = fault_crawl["reports"][title]
    assert len(report.urls) == 1          # the report every trap page links is stored once


def test_no_page_of_a_trap_is_fetched_twice(fault_crawl):
    stats = fault_crawl["result"].stats
    # 20 listing pages per trap portal at most, plus the fault column's single page
    assert stats["reports/listing_pages"] <= 20 + 20 + 1
