"""Province backfills from home pages (issue 13): real crawls of the demo portal's home-page sites
(crawler/demo/columns/homes.py) through Scrapy's engine. Discovery finds every annual-report column
(the government's own, its departments' and townships'), stores every report and no distractor,
remembers the columns, and rediscovers a portal whose remembered column starts answering 404."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from crawler.demo.columns.homes import NANSHAN, TONGJIANG, department_columns_expected
from crawler.demo.reports import seed_reports
from pipelines import db
from tests.conftest import ROOT

pytestmark = pytest.mark.db

DISTRACTOR = re.compile(r"政府工作报告|统计|企业年报|指南|通知|要点")


def columns(session) -> dict[str, db.ReportColumn]:
    session.expire_all()
    return {c.url: c for c in session.scalars(select(db.ReportColumn))}


def test_every_column_and_report_is_found_from_the_home_pages_and_no_distractor_is_stored(
        run_crawl, session, demo):
    home_reports = demo.homes.department_reports()
    result = run_crawl({"site": f"{demo.base_url}{NANSHAN},{demo.base_url}{TONGJIANG}"})
    assert result.returncode == 0, result.log[-3000:]

    found = columns(session)
    expected = {demo.base_url + path: department for path, department in department_columns_expected().items()}
    expected[demo.base_url + demo.homes.tongjiang_column.listing_path] = None
    assert {url: c.department for url, c in found.items()} == expected
    assert {c.family for c in found.values()} == {"trs", "hanweb"}       # the jpage column claiming 0 rows
    assert all(c.active and c.found_via and c.reports_seen > 0 for c in found.values())

    titles = sorted(r.title for r in session.scalars(select(db.ReportRow)))
    assert titles == sorted([r.title for r in seed_reports()] + [r.title for r in home_reports])
    assert not [t for t in titles if DISTRACTOR.search(t)]
    assert session.scalars(select(db.Failure)).all() == []
    # the 政府信息公开 link to another host is never followed; discovery stays in its budget
    assert "reports/discovery/offsite_refused" not in result.stats
    assert result.stats["reports/discovery/requests"] <= 2 * 80
    assert "/site/nanshan/zwgk/zfgzbg/t20210115_1.html" not in demo.site.hits     # a 政府工作报告 page
    assert "/site/nanshan/zfxxgk/qynb/index.html" not in demo.site.hits            # the 企业年报 column
    portal = session.get(db.PortalRow, "demo-home-nanshan")
    assert portal.discovered_at and not portal.needs_discovery
    assert portal.last_outcome == "9 report link(s) in 4 column(s)"


def test_a_remembered_column_that_answers_404_is_rediscovered_by_the_next_run(run_crawl, session, demo):
    assert run_crawl({"portal": "demo-home-nanshan"}).returncode == 0
    moved = f"{demo.base_url}{NANSHAN}bm/jyj/nb/index.html"
    assert columns(session)[moved].active
    reports_before = len(session.scalars(select(db.ReportRow)).all())

    # nightly: the remembered columns are crawled, no discovery; the education bureau's has moved
    demo.homes.move_department_column("jyj", "ndbg")
    nightly = run_crawl({"portal": "demo-home-nanshan"})
    assert "reports/discovery/portals" not in nightly.stats
    column = columns(session)[moved]
    assert not column.active and column.last_error == "HTTP 404"
    session.expire_all()
    assert session.get(db.PortalRow, "demo-home-nanshan").needs_discovery
    reasons = [f.reason for f in session.scalars(select(db.Failure).where(db.Failure.url == moved))]
    assert any("will be rediscovered on the next run" in r for r in reasons), reasons

    # the next run rediscovers the portal and finds the column where it went
    again = run_crawl({"portal": "demo-home-nanshan"})
    assert again.stats["reports/discovery/portals"] == 1
    new_url = f"{demo.base_url}{NANSHAN}bm/jyj/ndbg/index.html"
    found = columns(session)
    assert found[new_url].active and found[new_url].department == "区教育局" and not found[moved].active
    urls = {u.url for u in session.scalars(select(db.ReportUrl))}
    assert {u for u in urls if "/bm/jyj/ndbg/" in u}
    assert len(session.scalars(select(db.ReportRow)).all()) == reports_before
    session.expire_all()
    assert not session.get(db.PortalRow, "demo-home-nanshan").needs_discovery


def test_rediscover_forces_a_walk_over_remembered_columns(run_crawl, session, demo):
    assert run_crawl({"portal": "demo-home-tongjiang"}).returncode == 0
    again = run_crawl({"portal": "demo-home-tongjiang"})
    assert "reports/discovery/portals" not in again.stats and again.stats["reports/listing_pages"] >= 1
    forced = run_crawl({"portal": "demo-home-tongjiang", "rediscover": "1"})
    assert forced.stats["reports/discovery/portals"] == 1


def test_sites_discovery_cannot_read_leave_failure_rows_naming_the_cause(run_crawl, session, demo):
    sites = [f"{demo.base_url}/site/{name}/" for name in ("locked", "jsshell", "empty", "moved")]
    run_crawl({"site": ",".join(sites + [demo.base_url + TONGJIANG])})
    reasons = {f.url.split("/site/")[1].split("/")[0]: f.reason for f in session.scalars(select(db.Failure))}
    assert reasons["locked"] == "home page: login wall (a password form and no navigation)"
    assert reasons["jsshell"].startswith("home page: JavaScript-only page")
    assert reasons["empty"].startswith("no 年报 column found within 4 requests; best candidates tried: 政府信息公开 ")
    assert reasons["nanshan"] == (f"home page redirects off-region to "
                                  f"{demo.base_url.replace('127.0.0.1', 'localhost')}/site/nanshan/index.html")
    assert len(reasons) == 4
    # the crawl went on with the other portal
    assert len(session.scalars(select(db.ReportRow)).all()) == len(seed_reports())
    outcomes = {p.id: p.last_outcome for p in session.scalars(select(db.PortalRow))}
    assert outcomes[f"site:{demo.base_url.split('://')[1]}/site/locked"].startswith("home page: login wall")


def _command(database_url: str, demo_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "REPORTS_DEMO_URL": demo_url}
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_discover_prints_and_remembers_columns_and_fetches_no_report(database_url, session, demo):
    fast = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
    done = _command(database_url, demo.base_url, "discover", "-a", f"site={demo.base_url}{NANSHAN}", *fast)
    assert done.returncode == 0, done.stderr[-2000:]
    printed = [line.split("\t") for line in done.stdout.splitlines()]
    assert sorted(row[4] for row in printed) == sorted(demo.base_url + p for p in department_columns_expected())
    assert "4 column(s) found" in done.stderr
    assert session.scalars(select(db.ReportRow)).all() == []
    assert not [path for path in demo.site.hits if re.search(r"/t20\d{6}_\d+\.html$", path)]   # no report page

    listed = _command(database_url, demo.base_url, "columns", "--portal", "demo-home-nanshan")
    rows = [line.split("\t") for line in listed.stdout.splitlines()[1:]]
    assert listed.returncode == 0 and len(rows) == 4
    assert {row[3] for row in rows} == {"-", "区教育局", "区财政局", "铁西街道"}

    portals = _command(database_url, demo.base_url, "portals", "--province", "演示")
    (row,) = [line.split("\t") for line in portals.stdout.splitlines() if line.startswith("demo-home-nanshan\t")]
    assert row[7] == "4" and "discovery: 4 column(s)" in row[8]


def test_portals_lists_a_whole_province_of_the_registry(database_url, demo):
    listed = _command(database_url, demo.base_url, "portals", "--province", "黑龙江")
    rows = listed.stdout.splitlines()[1:]
    assert listed.returncode == 0 and len(rows) == 135
    assert all(row.split("\t")[8] == "never crawled" for row in rows)
    bad = _command(database_url, demo.base_url, "portals", "--province", "火星")
    assert bad.returncode == 1 and bad.stderr.strip() == "error: no registered portal with province '火星'"
