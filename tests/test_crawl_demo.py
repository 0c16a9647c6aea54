"""End-to-end: the reports spider crawls the demo portal through Scrapy's engine into the database."""
from __future__ import annotations

import zlib

import pytest
from sqlalchemy import func, select

from crawler.demo.reports import seed_reports
from crawler.extract.report import report_from_text
from pipelines import db
from tests.conftest import SEEDS

pytestmark = pytest.mark.db

DEMO_REPORTS = {r.title: r for r in seed_reports()}


def _reports(session) -> dict[str, db.ReportRow]:
    session.expire_all()
    return {r.title: r for r in session.scalars(select(db.ReportRow))}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_crawl_stores_each_report_once_with_its_page_metadata(run_crawl, session, demo):
    result = run_crawl()
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    # 3 listing pages (index.html, index_1.html, index_2.html) were walked
    assert result.stats["reports/listing_pages"] == 3

    stored = _reports(session)
    assert sorted(stored) == sorted(DEMO_REPORTS)          # the notice is not a report
    for title, page in DEMO_REPORTS.items():
        row = stored[title]
        assert row.index_no == page.index_no
        assert row.publisher == page.publisher
        assert row.published_on == page.published_on
        assert row.topic == page.topic
        assert row.portal_id == "demo-nanshan"
        assert "当前位置" not in row.body_text and "备案号" not in row.body_text
    assert stored["南山区2020年政府信息公开工作年度报告"].report_year == 2020
    assert stored["同江市2017年政府信息公开工作年度报告"].report_year == 2017
    assert stored["南山区政府2018年度政府信息公开报告"].written_on == "2019-03-16"
    # the region is read from the report (publisher, signature, title), not from the portal
    nanshan = stored["南山区2020年政府信息公开工作年度报告"]
    assert (nanshan.province, nanshan.prefecture, nanshan.county, nanshan.division_code) == (
        "黑龙江省", "鹤岗市", "南山区", "230404")
    assert stored["南昌高新区2018年政府信息公开工作年度报告"].province == "江西省"
    assert stored["同江市2017年政府信息公开工作年度报告"].division_code == "230881"


def test_gbk_pages_declared_only_in_meta_are_decoded(run_crawl, session):
    assert run_crawl().returncode == 0
    songling = _reports(session)["2018年松岭区政府信息公开工作年度报告"]
    assert "松岭区政务公开领导小组办公室" in songling.body_text
    version = session.scalars(select(db.ReportVersion).where(db.ReportVersion.report_id == songling.id)).one()
    raw = zlib.decompress(version.raw_html_z)
    assert b"charset=gb2312" in raw and "松岭区".encode("gbk") in raw   # the raw GBK page is kept
    assert version.encoding.lower().replace("_", "").replace("-", "") in ("gb18030", "gbk")


def test_repost_under_a_second_url_is_one_report_with_both_urls(run_crawl, session, demo):
    assert run_crawl().returncode == 0
    nanshan = _reports(session)["南山区2020年政府信息公开工作年度报告"]
    urls = sorted(u.url for u in nanshan.urls)
    assert urls == sorted(demo.base_url + "/xxgk/zfxxgknb/" + p
                          for p in ("202101/t20210126_482101.html", "202102/t20210201_482777.html"))
    assert nanshan.published_on == "2021-01-26"       # the original, not the repost's date
    assert nanshan.url.endswith("t20210126_482101.html")


def test_stats_from_the_html_pages_equal_those_of_the_seed_texts(run_crawl, session):
    assert run_crawl().returncode == 0
    stored = _reports(session)
    for page in seed_reports():
        from_seed = report_from_text((SEEDS / page.seed).read_text(encoding="utf-8"), page.seed)
        row = stored[page.title]
        cells = sorted(repr((s.section, s.group, s.item, s.column, s.unit, s.value)) for s in row.stats)
        want = sorted(repr((s["section"], s["group"], s["item"], s["column"], s["unit"],
                            None if s["value"] is None else float(s["value"]))) for s in from_seed["stats"])
        assert cells == want, page.slug
        assert sorted(c.rule for c in row.checks) == sorted(c["rule"] for c in from_seed["checks"])


def test_second_crawl_adds_no_row(run_crawl, session):
    assert run_crawl().returncode == 0
    models = (db.ReportRow, db.ReportUrl, db.ReportVersion, db.Stat, db.CheckRow)
    counts = {m.__name__: _count(session, m) for m in models}
    second = run_crawl()
    assert second.returncode == 0
    session.expire_all()
    assert {m.__name__: _count(session, m) for m in models} == counts
    assert counts["ReportRow"] == 5 and counts["ReportUrl"] == 6
    runs = session.scalars(select(db.Run).order_by(db.Run.id)).all()
    assert [(r.new_reports, r.duplicates, r.failures, r.finish_reason) for r in runs] == [
        (5, 1, 0, "finished"), (0, 0, 0, "finished")]
    # nightly: the first listing page holds only known reports, so the walk stops there, and
    # its two report pages are answered 304 Not Modified
    assert second.stats["reports/listing_pages"] == 1
    assert second.stats["reports/not_modified"] == 2
    assert "reports/parsed" not in second.stats


def test_since_until_keep_only_reports_of_those_years(run_crawl, session):
    assert run_crawl({"portal": "demo-nanshan", "since": "2018", "until": "2018"}).returncode == 0
    assert sorted(r.report_year for r in _reports(session).values()) == [2018, 2018, 2018]


def test_missing_listing_is_a_failure_row_naming_the_portal(run_crawl, session, demo):
    demo.site.remove("/xxgk/zfxxgknb/index.html")
    result = run_crawl()
    assert result.returncode == 1          # nothing stored and failures recorded: cron must notice
    assert result.log.strip().splitlines()[-1].startswith("crawl failed: 0 reports stored, ")
    failures = session.scalars(select(db.Failure)).all()
    assert any(f.status == 404 and f.url.endswith("/xxgk/zfxxgknb/index.html") for f in failures)
    assert any("demo-nanshan" in f.reason and "no report link" in f.reason for f in failures)
    run = session.scalars(select(db.Run)).one()
    assert run.failures == len(failures) >= 2
    assert _count(session, db.ReportRow) == 0


def test_unsupported_portal_is_a_failure_row_without_a_request(run_crawl, session):
    result = run_crawl({"portal": "demo-unsupported"})
    assert result.returncode == 1          # nothing stored, a failure recorded
    assert result.stats.get("downloader/request_count", 0) == 0
    (failure,) = session.scalars(select(db.Failure)).all()
    assert failure.portal_id == "demo-unsupported" and "not supported: JavaScript-only" in failure.reason
    row = session.get(db.PortalRow, "demo-unsupported")
    assert row is not None and not row.verified and "not supported" in row.last_outcome   # never marked verified
