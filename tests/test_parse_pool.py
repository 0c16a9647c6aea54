"""Parsing in worker processes (issue 16): the pool gives the same reports as parsing in the
reactor thread, a worker dying on a page costs that page alone, and workers do not outlive a
killed crawl."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from sqlalchemy import select

import pipelines.parse
from crawler.demo.columns.large import LargePortalSet, LargeSite
from crawler.demo.server import DemoServer
from crawler.items import CrawlFailure, Report
from crawler.plan import CrawlPlan
from pipelines import db
from pipelines.parse import ParsePipeline
from tests.conftest import FAST_SETTINGS, ROOT, crawl, fresh_database_url


class _Crawler:
    spider = None
    settings = Settings()


def _report_page(number: int) -> Report:
    portal_set = LargePortalSet(50, portal_count=1)
    path = portal_set.report_path(number)
    body = LargeSite(portal_set).handle("GET", path, {}, b"").body
    return Report(url="http://127.0.0.1" + path, raw_html=body, listing_title=portal_set.report(number).title,
                  portal_id="demo-large-01")


def _parse_all(pipeline: ParsePipeline, items: list[Report]) -> list:
    async def run():
        return await asyncio.gather(*(pipeline.process_item(item) for item in items))
    pipeline.open_spider()
    try:
        return asyncio.run(run())
    finally:
        pipeline.close_spider()


def _pipeline(workers: int) -> ParsePipeline:
    return ParsePipeline(MemoryStatsCollector(_Crawler()), CrawlPlan(), workers=workers)


def test_the_pool_parses_pages_as_the_reactor_thread_does():
    inline = _parse_all(_pipeline(0), [_report_page(n) for n in range(6)])
    pooled = _parse_all(_pipeline(2), [_report_page(n) for n in range(6)])
    for one, other in zip(inline, pooled, strict=True):
        assert isinstance(other, Report) and other.stats and other.minhash and other.raw_html_z
        assert (one.title, one.report_year, one.body_hash, one.stats, one.checks, one.minhash, one.province) == (
            other.title, other.report_year, other.body_hash, other.stats, other.checks, other.minhash, other.province)


def _dies_on_page_3(raw_html, charset, url, *args, **kwargs):
    if "_3.html" in url:
        os._exit(1)          # as a parser crashing in C would
    return _parse_page(raw_html, charset, url, *args, **kwargs)


_parse_page = pipelines.parse.parse_page


def test_a_worker_dying_on_a_page_costs_that_page_alone(monkeypatch):
    # the workers are forked when the pipeline opens, after the patch: they run it
    monkeypatch.setattr(pipelines.parse, "parse_page", _dies_on_page_3)
    pipeline = _pipeline(1)
    results = _parse_all(pipeline, [_report_page(n) for n in range(8)])
    failed = [r for r in results if isinstance(r, CrawlFailure)]
    assert [f.url.rsplit("/", 1)[1] for f in failed] == [_report_page(3).url.rsplit("/", 1)[1]]
    assert "process died" in failed[0].reason
    assert sum(isinstance(r, Report) and bool(r.stats) for r in results) == 7
    assert pipeline.stats.get_value("reports/parse_errors") == 1


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_do_not_outlive_a_killed_crawl(tmp_path):
    portal_set = LargePortalSet(400, portal_count=1)
    with DemoServer(LargeSite(portal_set)) as server:
        cmd = [sys.executable, "-m", "crawler", "crawl", "-a", "portal=demo-large-01"]
        for name, value in {**FAST_SETTINGS, "REPORTS_PARSE_WORKERS": "2", "LOG_LEVEL": "WARNING"}.items():
            cmd += ["-s", f"{name}={value}"]
        env = {**os.environ, "DATABASE_URL": fresh_database_url(tmp_path), "REPORTS_DEMO_URL": server.base_url}
        crawler = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(workers := _children(crawler.pid)) < 2 and crawler.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2, "the crawl never started its parse workers"
        crawler.send_signal(signal.SIGKILL)
        crawler.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a parse worker outlived its killed crawl"


@pytest.mark.db
def test_a_crawl_stores_the_same_reports_with_and_without_workers(tmp_path):
    portal_set = LargePortalSet(40, portal_count=1)
    stored = []
    with DemoServer(LargeSite(portal_set)) as server:
        for workers in ("0", "2"):
            directory = tmp_path / workers
            directory.mkdir()
            url = fresh_database_url(directory)
            result = crawl(url, server.base_url, {"portal": "demo-large-01"},
                           {"REPORTS_PARSE_WORKERS": workers}, directory)
            assert result.returncode == 0, result.stderr[-2000:]
            assert result.stats.get("reports/stored/new") == 40
            engine = db.make_engine(url)
            with db.session_factory(engine)() as session:
                stored.append(session.execute(select(
                    db.ReportRow.url, db.ReportRow.title, db.ReportRow.report_year, db.ReportRow.body_hash,
                    db.ReportRow.minhash, db.ReportRow.province, db.ReportRow.division_code)
                    .order_by(db.ReportRow.url)).all())
            engine.dispose()
    assert stored[0] == stored[1] and len(stored[0]) == 40
